"""Statements that write data: CREATE TABLE AS SELECT and INSERT INTO, as Athena runs them.

CTAS (Athena user guide, "CTAS table properties"): `format` (default PARQUET; also JSON, TEXTFILE; ORC and
AVRO are refused by glue-emulator), `external_location` (default `<output location>/tables/<query id>/`, and it
must be empty: HIVE_PATH_ALREADY_EXISTS), `partitioned_by` (the SELECT's last columns, in order), `field_delimiter`
(TEXTFILE, default \\001). The data is written by DuckDB, one file per partition folder `k=v/`, and the table and
its partitions are created in the Glue catalog. The query's data manifest, `<output location>/<id>-manifest.csv`,
lists the files written (what awswrangler's ctas_approach reads). INSERT INTO appends new files to the table's
location (or the partition's), adding any partition it creates. Both report UpdateCount, the rows written.
"""

from __future__ import annotations

import os
from typing import Any

from sqlglot import exp

from ..catalog import tables
from .ddl import DDL_FAILED, add_partitions, athena_column_type, catalog_call, table_names
from .engine import QueryFailure, Session, duck_type, ident, literal, unnamed_columns
from .storage import SERDES, data_files, local_dir, table_format, write_bytes

_STAGED = "__athena_rows"
_EXTENSIONS = {"parquet": ".parquet", "json": ".json", "text": ""}


def _copy_options(kind: str, delimiter: str) -> str:
    if kind == "parquet":
        return "FORMAT PARQUET, COMPRESSION SNAPPY"
    if kind == "json":
        return "FORMAT JSON"
    return f"FORMAT CSV, DELIMITER {literal(delimiter)}, HEADER false, NULLSTR {literal(chr(92) + 'N')}"


def _stage(session: Session, query: exp.Expression) -> list[tuple[str, str]]:
    """Run the query into a temporary table; its (column name, DuckDB type) pairs."""
    session.execute(exp.Create(this=exp.to_table(_STAGED), kind="TABLE", expression=session.prepare(query),
                               properties=exp.Properties(expressions=[exp.TemporaryProperty()])))
    return [(row[0], row[1]) for row in session.conn.execute(f"DESCRIBE {_STAGED}").fetchall()]


def _write(session: Session, select_sql: str, folder: str, kind: str, delimiter: str, keys: list[str],
           stem: str) -> list[str]:
    """Write the rows of `select_sql` under `folder` (hive-style partition folders for `keys`); the files."""
    root = local_dir(session.ctx, folder)
    before = set(data_files(root))
    root.mkdir(parents=True, exist_ok=True)
    options = _copy_options(kind, delimiter)
    ext = _EXTENSIONS[kind]
    if keys:
        partition = ", ".join(ident(k) for k in keys)
        session.conn.execute(f"COPY ({select_sql}) TO {literal(str(root))} ({options}, PARTITION_BY ({partition}), "
                             f"FILENAME_PATTERN {literal(stem + '_{i}')}, FILE_EXTENSION {literal(ext[1:] or 'txt')}"
                             ", OVERWRITE_OR_IGNORE true)")
    else:
        session.conn.execute(f"COPY ({select_sql}) TO {literal(str(root / (stem + (ext or '.txt'))))} ({options})")
    return [f for f in data_files(root) if f not in before]


def _uri(session: Session, folder: str, path: str) -> str:
    root = local_dir(session.ctx, folder)
    return folder.rstrip("/") + "/" + os.path.relpath(path, root).replace(os.sep, "/")


def _partition_dirs(session: Session, folder: str, written: list[str], keys: list[str]) -> list[tuple[list[str], str]]:
    found: dict[tuple[str, ...], str] = {}
    for path in written:
        relative = _uri(session, folder, path)[len(folder.rstrip("/")) + 1:].split("/")[:len(keys)]
        values = tuple(part.split("=", 1)[1] for part in relative)
        found.setdefault(values, folder.rstrip("/") + "/" + "/".join(relative) + "/")
    return [(list(v), loc) for v, loc in sorted(found.items())]


