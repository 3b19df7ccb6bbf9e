"""Running Athena's SQL on DuckDB: the Glue tables a query names become DuckDB views over their files.

Athena engine v3 speaks Trino SQL; sqlglot translates each statement from its `athena` dialect to DuckDB's.
Before a query runs, every table it names (`db.t`, `awsdatacatalog.db.t`, or `t` in the query's database) is
looked up in the Glue catalog and defined in a fresh in-memory DuckDB as a view of its files, with the catalog's
column names and types (a value that does not parse as its column's type reads as NULL, as Hive SerDes do):
Parquet and JSON are read by DuckDB itself, CSV/delimited text with the table's delimiter, quote, escape,
NULL text and header lines; ORC and Avro (which DuckDB's core cannot read) through pyarrow and the avro library.
A partitioned table reads the partitions the catalog lists, each at its own location with its values as
columns; the query's WHERE conjuncts that name only partition keys are compiled by the catalog's own partition
Expression code (catalog/expression.py) to prune partitions before any file is opened. Views (Athena's
`/* Presto View: ... */` text) are expanded from their SQL.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Iterator
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

from ..catalog.common import PARTITION, TABLE, partition_parent, table_parent
from ..catalog.expression import compile_expression
from ..context import RequestContext
from ..errors import AwsError
from . import functions
from .storage import Format, data_files, local_dir, table_format

_PRESTO_VIEW = re.compile(r"/\* Presto View: (.*) \*/", re.DOTALL)


class QueryFailure(Exception):
    """A query Athena would FAIL: `message` is its StateChangeReason, `error_type` its AthenaError ErrorType."""

    def __init__(self, message: str, error_type: int = 1000):
        super().__init__(message)
        self.message = message
        self.error_type = error_type


def duck_type(hive_type: str) -> str:
    """A Glue (Hive) column type as DuckDB's: array<int> -> INT[], struct<a:int> -> STRUCT(a INT), ..."""
    try:
        return exp.DataType.build(hive_type, dialect="hive").sql("duckdb")
    except Exception:
        return "VARCHAR"


def presto_view_text(sql: str, columns: list[dict[str, str]], catalog: str, schema: str) -> str:
    """A view's ViewOriginalText as Athena stores it: the view's SQL and columns, base64 JSON in a comment."""
    body = {"originalSql": sql, "catalog": catalog, "schema": schema,
            "columns": [{"name": c["Name"], "type": c["Type"]} for c in columns]}
    return f"/* Presto View: {base64.b64encode(json.dumps(body).encode()).decode()} */"


def _view_sql(doc: dict[str, Any]) -> str:
    text = doc.get("ViewOriginalText") or ""
    match = _PRESTO_VIEW.match(text.strip())
    if match:
        return json.loads(base64.b64decode(match.group(1)))["originalSql"]
    return text


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


