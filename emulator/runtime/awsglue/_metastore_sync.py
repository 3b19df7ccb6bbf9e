"""`--enable-glue-datacatalog`: Spark SQL DDL and `saveAsTable`/`insertInto` write through to the Data Catalog.

On Glue the Data Catalog is Spark's metastore, so `CREATE TABLE`, CTAS, `DROP TABLE`, `ALTER TABLE`, `CREATE
[OR REPLACE] VIEW`, `DROP VIEW`, `CREATE DATABASE`... change Glue databases/tables. Here Spark's catalog is the
run's in-memory one, so after such a statement (recognised by the class of Spark's parsed logical plan) succeeds,
the database/table it named is read back from the session catalog and pushed with the run's boto3 Glue client:
CreateDatabase/DeleteDatabase, CreateTable/UpdateTable/DeleteTable, and the table's partitions mirrored with
BatchCreatePartition/BatchDeletePartition. Before the statement runs, its target is brought in from the Data
Catalog (so `CREATE TABLE IF NOT EXISTS` and `saveAsTable(mode="append")` see an existing Glue table, as on Glue);
before `SHOW TABLES [IN db]`, every table of the database is (so it lists what Glue has: dbt-glue's seeds ask it).

The table written is what Spark's Hive metastore client stores for a data source table: TableType
EXTERNAL_TABLE (with a LOCATION) or MANAGED_TABLE, Parameters `spark.sql.sources.provider`,
`spark.sql.sources.schema.*`, `spark.sql.partitionProvider`, and (so crawlers, Athena and from_catalog read
it) Glue's `classification` with the Hive InputFormat/OutputFormat/SerDe of the format (parquet, orc, csv,
json). A view is a VIRTUAL_VIEW table (its SQL in ViewOriginalText and ViewExpandedText); temporary views
stay the session's own. Only tables on S3 are written: one in a database without an s3:// LocationUri and
without its own LOCATION (where Glue fails, having no path to build) stays in the run's Spark catalog, with a
warning on stderr.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from typing import Any

from awsglue import _catalog, _metastore

_S3_SCHEMES = ("s3://", "s3a://", "s3n://")
_SCHEMA_PART = 4000  # Spark splits the schema JSON into parameters of this many characters
# parsed plan class -> (what it does, the accessor of its target's name)
_PLANS = {
    **{name: ("table", "name") for name in ("CreateTable", "CreateTableAsSelect", "ReplaceTable",
                                            "ReplaceTableAsSelect")},
    **{name: ("table", "table") for name in (
        "AddColumns", "ReplaceColumns", "AlterColumn", "DropColumns", "RenameColumn", "AddPartitions",
        "DropPartitions", "RenamePartitions", "SetTableLocation", "SetTableProperties", "UnsetTableProperties",
        "SetTableSerDeProperties", "RecoverPartitions", "InsertIntoStatement")},
    "RepairTable": ("table", "child"),
    "CreateView": ("table", "child"),  # CREATE [OR REPLACE] VIEW (a temporary view parses to another class)
    "AlterViewAs": ("table", "child"),
    "DropTable": ("drop", "child"),
    "DropView": ("drop", "child"),
    "RenameTable": ("rename", "child"),
    "CreateNamespace": ("database", "name"),
    "DropNamespace": ("database", "namespace"),
    "SetNamespaceLocation": ("database", "namespace"),
    "SetNamespaceProperties": ("database", "namespace"),
    "ShowTables": ("list", "namespace"),  # lists the catalog's tables: all of the database's are brought in first
}


def install(session: Any, glue_client: Any) -> None:
    """Make `session.sql` write DDL through, and `df.write.saveAsTable/insertInto` on this session."""
    session._glue_catalog_client = glue_client
    sql = session.sql

    @functools.wraps(sql)
    def write_through(sqlQuery: str, *args: Any, **kwargs: Any) -> Any:
        targets = _targets(session, sqlQuery)
        return _around(session, glue_client, targets, lambda: sql(sqlQuery, *args, **kwargs))

    session.sql = write_through
    _patch_writer()


def _around(session: Any, glue_client: Any, targets: list[tuple[str, list[str], list[str]]], call: Any) -> Any:
    if targets:
        _metastore._share_file_systems(session)  # the catalog makes and deletes folders, on S3 too
    dropped = {tuple(parts): _glue_table(glue_client, *parts) for kind, parts, _ in targets if kind == "drop"}
    for kind, parts, _ in targets:
        _bring_in(session, glue_client, kind, parts)
    result = call()
    for kind, parts, new in targets:
        if kind == "database":
            _push_database(session, glue_client, parts[-1])
        elif kind == "table":
            _push_table(session, glue_client, *parts)
        elif kind == "drop":
            _drop(session, glue_client, parts, dropped[tuple(parts)])
        elif kind == "rename":
            _drop(session, glue_client, parts, None)
            _push_table(session, glue_client, *new)
    return result


def _targets(session: Any, text: str) -> list[tuple[str, list[str], list[str]]]:
    """[(kind, [database, table] or [database], new name for a rename)] of the statement; [] if it touches no
    catalog object."""
    try:
        plan = session._jsparkSession.sessionState().sqlParser().parsePlan(text)
    except Exception:  # not parseable: Spark reports it when the statement runs
        return []
    kind, accessor = _PLANS.get(plan.getClass().getSimpleName(), (None, None))
    if kind is None:
        return []
    parts = _name_parts(getattr(plan, accessor)())
    if kind == "list":  # SHOW TABLES [IN db]
        return [(kind, parts[-1:] or [session.catalog.currentDatabase()], [])]
    if not parts:
        return []
    if kind == "database":
        return [(kind, parts[-1:], [])]
    if kind == "drop" and len(parts) == 1 and _temp_view(session, parts[0]):
        return []  # a temporary view is the session's own: the Data Catalog's table of that name stays
    new = _qualified(session, _seq(plan.newName())) if kind == "rename" else []
    return [(kind, _qualified(session, parts), new)]


def _name_parts(node: Any) -> list[str]:
    from py4j.protocol import Py4JError

    for accessor in ("nameParts", "multipartIdentifier"):
        with contextlib.suppress(Py4JError):  # this node has no such accessor
            return _seq(getattr(node, accessor)())
    return []


def _seq(seq: Any) -> list[str]:
    separator = "\u0001"
    text = seq.mkString(separator)
    return text.split(separator) if text else []


def _temp_view(session: Any, name: str) -> bool:
    return bool(session._jsparkSession.sessionState().catalog().getTempView(name).isDefined())


def _qualified(session: Any, parts: list[str]) -> list[str]:
    database = parts[-2] if len(parts) >= 2 else session.catalog.currentDatabase()
    return [database.lower(), parts[-1].lower()]


def _bring_in(session: Any, glue_client: Any, kind: str, parts: list[str]) -> None:
    """Bring the statement's target (for SHOW TABLES, every table of the database) in from the Data Catalog so
    Spark sees what Glue has."""
    if not _metastore._database(session, glue_client, parts[0]) or kind == "database":
        return
    for name in [parts[1]] if kind != "list" else _glue_table_names(glue_client, parts[0]):
        try:
            _metastore._table(session, glue_client, parts[0], name)
        except ValueError:  # a table Spark SQL cannot read here (no location, other format): Glue's copy stays
            pass


def _glue_table_names(glue_client: Any, database: str) -> list[str]:
    """The database's tables in the Data Catalog ([] for one only Spark has, such as `default` on a new account)."""
    try:
        return [table["Name"] for page in glue_client.get_paginator("get_tables").paginate(DatabaseName=database)
                for table in page["TableList"]]
    except glue_client.exceptions.EntityNotFoundException:
        return []


