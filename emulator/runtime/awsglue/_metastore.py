"""`--enable-glue-datacatalog`: Spark SQL sees the Data Catalog's tables.

On Glue the Data Catalog is Spark's Hive metastore. A warm driver's catalog is Spark's in-memory one
(fixed when its JVM started), and a custom metastore client needs JVM classes this library does not
have. So tables are brought in lazily: the session's `sql` and `table` retry a statement that failed
because a database or table was unknown, after creating that database and table in the run's
session catalog from GetDatabase/GetTable/GetPartitions (a data source table over the table's
location and format, with its registered partitions; a view from its ViewOriginalText). The worker
drops them when the run ends.

DDL, `saveAsTable` and `insertInto` are written through to the Data Catalog by `_metastore_sync`.

`SHOW TABLES` brings every table of its database in first (`_metastore_sync`), so it lists what Glue has.
Limits: `spark.catalog.listTables` lists only tables already used.
"""

from __future__ import annotations

import functools
from typing import Any

from awsglue import _catalog, _metastore_sync

FLAG = "--enable-glue-datacatalog"
_MAX_TABLES_PER_STATEMENT = 64  # each retry brings one table in; a guard against a loop


def enabled(argv: list[str]) -> bool:
    """Glue's flag is a key: present (with any value but `false`) means on."""
    if FLAG not in argv:
        return False
    position = argv.index(FLAG)
    return position + 1 >= len(argv) or argv[position + 1].lower() != "false"


def install(session: Any, glue_client: Any) -> None:
    """Make `session.sql` and `session.table` bring unknown catalog tables in (once per session)."""
    if getattr(session, "_glue_catalog_installed", False):
        return
    for name in ("sql", "table"):
        setattr(session, name, _retrying(session, glue_client, getattr(session, name)))
    session._glue_raw_sql = session.sql  # this module's own statements: brought in, never written through
    _metastore_sync.install(session, glue_client)
    session._glue_catalog_installed = True


def _retrying(session: Any, glue_client: Any, call: Any) -> Any:
    @functools.wraps(call)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from pyspark.errors import AnalysisException

        for _ in range(_MAX_TABLES_PER_STATEMENT):
            try:
                return call(*args, **kwargs)
            except AnalysisException as exc:
                if not _bring_in(session, glue_client, exc):
                    raise
        return call(*args, **kwargs)

    return wrapper


def _bring_in(session: Any, glue_client: Any, exc: Any) -> bool:
    """Create the database or table the error names from the Data Catalog; False if it has none."""
    condition = exc.getErrorClass() or ""
    params = exc.getMessageParameters() or {}
    if condition == "SCHEMA_NOT_FOUND":
        return _database(session, glue_client, _parts(params.get("schemaName", ""))[-1])
    if condition != "TABLE_OR_VIEW_NOT_FOUND":
        return False
    parts = _parts(params.get("relationName", ""))
    database = parts[-2] if len(parts) >= 2 else session.catalog.currentDatabase()
    return _database(session, glue_client, database) and _table(session, glue_client, database, parts[-1])


def _parts(name: str) -> list[str]:
    """`db`.`tbl` (as Spark quotes names in its messages) -> ["db", "tbl"]."""
    parts, current, quoted = [], "", False
    for ch in name:
        if ch == "`":
            quoted = not quoted
        elif ch == "." and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [p for p in parts + [current] if p]


def _ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _database(session: Any, glue_client: Any, name: str) -> bool:
    if session.catalog.databaseExists(name):
        return True
    try:
        location = glue_client.get_database(Name=name)["Database"].get("LocationUri", "")
    except glue_client.exceptions.EntityNotFoundException:
        return False
    # managed tables of the database go under its S3 location, as on Glue (a local path otherwise)
    clause = f" LOCATION '{_escape(location)}'" if location.startswith(("s3://", "s3a://", "s3n://")) else ""
    if clause:
        _share_file_systems(session)  # the catalog makes the database's folder
    session._glue_raw_sql(f"CREATE DATABASE IF NOT EXISTS {_ident(name)}{clause}")
    return True


