"""JDBC data stores: driver jars for Spark, JDBC URLs, connecting from the server, Glue's type mapping.

PostgreSQL is the reference engine (Redshift speaks its protocol and is served by a PostgreSQL database);
the server reaches PostgreSQL with pg8000 (pure Python), Spark reaches it with the driver jars found by
`drivers.find_drivers`.
"""
