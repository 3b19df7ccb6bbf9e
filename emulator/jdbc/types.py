"""PostgreSQL column types -> the Data Catalog types a Glue JDBC crawler records.

Glue maps a JDBC column through its java.sql.Types code: integers keep their width (int2 -> smallint,
int4 -> int, int8 -> bigint), numeric(p,s) -> decimal(p,s), real -> float, double precision -> double,
character types and text -> string, bool -> boolean, date -> date, timestamp with or without time zone ->
timestamp, bytea -> binary. money is read as a double (AWS re:Post "AWS Glue, crawlers and issue with money
datatype"); every other type (json, uuid, arrays, ranges, geometric types...) is recorded as string.
"""

from __future__ import annotations

_SIMPLE = {
    "int2": "smallint", "smallserial": "smallint",
    "int4": "int", "serial": "int", "oid": "bigint",
    "int8": "bigint", "bigserial": "bigint",
    "float4": "float", "float8": "double", "money": "double",
    "bool": "boolean", "bit": "boolean",
    "date": "date",
    "timestamp": "timestamp", "timestamptz": "timestamp",
    "bytea": "binary",
}
# PostgreSQL's numeric without a precision holds any value; the JDBC driver reports no usable precision
# and Spark reads it as decimal(38,18), the widest decimal Hive and Glue accept.
UNBOUNDED_DECIMAL = "decimal(38,18)"


def glue_type(udt_name: str, precision: int | None = None, scale: int | None = None) -> str:
    """The catalog type of a column given its `information_schema.columns.udt_name` (and for numeric its
    numeric_precision / numeric_scale)."""
    name = udt_name.lower()
    if name == "numeric":
        return f"decimal({precision},{scale or 0})" if precision else UNBOUNDED_DECIMAL
    return _SIMPLE.get(name, "string")
