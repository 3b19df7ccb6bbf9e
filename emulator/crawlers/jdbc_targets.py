"""What a crawl of one JdbcTarget finds: the tables and views of a database, as table plans.

AWS (JdbcTarget in the API reference; "Crawler properties" / "Include and exclude patterns" in the crawler
guide): the target names a catalog connection and an include path `database/schema/table` (engines with
schemas: PostgreSQL, Redshift) where `%` stands for any schema or table (SQL LIKE, `_` for one character);
`database/table` also works and then looks in every schema. Exclusions are glob patterns over the same
`database/schema/table` path. Each table becomes a catalog table named `<database>_<schema>_<table>`
(lower case, after the crawler's TablePrefix), its Location `<database>.<schema>.<table>`, with the parameters
`classification` (the engine: postgresql, redshift), `connectionName` and `typeOfData` (table or view); the
columns keep their database order, their types mapped as emulator/jdbc/types.py says. The system schemas
(pg_catalog, information_schema, pg_toast) are never crawled.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..catalog.common import CONNECTION
from ..catalog.connections import connection_target
from ..context import RequestContext
from ..jdbc import connect, types
from . import planner
from .writer import CrawlFailed

Log = Callable[[str], None]
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")
_TABLES = """
    SELECT t.table_schema, t.table_name, t.table_type FROM information_schema.tables t
    WHERE t.table_schema LIKE %s AND t.table_name LIKE %s AND NOT t.table_schema = ANY(%s)
      AND t.table_schema NOT LIKE 'pg_temp%%' AND t.table_type IN ('BASE TABLE', 'VIEW')
    ORDER BY 1, 2"""
_COLUMNS = """
    SELECT c.column_name, c.udt_name, c.numeric_precision, c.numeric_scale FROM information_schema.columns c
    WHERE c.table_schema = %s AND c.table_name = %s ORDER BY c.ordinal_position"""


def split_path(path: str) -> tuple[str, str, str]:
    """(database, schema, table) LIKE patterns of an include path; CrawlFailed when it has no database."""
    parts = [p for p in path.strip().strip("/").split("/")]
    if not parts or not parts[0] or len(parts) > 3 or any(not p for p in parts):
        raise CrawlFailed(f"Invalid JDBC include path {path!r}: expected database/schema/table or database/table "
                          "(% for any schema or table)")
    if len(parts) == 1:
        return parts[0], "%", "%"
    if len(parts) == 2:
        return parts[0], "%", parts[1]
    return parts[0], parts[1], parts[2]


def _connection(ctx: RequestContext, name: str | None) -> dict[str, Any]:
    doc = ctx.store.get(ctx.scope, CONNECTION, ctx.account, name) if name else None
    if doc is None:
        raise CrawlFailed(f"Connection {name} not found.")
    if doc.get("ConnectionType") != "JDBC":
        raise CrawlFailed(f"Connection {name} is not a JDBC connection (ConnectionType {doc.get('ConnectionType')})")
    return doc


def database_names(session: Any, pattern: str = "%") -> list[str]:
    """The databases a LIKE pattern (a path's first part) stands for, from PostgreSQL's catalog of databases
    (templates and databases refusing connections left out); a name without wildcards is taken as given."""
    if "%" not in pattern and "_" not in pattern:
        return [pattern]
    cursor = session.cursor()
    cursor.execute("SELECT datname FROM pg_database WHERE NOT datistemplate AND datallowconn AND datname LIKE %s "
                   "ORDER BY 1", (pattern,))
    return [row[0] for row in cursor.fetchall()]


def _table_plan(session: Any, database: str, schema: str, table: str, kind: str, connection: str, engine: str,
                table_prefix: str) -> planner.TablePlan:
    cursor = session.cursor()
    cursor.execute(_COLUMNS, (schema, table))
    columns = [{"Name": name.lower(), "Type": types.glue_type(udt, precision, scale)}
               for name, udt, precision, scale in cursor.fetchall()]
    location = f"{database}.{schema}.{table}"
    parameters = {"classification": engine, "connectionName": connection, "compressionType": "none",
                  "typeOfData": "view" if kind == "VIEW" else "table"}
    table_input = {
        "Name": planner.table_name(f"{database}_{schema}_{table}", table_prefix),
        "StorageDescriptor": {"Columns": columns, "Location": location, "Compressed": False, "NumberOfBuckets": -1,
                              "SerdeInfo": {"Parameters": {}}, "BucketColumns": [], "SortColumns": [],
                              "Parameters": dict(parameters), "StoredAsSubDirectories": False},
        "PartitionKeys": [],
        "TableType": "EXTERNAL_TABLE",
        "Parameters": parameters,
    }
    return planner.TablePlan(table_input, [], location, engine)


def plan_jdbc_target(ctx: RequestContext, target: dict[str, Any], table_prefix: str, log: Log) -> list[planner.TablePlan]:
    """The tables and views under one JdbcTarget's include path, less its exclusions.

    CrawlFailed when the connection is missing or not JDBC, when its database cannot be reached or refuses the
    login (the driver's reason), and for an include path without a database.
    """
    name = target.get("ConnectionName")
    doc = _connection(ctx, name)
    database_pattern, schema_pattern, table_pattern = split_path(target.get("Path", ""))
    exclusions = [planner.glob_to_regex(p.strip("/")) for p in target.get("Exclusions") or []]
    try:
        where = connection_target(ctx, doc)
        engine = where.url.vendor
        plans: list[planner.TablePlan] = []
        with connect.open_session(where) as first:
            databases = database_names(first, database_pattern)
        for database in databases:
            with connect.open_session(where, database) as session:
                cursor = session.cursor()
                cursor.execute(_TABLES, (schema_pattern, table_pattern, list(SYSTEM_SCHEMAS)))
                for schema, table, kind in cursor.fetchall():
                    if any(p.fullmatch(f"{database}/{schema}/{table}") for p in exclusions):
                        log(f"INFO : Table {database}/{schema}/{table} excluded by the target's exclusions")
                        continue
                    plans.append(_table_plan(session, database, schema, table, kind, str(name), engine,
                                             table_prefix))
    except connect.ConnectFailed as error:
        raise CrawlFailed(f"Unable to connect to the database of connection {name}: {error}") from None
    if not plans:
        log(f"WARN : No tables found for include path {target.get('Path')} of connection {name}")
    return plans


def covers(targets: list[dict[str, Any]], table: dict[str, Any]) -> bool:
    """Whether a catalog table made by a crawler came from one of its JDBC targets (for DeleteBehavior)."""
    parameters = table.get("Parameters", {})
    location = table.get("StorageDescriptor", {}).get("Location", "")
    for target in targets:
        if parameters.get("connectionName") != target.get("ConnectionName"):
            continue
        try:
            patterns = split_path(target.get("Path", ""))
        except CrawlFailed:
            continue
        parts = location.split(".", 2)
        if len(parts) == 3 and all(_like(p).fullmatch(v) for p, v in zip(patterns, parts, strict=True)):
            return True
    return False


def _like(pattern: str) -> re.Pattern[str]:
    """A SQL LIKE pattern (% any run, _ one character) as a regex."""
    return re.compile("".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern))
