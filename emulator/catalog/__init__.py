"""The Data Catalog: databases, tables and their versions, partitions and partition indexes,
user-defined functions and connections. One module per concept, one function per operation."""