def _glue_table(glue_client: Any, database: str, name: str) -> dict | None:
    try:
        return glue_client.get_table(DatabaseName=database, Name=name)["Table"]
    except glue_client.exceptions.EntityNotFoundException:
        return None


# -- databases --------------------------------------------------------------------------------------------

def _push_database(session: Any, glue_client: Any, name: str) -> None:
    jcat = session._jsparkSession.sessionState().catalog()
    if not jcat.databaseExists(name):
        try:
            glue_client.delete_database(Name=name)
        except glue_client.exceptions.EntityNotFoundException:
            pass
        return
    jdb = jcat.getDatabaseMetadata(name)
    location = jdb.locationUri().toString()
    database = {"Name": name, "Parameters": dict(_jmap(session, jdb.properties())),
                **({"Description": jdb.description()} if jdb.description() else {}),
                **({"LocationUri": location} if location.startswith(_S3_SCHEMES) else {})}
    try:
        glue_client.get_database(Name=name)
    except glue_client.exceptions.EntityNotFoundException:
        glue_client.create_database(DatabaseInput=database)
        return
    glue_client.update_database(Name=name, DatabaseInput=database)


# -- tables -----------------------------------------------------------------------------------------------

def _push_table(session: Any, glue_client: Any, database: str, name: str) -> None:
    """Write the session catalog's table (and its partitions) to the Data Catalog."""
    jcat = session._jsparkSession.sessionState().catalog()
    ident = _ident(session, database, name)
    if not jcat.tableExists(ident):
        return
    jtable = jcat.getTableMetadata(ident)
    if jtable.tableType().name() == "VIEW":
        _put_table(glue_client, database, _view_input(session, jtable, name))
        return
    location = jtable.storage().locationUri().get().toString() if jtable.storage().locationUri().isDefined() else ""
    if not location.startswith(_S3_SCHEMES):
        # Glue itself fails such a table (no path to build); scripts that keep it to themselves still work here
        print(f"glue-emulator: table {database}.{name} is at {location!r}, not on S3: it stays in this run's Spark "
              f"catalog, not the Data Catalog (give it a LOCATION, or its database an s3:// LocationUri)",
              file=sys.stderr)
        return
    table_input = _table_input(session, jtable, name, location)
    _put_table(glue_client, database, table_input)
    if table_input["PartitionKeys"]:
        _push_partitions(session, glue_client, database, name, jtable, table_input)