class Session:
    """One query's DuckDB connection and the catalog tables defined in it."""

    def __init__(self, ctx: RequestContext, catalog: str, database: str | None):
        self.ctx = ctx
        self.catalog = catalog
        self.database = database
        self.conn = duckdb.connect(":memory:")
        # Trino divides integers as integers (7 / 2 = 3, truncated toward zero); DuckDB's `/` gives 3.5 unless told
        self.conn.execute("SET integer_division = true")
        self._defined: set[tuple[str, str]] = set()
        self._arrow = 0
        self._macros: set[str] = set()  # the Trino functions defined in this connection (functions.py)
        self.scanned = 0  # bytes of the files the query's tables read (Statistics.DataScannedInBytes)

    def close(self) -> None:
        self.conn.close()

    # -- names --------------------------------------------------------------------------------------

    def table_doc(self, database: str, name: str) -> dict[str, Any] | None:
        return self.ctx.store.get(self.ctx.scope, TABLE, table_parent(self.catalog, database.lower()), name.lower())

    def resolve(self, table: exp.Table) -> tuple[str, str]:
        """(database, table) a table reference names; QueryFailure when it names no catalog table."""
        database = (table.db or self.database or "default").lower()
        if table.catalog and table.catalog.lower() != "awsdatacatalog":
            raise QueryFailure(f"CATALOG_NOT_FOUND: line {_line(table)}: Catalog '{table.catalog}' does not exist")
        if self.table_doc(database, table.name) is None:
            raise QueryFailure(f"TABLE_NOT_FOUND: line {_line(table)}: Table 'awsdatacatalog.{database}."
                               f"{table.name.lower()}' does not exist", 1000)
        return database, table.name.lower()

    def prepare(self, statement: exp.Expression) -> exp.Expression:
        """Define every catalog table the statement reads and point its references at them."""
        ctes = {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}
        for table in list(statement.find_all(exp.Table)):
            if not table.name or isinstance(table.parent, (exp.Create, exp.Insert, exp.Schema)):
                continue
            if not table.db and table.name.lower() in ctes:
                continue
            database, name = self.resolve(table)
            self.define(database, name, _pruning(statement, table))
            table.set("catalog", None)
            table.set("db", exp.to_identifier(database, quoted=True))
            table.set("this", exp.to_identifier(name, quoted=True))
        return statement

    # -- table definitions --------------------------------------------------------------------------

    def define(self, database: str, name: str, conditions: list[str]) -> None:
        """Create view "database"."name" over the table's files (once per query, unpruned when read twice)."""
        key = (database, name)
        doc = self.table_doc(database, name)
        assert doc is not None
        self.conn.execute(f"CREATE SCHEMA IF NOT EXISTS {ident(database)}")
        if doc.get("TableType") == "VIRTUAL_VIEW":
            if key in self._defined:
                return
            self._defined.add(key)
            inner = Session.parse(_view_sql(doc))
            previous, self.database = self.database, database
            try:
                prepared = self.prepare(inner)
                functions.translate(self.conn, prepared, self._macros)
                sql = prepared.sql("duckdb")
            finally:
                self.database = previous
            self.conn.execute(f"CREATE OR REPLACE VIEW {ident(database)}.{ident(name)} AS {sql}")
            return
        if key in self._defined:
            conditions = []
        self._defined.add(key)
        sql = self.table_sql(doc, conditions)
        self.conn.execute(f"CREATE OR REPLACE VIEW {ident(database)}.{ident(name)} AS {sql}")

    def table_sql(self, doc: dict[str, Any], conditions: list[str]) -> str:
        """A SELECT of the table's rows: its columns then its partition keys, typed as the catalog says."""
        columns = (doc.get("StorageDescriptor") or {}).get("Columns") or []
        keys = doc.get("PartitionKeys") or []
        fmt = table_format(doc)
        if not keys:
            location = (doc.get("StorageDescriptor") or {}).get("Location") or ""
            return self._files_sql(self._files(location), columns, fmt, [])
        parts = self._partitions(doc, keys, conditions)
        selects = []
        for part in parts:
            sd = part.get("StorageDescriptor") or {}
            values = [f"TRY_CAST({literal(v)} AS {duck_type(k['Type'])}) AS {ident(k['Name'])}"
                      for k, v in zip(keys, part["Values"], strict=False)]
            selects.append(self._files_sql(self._files(sd.get("Location") or ""), columns,
                                           table_format(part) if sd.get("SerdeInfo") else fmt, values))
        if not selects:
            return self._files_sql([], columns + keys, fmt, [])
        return " UNION ALL ".join(f"({s})" for s in selects)

    def _partitions(self, doc: dict[str, Any], keys: list[dict[str, Any]], conditions: list[str]) -> list[dict]:
        from . import projection  # it raises this module's QueryFailure

        if projection.enabled(doc):  # Athena computes the partitions and ignores the catalog's
            parts = projection.partitions(doc, keys, conditions)
        else:
            parent = partition_parent(self.catalog, doc["DatabaseName"], doc["Name"])
            parts = [p for _, p in self.ctx.store.list(self.ctx.scope, PARTITION, parent)]
        for condition in conditions:
            try:
                matches = compile_expression(condition, keys)
            except AwsError:
                continue  # not an expression the catalog's language can say: the engine filters instead
            parts = [p for p in parts if matches(p["Values"])]
        return parts

    def _files(self, location: str) -> list[str]:
        if not location:
            return []
        try:
            return data_files(local_dir(self.ctx, location))
        except AwsError:
            return []

    def _files_sql(self, files: list[str], columns: list[dict[str, Any]], fmt: Format, extra: list[str]) -> str:
        typed = [(c["Name"], duck_type(c["Type"])) for c in columns]
        if not files:
            nulls = [f"CAST(NULL AS {t}) AS {ident(n)}" for n, t in typed]
            return f"SELECT {', '.join(nulls + extra) or '1 AS _'} WHERE false"
        self.scanned += sum(os.path.getsize(f) for f in files)
        source, present = self._source(files, typed, fmt)
        # OpenCSVSerde (opencsv) reads a doubled quote inside a quoted field as one quote; DuckDB's reader, told
        # its escape is the backslash, keeps both
        undouble = fmt.kind == "csv" and bool(fmt.quote) and fmt.escape != fmt.quote
        picked = []
        for n, t in typed:
            if n.lower() not in present:
                picked.append(f"CAST(NULL AS {t}) AS {ident(n)}")
                continue
            value = ident(present[n.lower()])
            if undouble:
                value = f"replace({value}, {literal(fmt.quote * 2)}, {literal(fmt.quote)})"
            picked.append(f"TRY_CAST({value} AS {t}) AS {ident(n)}")
        return f"SELECT {', '.join(picked + extra)} FROM {source}"

    def _source(self, files: list[str], typed: list[tuple[str, str]], fmt: Format) -> tuple[str, dict[str, str]]:
        """The FROM item reading `files`, and its column names by lower-case name."""
        listed = "[" + ", ".join(literal(f) for f in files) + "]"
        if fmt.kind == "parquet":
            source = f"read_parquet({listed}, union_by_name = true)"
        elif fmt.kind == "json":
            source = f"read_json({listed}, format = 'newline_delimited', union_by_name = true, " \
                     f"maximum_object_size = 134217728, ignore_errors = {str(fmt.ignore_malformed).lower()})"
        elif fmt.kind in ("csv", "text"):
            names = ", ".join(f"{literal(n)}: 'VARCHAR'" for n, _ in typed)
            options = [f"delim = {literal(fmt.delimiter)}", "header = false", f"skip = {fmt.skip_header}",
                       f"columns = {{{names}}}", f"quote = {literal(fmt.quote)}",
                       f"escape = {literal(fmt.escape)}", "null_padding = true", "ignore_errors = true",
                       "strict_mode = false", "auto_detect = false"]
            if fmt.null:
                options.append(f"nullstr = {literal(fmt.null)}")
            source = f"read_csv({listed}, {', '.join(options)})"
        else:
            source = self._arrow_source(files, fmt.kind)
        try:
            described = self.conn.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        except duckdb.Error as exc:  # a file the table's format cannot read: the user's data, not our fault
            raise QueryFailure(_engine_message(exc)) from None
        return source, {row[0].lower(): row[0] for row in described}

    def _arrow_source(self, files: list[str], kind: str) -> str:
        import pyarrow as pa

        tables = [_read_orc(f) if kind == "orc" else _read_avro(f) for f in files]
        self._arrow += 1
        name = f"__athena_arrow_{self._arrow}"
        self.conn.register(name, pa.concat_tables(tables, promote_options="default"))
        return name

    # -- running ------------------------------------------------------------------------------------

    @staticmethod
    def parse(sql: str) -> exp.Expression:
        """One statement of Athena's dialect; QueryFailure with Athena's "line L:C" form on a syntax error."""
        try:
            statements = [s for s in sqlglot.parse(sql, read="athena") if s is not None]
        except sqlglot.errors.ParseError as exc:
            first = exc.errors[0] if exc.errors else {}
            where = f"line {first.get('line', 1)}:{first.get('col', 1)}"
            detail = str(first.get("description") or exc).split("\n")[0]
            raise QueryFailure(f"SYNTAX_ERROR: {where}: {detail}") from None
        if len(statements) != 1:
            raise QueryFailure("SYNTAX_ERROR: line 1:1: Only one sql statement is allowed. Got: "
                               f"{len(statements)}")
        return statements[0]

    def execute(self, statement: exp.Expression) -> duckdb.DuckDBPyConnection:
        """Run a (prepared) query; QueryFailure with the engine's message when DuckDB refuses it."""
        try:
            functions.translate(self.conn, statement, self._macros)
            return self.conn.execute(statement.sql("duckdb"))
        except duckdb.Error as exc:
            raise QueryFailure(_missing_column(str(exc), statement) or _engine_message(exc)) from None