def create_table_as(session: Session, create: exp.Create, query_id: str, output_dir: str) -> tuple[int, list[str]]:
    """CTAS; (rows written, s3:// URIs of the files written)."""
    database, name = table_names(session, create.this)
    if session.table_doc(database, name) is not None:
        if create.args.get("exists"):
            return 0, []
        raise QueryFailure(f"TABLE_ALREADY_EXISTS: line 1:1: Table 'awsdatacatalog.{database}.{name}' already exists",
                           DDL_FAILED)
    settings: dict[str, Any] = {}
    for prop in (create.args.get("properties") or exp.Properties(expressions=[])).expressions:
        if isinstance(prop, exp.FileFormatProperty):
            settings["format"] = prop.name
        elif isinstance(prop, exp.PartitionedByProperty):
            settings["partitioned_by"] = [e.name.lower() for e in prop.this.expressions]
        elif type(prop) is exp.Property:  # its subclasses are the named clauses above
            settings[prop.name.lower()] = prop.text("value")
    fmt = str(settings.get("format", "PARQUET")).lower()
    kind = {"parquet": "parquet", "json": "json", "textfile": "text"}.get(fmt)
    if kind is None:
        raise QueryFailure(f"NOT_SUPPORTED: CTAS format {fmt.upper()} is not supported by glue-emulator "
                           "(PARQUET, JSON and TEXTFILE are)", 1000)
    location = settings.get("external_location") or f"{output_dir.rstrip('/')}/tables/{query_id}/"
    if data_files(local_dir(session.ctx, location)):
        raise QueryFailure(f"HIVE_PATH_ALREADY_EXISTS: Target directory for table '{database}.{name}' already "
                           f"exists: {location}. You may need to manually clean the data at location "
                           f"'{output_dir}/tables/{query_id}' before retrying.", 1000)
    keys: list[str] = settings.get("partitioned_by", [])
    unnamed = unnamed_columns(create.expression)
    if unnamed:  # a table's columns need names: Trino refuses rather than invent `_col<n>`
        raise QueryFailure(f"MISSING_COLUMN_NAME: line 1:1: Column name not specified at position {unnamed[0][0] + 1}")
    given = [item.alias_or_name.lower() for item in create.expression.selects]
    repeated = next((n for i, n in enumerate(given) if n in given[:i] and n != "*"), None)
    if repeated is not None:  # DuckDB would rename the second one `<name>_1`
        raise QueryFailure(f"DUPLICATE_COLUMN_NAME: line 1:1: Column name '{repeated}' specified more than once")
    staged = _stage(session, create.expression)
    names = [n.lower() for n, _ in staged]
    if keys and names[len(names) - len(keys):] != keys:
        raise QueryFailure(f"Partition keys must be the last columns in the table and in the same order as the "
                           f"table properties: {keys}", 1000)
    delimiter = settings.get("field_delimiter", "\x01")
    written = _write(session, f"SELECT * FROM {_STAGED}", location, kind, delimiter, keys, query_id) \
        if not create.args.get("no_data") else []
    columns = [{"Name": n.lower(), "Type": athena_column_type(str(t))} for n, t in staged]
    data, partition_keys = columns[:len(columns) - len(keys)], columns[len(columns) - len(keys):]
    lib, input_format, output_format = SERDES[kind]
    serde_params = {"field.delim": delimiter, "serialization.format": delimiter} if kind == "text" else \
        {"serialization.format": "1"}
    table_input = {"Name": name, "TableType": "EXTERNAL_TABLE",
                   "Parameters": {"EXTERNAL": "TRUE", "has_encrypted_data": "false",
                                  "classification": {"text": "csv"}.get(kind, kind)},
                   "PartitionKeys": partition_keys,
                   "StorageDescriptor": {"Columns": data, "Location": location, "InputFormat": input_format,
                                         "OutputFormat": output_format,
                                         "SerdeInfo": {"SerializationLibrary": lib, "Parameters": serde_params}}}
    catalog_call(tables.create_table, session.ctx, {"DatabaseName": database, "TableInput": table_input})
    if keys and written:
        add_partitions(session, database, name, _partition_dirs(session, location, written, keys))
    count = session.conn.execute(f"SELECT count(*) FROM {_STAGED}").fetchone()[0]
    return int(count), [_uri(session, location, f) for f in written]


def insert_into(session: Session, insert: exp.Insert, query_id: str) -> tuple[int, list[str]]:
    """INSERT INTO db.t [(columns)] <query>; (rows written, s3:// URIs of the files written)."""
    target = insert.this.this if isinstance(insert.this, exp.Schema) else insert.this
    database, name = table_names(session, target)
    doc = session.table_doc(database, name)
    if doc is None:
        raise QueryFailure(f"TABLE_NOT_FOUND: line 1:13: Table 'awsdatacatalog.{database}.{name}' does not exist")
    if doc.get("TableType") == "VIRTUAL_VIEW":
        raise QueryFailure(f"NOT_SUPPORTED: Inserting into views is not supported: {database}.{name}")
    sd = doc.get("StorageDescriptor") or {}
    columns = (sd.get("Columns") or []) + (doc.get("PartitionKeys") or [])
    keys = [k["Name"] for k in doc.get("PartitionKeys") or []]
    listed = [c.name.lower() for c in insert.this.expressions] if isinstance(insert.this, exp.Schema) else None
    staged = _stage(session, insert.expression)
    order = listed or [c["Name"] for c in columns][:len(staged)]
    if len(order) != len(staged):
        raise QueryFailure(f"line 1:1: Insert query has {len(staged)} columns but the table has {len(order)}")
    by_name = {n: staged[i][0] for i, n in enumerate(order)}
    picked = [f"CAST({ident(by_name[c['Name']])} AS {duck_type(c['Type'])}) AS {ident(c['Name'])}"
              if c["Name"] in by_name else f"CAST(NULL AS {duck_type(c['Type'])}) AS {ident(c['Name'])}"
              for c in columns]
    fmt = table_format(doc)
    if fmt.kind not in _EXTENSIONS:
        raise QueryFailure(f"NOT_SUPPORTED: INSERT INTO a {fmt.kind.upper()} table is not supported by glue-emulator")
    location = sd.get("Location") or ""
    written = _write(session, f"SELECT {', '.join(picked)} FROM {_STAGED}", location, fmt.kind, fmt.delimiter, keys,
                     query_id)
    if keys and written:
        add_partitions(session, database, name, _partition_dirs(session, location, written, keys))
    count = session.conn.execute(f"SELECT count(*) FROM {_STAGED}").fetchone()[0]
    return int(count), [_uri(session, location, f) for f in written]


def write_manifest(session: Session, output_dir: str, query_id: str, files: list[str]) -> str:
    """`<output>/<id>-manifest.csv`: the files a statement wrote, one s3:// URI a line; its location."""
    location = f"{output_dir.rstrip('/')}/{query_id}-manifest.csv"
    write_bytes(session.ctx, location, "".join(f + "\n" for f in files).encode())
    return location