def _table(session: Any, glue_client: Any, database: str, name: str) -> bool:
    try:
        found = glue_client.get_table(DatabaseName=database, Name=name)["Table"]
        if found.get("TableType") == "VIRTUAL_VIEW":
            return _view(session, database, found)
        table = _catalog.load_table(glue_client, database, name)
    except glue_client.exceptions.EntityNotFoundException:
        return False
    if session.catalog.tableExists(f"{_ident(database)}.{_ident(table.name)}"):
        return False  # it exists already: the error was about something else
    if not table.location or table.format not in _SOURCES:
        raise ValueError(f"Table {database}.{name} cannot be read by Spark SQL here (location "
                         f"{table.location!r}, format {table.format!r})")
    columns = ", ".join(f"{_ident(f.name)} {_catalog_type(f)}" for f in table.schema)
    options = _SOURCES[table.format](table)
    ddl = f"CREATE TABLE {_ident(database)}.{_ident(table.name)} ({columns}) USING {table.format}"
    if options:
        ddl += " OPTIONS (" + ", ".join(f"'{k}' '{_escape(v)}'" for k, v in options.items()) + ")"
    if table.partition_keys:
        ddl += " PARTITIONED BY (" + ", ".join(_ident(k.name) for k in table.partition_keys) + ")"
    session._glue_raw_sql(ddl + f" LOCATION '{_escape(table.location)}'")
    if table.partition_keys:
        _share_file_systems(session)
        keys = [k.name for k in table.partition_keys]
        for partition in _catalog._partitions(glue_client, table, None, None):
            spec = ", ".join(f"{_ident(k)}='{_escape(v)}'" for k, v in zip(keys, partition["Values"]))
            location = (partition.get("StorageDescriptor") or {}).get("Location")
            clause = f" LOCATION '{_escape(location)}'" if location else ""
            session._glue_raw_sql(f"ALTER TABLE {_ident(database)}.{_ident(table.name)} ADD IF NOT EXISTS "
                        f"PARTITION ({spec}){clause}")
    return True


def _view(session: Any, database: str, view: dict[str, Any]) -> bool:
    """A Glue view (VIRTUAL_VIEW) as a Spark view of its ViewOriginalText, resolved in the view's own database;
    the tables it reads are brought in as it is created. ValueError for a text Spark SQL cannot run."""
    from pyspark.errors import AnalysisException

    name = view["Name"]
    qualified = f"{_ident(database)}.{_ident(name)}"
    if session.catalog.tableExists(qualified):
        return False
    text = view.get("ViewOriginalText") or ""
    if not text.strip() or text.lstrip().startswith("/* Presto View"):  # Athena's views are Presto SQL, encoded
        raise ValueError(f"View {database}.{name} cannot be read by Spark SQL here (its text is not Spark SQL)")
    current = session.catalog.currentDatabase()
    session.catalog.setCurrentDatabase(database)
    try:
        session._glue_raw_sql(f"CREATE VIEW {qualified} AS {text}")
    except AnalysisException as exc:
        raise ValueError(f"View {database}.{name} cannot be read by Spark SQL here: {exc}") from exc
    finally:
        session.catalog.setCurrentDatabase(current)
    return True


def _share_file_systems(session: Any) -> None:
    """Give the in-memory catalog the file system settings of the running context.

    Adding a partition makes the catalog check its folder with the Hadoop configuration it copied
    when the JVM started, which lacks what was set since (the emulator's S3 buckets, mounted per
    run): those settings are copied into it (the field is private, hence reflection).
    """
    catalog = session._jsparkSession.sharedState().externalCatalog().unwrapped()
    for field in catalog.getClass().getDeclaredFields():
        if field.getType().getName() == "org.apache.hadoop.conf.Configuration":
            field.setAccessible(True)
            target = field.get(catalog)
            for entry in session.sparkContext._jsc.hadoopConfiguration().iterator():
                if entry.getKey().startswith("fs."):
                    target.set(entry.getKey(), entry.getValue())


def _escape(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace("'", "\\'")


def _catalog_type(field: Any) -> str:
    from awsglue import _columns

    return _columns.to_spark(field.dataType).simpleString()


def _csv_options(table: Any) -> dict[str, str]:
    fmt = table.format_options
    return {"header": str(bool(fmt.get("skipFirst"))).lower(), "sep": fmt.get("separator", ","),
            **({"quote": fmt["quoteChar"]} if "quoteChar" in fmt else {}),
            **({"escape": fmt["escaper"]} if "escaper" in fmt else {})}


_SOURCES = {"csv": _csv_options, "json": lambda table: {}, "parquet": lambda table: {}, "orc": lambda table: {}}