def unnamed_columns(statement: exp.Expression) -> list[tuple[int, exp.Expression]]:
    """The result's items Trino gives no name, with their 0-based positions: those that are not a column (or
    field) reference and have no alias, in the first SELECT of a set operation. Items after a `*` are left out:
    the star's width is not known before the tables are read."""
    select = statement
    while isinstance(select, exp.SetOperation):
        select = select.this
    if not isinstance(select, exp.Select):
        return []
    found = []
    for position, item in enumerate(select.expressions):
        if isinstance(item, exp.Star) or isinstance(item, exp.Column) and isinstance(item.this, exp.Star):
            break
        if not isinstance(item, (exp.Alias, exp.Column, exp.Dot)):
            found.append((position, item))
    return found


def name_columns(statement: exp.Expression) -> exp.Expression:
    """Give the result's unnamed columns Trino's names, `_col<position>` (0-based), as Athena shows
    `SELECT count(*) ...` as `_col0`; DuckDB would name it after its text ("count_star()"), and the columns of a
    bare `VALUES` list `col0`, `col1`."""
    if isinstance(statement, exp.Values) and statement.expressions:
        first = statement.expressions[0]
        width = len(first.expressions) if isinstance(first, exp.Tuple) else 1
        names = [exp.to_identifier(f"_col{position}", quoted=True) for position in range(width)]
        rows = exp.Values(expressions=statement.expressions,
                          alias=exp.TableAlias(this=exp.to_identifier("_values"), columns=names))
        return exp.select("*").from_(rows)
    for position, item in unnamed_columns(statement):
        item.replace(exp.alias_(item.copy(), f"_col{position}", quoted=True))
    return statement