def _put_table(glue_client: Any, database: str, table_input: dict[str, Any]) -> None:
    if _glue_table(glue_client, database, table_input["Name"]) is None:
        glue_client.create_table(DatabaseName=database, TableInput=table_input)
    else:
        glue_client.update_table(DatabaseName=database, TableInput=table_input)


def _view_input(session: Any, jtable: Any, name: str) -> dict[str, Any]:
    """A Spark view as Spark's Hive metastore client stores it: TableType VIRTUAL_VIEW, the view's SQL as both
    ViewOriginalText and ViewExpandedText, its output columns, and Spark's view.* and schema parameters."""
    from pyspark.sql.types import StructType

    schema_json = jtable.schema().json()
    schema = StructType.fromJson(json.loads(schema_json))
    text = jtable.viewText().get() if jtable.viewText().isDefined() else ""
    parts = [schema_json[i:i + _SCHEMA_PART] for i in range(0, len(schema_json), _SCHEMA_PART)]
    parameters = {**dict(_jmap(session, jtable.properties())), "spark.sql.create.version": session.version,
                  "spark.sql.sources.schema.numParts": str(len(parts)),
                  **{f"spark.sql.sources.schema.part.{i}": part for i, part in enumerate(parts)}}
    return {"Name": name, "TableType": "VIRTUAL_VIEW", "ViewOriginalText": text, "ViewExpandedText": text,
            "Parameters": parameters, "PartitionKeys": [],
            "StorageDescriptor": {"Columns": [{"Name": f.name, "Type": f.dataType.simpleString()}
                                              for f in schema.fields]}}


def _table_input(session: Any, jtable: Any, name: str, location: str) -> dict[str, Any]:
    from pyspark.sql.types import StructType

    schema_json = jtable.schema().json()
    schema = StructType.fromJson(json.loads(schema_json))
    keys = _seq(jtable.partitionColumnNames())
    fmt = jtable.provider().get().lower() if jtable.provider().isDefined() else ""
    options = dict(_jmap(session, jtable.storage().properties()))
    external = jtable.tableType().name() == "EXTERNAL"
    parts = [schema_json[i:i + _SCHEMA_PART] for i in range(0, len(schema_json), _SCHEMA_PART)]
    parameters = {**dict(_jmap(session, jtable.properties())), "spark.sql.sources.provider": fmt,
                  "spark.sql.create.version": session.version, "spark.sql.sources.schema.numParts": str(len(parts)),
                  **{f"spark.sql.sources.schema.part.{i}": part for i, part in enumerate(parts)}}
    if keys:
        parameters.update({"spark.sql.partitionProvider": "catalog", "spark.sql.sources.schema.numPartCols":
                           str(len(keys)), **{f"spark.sql.sources.schema.partCol.{i}": k for i, k in enumerate(keys)}})
    if external:
        parameters["EXTERNAL"] = "TRUE"
    storage: dict[str, Any] = {}
    if fmt in _catalog._STORAGE:
        parameters["classification"] = fmt
        storage = _catalog._storage(fmt, {"separator": options.get("sep", options.get("delimiter", ",")),
                                          "writeHeader": options.get("header", "false")})
        storage["SerdeInfo"].setdefault("Parameters", {}).update({"path": location, "serialization.format": "1"})
    types = {f.name: f.dataType.simpleString() for f in schema.fields}
    return {"Name": name, "TableType": "EXTERNAL_TABLE" if external else "MANAGED_TABLE", "Parameters": parameters,
            "StorageDescriptor": {"Columns": [{"Name": n, "Type": t} for n, t in types.items() if n not in keys],
                                  "Location": location, **storage},
            "PartitionKeys": [{"Name": k, "Type": types[k]} for k in keys]}


