"""Reading a PostgreSQL (or Redshift-served-by-PostgreSQL) database's catalog and rows for the entity operations.

Every function takes an open pg8000 session to the database concerned. Names are matched exactly, as the
database stores them; identifiers are always quoted (predicates.quote_ident) and values always parameters.
"""

from __future__ import annotations

import base64
import datetime
import decimal
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import types
from .predicates import quote_ident

_SCHEMAS = """
    SELECT schema_name FROM information_schema.schemata
    WHERE NOT schema_name = ANY(%s) AND schema_name NOT LIKE 'pg_temp%%' AND schema_name NOT LIKE 'pg_toast%%'
    ORDER BY 1"""
_TABLES = """
    SELECT table_name, table_type FROM information_schema.tables
    WHERE table_schema = %s AND table_type IN ('BASE TABLE', 'VIEW') ORDER BY 1"""
_TABLE = "SELECT table_type FROM information_schema.tables WHERE table_schema = %s AND table_name = %s"
# format_type gives the type as the database spells it (numeric(10,2), character varying(40)).
_COLUMNS = """
    SELECT c.column_name, c.udt_name, c.numeric_precision, c.numeric_scale, c.is_nullable = 'YES',
           c.column_default IS NOT NULL, format_type(a.atttypid, a.atttypmod)
    FROM information_schema.columns c
    JOIN pg_catalog.pg_namespace n ON n.nspname = c.table_schema
    JOIN pg_catalog.pg_class r ON r.relnamespace = n.oid AND r.relname = c.table_name
    JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attname = c.column_name
    WHERE c.table_schema = %s AND c.table_name = %s ORDER BY c.ordinal_position"""
_PRIMARY_KEY = """
    SELECT k.column_name FROM information_schema.table_constraints t
    JOIN information_schema.key_column_usage k
      ON k.constraint_schema = t.constraint_schema AND k.constraint_name = t.constraint_name
     AND k.table_schema = t.table_schema AND k.table_name = t.table_name
    WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = %s AND t.table_name = %s
    ORDER BY k.ordinal_position"""


@dataclass(frozen=True)
class Column:
    """One column: its name, catalog type (types.glue_type), the database's own type, and its constraints."""

    name: str
    glue_type: str
    native_type: str
    nullable: bool
    has_default: bool
    primary_key: bool


def schemas(session: Any, system: Sequence[str]) -> list[str]:
    """The schemas of the session's database, less the `system` ones (and temporary/toast schemas)."""
    cursor = session.cursor()
    cursor.execute(_SCHEMAS, (list(system),))
    return [row[0] for row in cursor.fetchall()]


def tables(session: Any, schema: str) -> list[tuple[str, str]]:
    """(name, `table` or `view`) of every table and view of `schema`, by name."""
    cursor = session.cursor()
    cursor.execute(_TABLES, (schema,))
    return [(name, "view" if kind == "VIEW" else "table") for name, kind in cursor.fetchall()]


def table_kind(session: Any, schema: str, table: str) -> str | None:
    """`table`, `view`, or None when `schema.table` does not exist."""
    cursor = session.cursor()
    cursor.execute(_TABLE, (schema, table))
    row = cursor.fetchone()
    return None if row is None else "view" if row[0] == "VIEW" else "table"


def columns(session: Any, schema: str, table: str) -> list[Column]:
    """The columns of `schema.table` in their database order."""
    cursor = session.cursor()
    cursor.execute(_PRIMARY_KEY, (schema, table))
    keys = {row[0] for row in cursor.fetchall()}
    cursor.execute(_COLUMNS, (schema, table))
    return [Column(name, types.glue_type(udt, precision, scale), native, nullable, default, name in keys)
            for name, udt, precision, scale, nullable, default, native in cursor.fetchall()]


def _selected(column: Column) -> str:
    # money is typed double (types.py) but its text carries a currency sign: read it as a number.
    name = quote_ident(column.name)
    return f"{name}::numeric AS {name}" if column.native_type == "money" else name


def rows(session: Any, schema: str, table: str, fields: Sequence[Column], where: tuple[str, list[Any]] | None,
         order: Sequence[str], limit: int, offset: int) -> list[dict[str, Any]]:
    """Up to `limit` rows after `offset` of the `fields` columns, filtered by `where` (SQL with %s, parameters) and
    sorted by `order` (quoted ORDER BY items), each as a JSON-ready dict (see `json_value`)."""
    sql = (f"SELECT {', '.join(_selected(f) for f in fields)} FROM {quote_ident(schema)}.{quote_ident(table)}"
           + (f" WHERE {where[0]}" if where else "") + (f" ORDER BY {', '.join(order)}" if order else "")
           + " LIMIT %s OFFSET %s")
    cursor = session.cursor()
    cursor.execute(sql, (*(where[1] if where else ()), limit, offset))
    return [{f.name: json_value(v) for f, v in zip(fields, row, strict=True)} for row in cursor.fetchall()]


def json_value(value: Any) -> Any:
    """A database value as GetEntityRecords' JSON carries it: numbers stay numbers (decimals as their nearest
    double: a JSON number), dates and times in ISO 8601, binary in base64 (as Jackson writes byte arrays),
    json/arrays as JSON, anything else (uuid, intervals, ranges...) as its text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 2**63 else float(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, list):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return str(value)