def _line(table: exp.Table | exp.Column) -> str:
    """Where a table or column reference starts, as Trino says it: "line L:C" (1-based)."""
    first = next((part for part in (table.args.get("catalog"), table.args.get("db"), table.args.get("table"),
                                    table.this) if isinstance(part, exp.Identifier) and part.meta), None)
    if first is None:
        return "1:1"
    meta = first.meta
    return f"{meta.get('line', 1)}:{meta.get('col', 1) - (meta.get('end', 0) - meta.get('start', 0))}"


# DuckDB's words: a bare column; a qualified one (its qualifier: a table, view or values list); an unknown qualifier
_MISSING_COLUMN = re.compile(r'Referenced column "(?P<column>[^"]+)" not found|"(?P<table>[^"]+)" does not '
                             r'have a column named "(?P<named>[^"]+)"|Referenced table "(?P<alias>[^"]+)" not found')


def _missing_column(text: str, statement: exp.Expression) -> str | None:
    """Trino's COLUMN_NOT_FOUND for DuckDB's binder error on a column no table has, at the column's place:
    "COLUMN_NOT_FOUND: line 1:8: Column 'nosuch' cannot be resolved"; None for another error."""
    found = _MISSING_COLUMN.search(text)
    if found is None:
        return None
    column = (found["column"] or found["named"] or "").lower()
    table = (found["table"] or found["alias"] or "").lower()
    for ref in statement.find_all(exp.Column):
        if (not column or ref.name.lower() == column) and (not table or ref.table.lower() == table):
            shown = f"{ref.table}.{ref.name}" if ref.table else ref.name
            return f"COLUMN_NOT_FOUND: line {_line(ref)}: Column '{shown.lower()}' cannot be resolved"
    return None


def _engine_message(exc: duckdb.Error) -> str:
    text = str(exc).split("\n")[0]
    kind = type(exc).__name__
    if "Malformed JSON in file" in text:  # Athena's words for a line the JSON SerDe cannot parse
        return f"HIVE_CURSOR_ERROR: Row is not a valid JSON Object - {text}"
    if "magic bytes" in text or "parquet file" in text.lower():
        return f"HIVE_BAD_DATA: {text}"
    if "Binder" in kind and "column" in text.lower():
        return f"COLUMN_NOT_FOUND: {text}"
    if "Conversion" in kind or "InvalidInput" in kind:
        return f"INVALID_CAST_ARGUMENT: {text}"
    return f"GENERIC_USER_ERROR: {text}"


def _pruning(statement: exp.Expression, table: exp.Table) -> list[str]:
    """The WHERE conjuncts of the table's SELECT that name only its columns, as catalog Expression text."""
    select = table.find_ancestor(exp.Select)
    if select is None or len(list(select.find_all(exp.Table))) != 1 or not select.args.get("where"):
        return []
    conditions = []
    for conjunct in select.args["where"].this.flatten() if isinstance(select.args["where"].this, exp.And) \
            else [select.args["where"].this]:
        plain = conjunct.copy()
        for column in plain.find_all(exp.Column):
            column.set("table", None)
        conditions.append(plain.sql("hive"))
    return conditions


def _read_orc(path: str) -> Any:
    from pyarrow import orc

    return orc.read_table(path)


def _read_avro(path: str) -> Any:
    import pyarrow as pa
    from avro.datafile import DataFileReader
    from avro.io import DatumReader

    with open(path, "rb") as handle, DataFileReader(handle, DatumReader()) as reader:
        return pa.Table.from_pylist(list(reader))


def rows_of(cursor: duckdb.DuckDBPyConnection, batch: int = 10000) -> Iterator[tuple[Any, ...]]:
    while chunk := cursor.fetchmany(batch):
        yield from chunk