def _push_partitions(session: Any, glue_client: Any, database: str, name: str, jtable: Any,
                     table_input: dict) -> None:
    """Mirror the session's partitions: register the new ones, deregister those it no longer has."""
    keys = [k["Name"] for k in table_input["PartitionKeys"]]
    ours: dict[tuple[str, ...], str] = {}
    jcat = session._jsparkSession.sessionState().catalog()
    none = session._jvm.scala.Option.empty()
    partitions = jcat.listPartitions(_ident(session, database, name), none)
    for partition in session._jvm.scala.collection.JavaConverters.seqAsJavaList(partitions):
        spec = _jmap(session, partition.spec())
        uri = partition.storage().locationUri()
        ours[tuple(spec.get(k) for k in keys)] = uri.get().toString() if uri.isDefined() else ""
    theirs = {tuple(p["Values"]) for page in glue_client.get_paginator("get_partitions").paginate(
        DatabaseName=database, TableName=name) for p in page["Partitions"]}
    sd = table_input["StorageDescriptor"]
    added = [{"Values": list(v), "StorageDescriptor": {**sd, "Location": loc}}
             for v, loc in sorted(ours.items()) if v not in theirs]
    removed = [{"Values": list(v)} for v in sorted(theirs - set(ours))]
    for start in range(0, len(added), _catalog._BATCH_PARTITIONS):
        glue_client.batch_create_partition(DatabaseName=database, TableName=name,
                                           PartitionInputList=added[start:start + _catalog._BATCH_PARTITIONS])
    for start in range(0, len(removed), 25):  # BatchDeletePartition's limit
        glue_client.batch_delete_partition(DatabaseName=database, TableName=name,
                                           PartitionsToDelete=removed[start:start + 25])


def _drop(session: Any, glue_client: Any, parts: list[str], glue_table: dict | None) -> None:
    """The session no longer has the table: delete it from Glue (and a managed table's files, as Spark does)."""
    jcat = session._jsparkSession.sessionState().catalog()
    if jcat.tableExists(_ident(session, *parts)):
        return
    try:
        glue_client.delete_table(DatabaseName=parts[0], Name=parts[1])
    except glue_client.exceptions.EntityNotFoundException:
        return
    location = ((glue_table or {}).get("StorageDescriptor") or {}).get("Location")
    if glue_table and glue_table.get("TableType") == "MANAGED_TABLE" and location:
        path = session._jvm.org.apache.hadoop.fs.Path(location)
        path.getFileSystem(session._jsc.hadoopConfiguration()).delete(path, True)


def _ident(session: Any, database: str, name: str) -> Any:
    jvm = session._jvm
    return jvm.org.apache.spark.sql.catalyst.TableIdentifier(name, jvm.scala.Some(database))


def _jmap(session: Any, scala_map: Any) -> dict[str, str]:
    return dict(session._jvm.scala.collection.JavaConverters.mapAsJavaMap(scala_map))


# -- DataFrameWriter --------------------------------------------------------------------------------------

def _patch_writer() -> None:
    """saveAsTable/insertInto of a session with the write-through installed push their table after writing."""
    from pyspark.sql.readwriter import DataFrameWriter

    for method in ("saveAsTable", "insertInto"):
        call = getattr(DataFrameWriter, method)
        if getattr(call, "_glue_write_through", False):
            continue

        def wrapper(self: Any, name: str, *args: Any, _call: Any = call, **kwargs: Any) -> Any:
            glue_client = getattr(self._spark, "_glue_catalog_client", None)
            if glue_client is None:
                return _call(self, name, *args, **kwargs)
            targets = [("table", _qualified(self._spark, _metastore._parts(name)), [])]
            return _around(self._spark, glue_client, targets, lambda: _call(self, name, *args, **kwargs))

        wrapper._glue_write_through = True  # type: ignore[attr-defined]
        setattr(DataFrameWriter, method, functools.wraps(call)(wrapper))
