"""Amazon Athena over the emulator's own Data Catalog and S3, on the same port (X-Amz-Target `AmazonAthena.*`).

Query executions (queries.py) run Athena's Trino SQL translated by sqlglot on DuckDB (engine.py) over the
files the Glue catalog's tables describe, or change the catalog for DDL (ddl.py); results are written as
Athena writes them (results.py). Work groups, named queries, prepared statements and data catalogs are
stored records (workgroups.py, named_queries.py, prepared_statements.py, catalogs.py).
"""
