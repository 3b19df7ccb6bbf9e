"""Statements that describe the catalog (Athena's UTILITY statements): SHOW DATABASES/SCHEMAS [LIKE 'regex'],
SHOW TABLES [IN db] ['regex'], SHOW PARTITIONS t, SHOW COLUMNS IN|FROM t, DESCRIBE t.

Athena answers them as text: the result object is `<id>.txt`, one value a line (DESCRIBE: name, type and comment
separated by tabs, then Hive's "# Partition Information" block), and GetQueryResults returns its lines as rows of
one column (tab_name, database_name, partition, field, col_name) with no header row. In patterns `*` means any
characters and `|` separates alternatives, as in Athena's SHOW TABLES.
"""

from __future__ import annotations

import re
from typing import Any

from sqlglot import exp

from ..catalog.common import DATABASE, PARTITION, TABLE, database_parent, partition_parent, table_parent
from .engine import QueryFailure, Session

_SHOW = re.compile(r"(?is)^\s*(DATABASES|SCHEMAS|TABLES|PARTITIONS|COLUMNS)\b\s*(.*?)\s*;?\s*$")
_QUOTED = re.compile(r"'((?:[^']|'')*)'")


def _pattern(text: str) -> re.Pattern[str]:
    alternatives = [re.escape(part.strip()).replace(r"\*", ".*") for part in text.split("|")]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _table(session: Session, name: str) -> tuple[str, dict[str, Any]]:
    parts = [p.strip('`"').lower() for p in name.split(".")]
    database, table = (parts[-2], parts[-1]) if len(parts) > 1 else ((session.database or "default").lower(), parts[0])
    doc = session.table_doc(database, table)
    if doc is None:
        raise QueryFailure(f"FAILED: SemanticException [Error 10001]: Table not found {database}.{table}", 1003)
    return database, doc


def show(session: Session, text: str) -> tuple[str, list[str]]:
    """(column name, lines) of a SHOW statement's text after SHOW."""
    match = _SHOW.match(text)
    if not match:
        raise QueryFailure(f"NOT_SUPPORTED: glue-emulator does not run SHOW {text[:60]}")
    what, rest = match.group(1).upper(), match.group(2)
    ctx = session.ctx
    quoted = _QUOTED.search(rest)
    matches = _pattern(quoted.group(1).replace("''", "'")) if quoted else None
    if what in ("DATABASES", "SCHEMAS"):
        names = [n for n, _ in ctx.store.list(ctx.scope, DATABASE, database_parent(session.catalog))]
        return "database_name", [n for n in names if matches is None or matches.fullmatch(n)]
    if what == "TABLES":
        target = re.match(r"(?is)^(?:IN|FROM)\s+([\w`\"]+)", rest)
        database = target.group(1).strip('`"').lower() if target else (session.database or "default").lower()
        names = [n for n, _ in ctx.store.list(ctx.scope, TABLE, table_parent(session.catalog, database))]
        return "tab_name", [n for n in names if matches is None or matches.fullmatch(n)]
    target = re.match(r"(?is)^(?:IN\s+|FROM\s+)?([\w.`\"]+)", rest)
    if not target:
        raise QueryFailure(f"SYNTAX_ERROR: line 1:1: SHOW {what} expects a table name")
    database, doc = _table(session, target.group(1))
    if what == "COLUMNS":
        columns = ((doc.get("StorageDescriptor") or {}).get("Columns") or []) + (doc.get("PartitionKeys") or [])
        return "field", [c["Name"] for c in columns]
    keys = [k["Name"] for k in doc.get("PartitionKeys") or []]
    parts = ctx.store.list(ctx.scope, PARTITION, partition_parent(session.catalog, database, doc["Name"]))
    return "partition", sorted("/".join(f"{k}={v}" for k, v in zip(keys, p["Values"], strict=False))
                               for _, p in parts)


def describe(session: Session, statement: exp.Describe) -> tuple[str, list[str]]:
    """(column name, lines) of DESCRIBE t: each column, then the partition keys as Hive prints them."""
    table = statement.this
    _, doc = _table(session, f"{table.db}.{table.name}" if table.db else table.name)

    def line(column: dict[str, Any]) -> str:
        return f"{column['Name']:<20}\t{column['Type']:<20}\t{column.get('Comment', '')}".rstrip()

    keys = doc.get("PartitionKeys") or []
    lines = [line(c) for c in ((doc.get("StorageDescriptor") or {}).get("Columns") or []) + keys]
    if keys:
        lines += ["", "# Partition Information", f"{'# col_name':<20}\t{'data_type':<20}\tcomment", ""]
        lines += [line(k) for k in keys]
    return "col_name", lines
