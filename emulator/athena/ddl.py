"""Statements that change the Glue catalog, through the catalog's own operations, as Athena's DDL does.

CREATE EXTERNAL TABLE (columns, PARTITIONED BY, ROW FORMAT DELIMITED/SERDE, STORED AS, LOCATION, TBLPROPERTIES),
CREATE VIEW (a VIRTUAL_VIEW table whose ViewOriginalText is Athena's `/* Presto View: <base64 JSON> */`),
CREATE TABLE AS SELECT (WITH format, external_location, partitioned_by; the data written by the engine), INSERT
INTO, MSCK REPAIR TABLE (partitions of the `key=value` folders under the location), ALTER TABLE ADD/DROP
PARTITION, DROP TABLE/VIEW (the catalog entry only: Athena leaves the data), CREATE/DROP DATABASE (a database
that holds tables needs CASCADE). A catalog error fails the query with its message, as Athena reports the
metastore's.
"""

from __future__ import annotations

import copy
import os
import re
from typing import Any

from sqlglot import exp

from ..catalog import databases, partitions, tables
from ..catalog.common import TABLE, table_parent
from ..errors import AwsError
from .engine import QueryFailure, Session, presto_view_text
from .storage import SERDES, data_files, local_dir

DDL_FAILED = 1003  # AthenaError ErrorType "DDL task failed" (Athena user guide, "Athena error catalog")


def catalog_call(action: Any, ctx: Any, params: dict[str, Any]) -> None:
    """Call a Glue catalog operation; its AwsError fails the query with the metastore's message."""
    try:
        action(ctx, params)
    except AwsError as error:
        raise QueryFailure(f"FAILED: {error.code}: {error.message}", DDL_FAILED) from None


def table_names(session: Session, table: exp.Table) -> tuple[str, str]:
    """(database, table) of a statement's target, lower-case; the query's database when it names none."""
    return (table.db or session.database or "default").lower(), table.name.lower()


def _hive_type(kind: exp.DataType | None) -> str:
    return kind.sql("hive").lower() if kind is not None else "string"


def _columns(schema: exp.Schema | None) -> list[dict[str, str]]:
    columns = []
    for column in (schema.expressions if schema is not None else []):
        if isinstance(column, exp.ColumnDef):
            entry = {"Name": column.name.lower(), "Type": _hive_type(column.args.get("kind"))}
            comment = next((c for c in column.constraints if isinstance(c.kind, exp.CommentColumnConstraint)), None)
            if comment is not None:
                entry["Comment"] = comment.kind.this.name
            columns.append(entry)
    return columns


def _storage(kind: str, serde_params: dict[str, str] | None = None, lib: str | None = None) -> dict[str, Any]:
    default_lib, input_format, output_format = SERDES[kind]
    return {"InputFormat": input_format, "OutputFormat": output_format,
            "SerdeInfo": {"SerializationLibrary": lib or default_lib, "Parameters": serde_params or {}}}


def create_external_table(session: Session, create: exp.Create) -> None:
    """CREATE [EXTERNAL] TABLE [IF NOT EXISTS] db.t (...) ... LOCATION '...'."""
    schema = create.this
    database, name = table_names(session, schema.this)
    kind, lib, serde_params, parameters = "text", None, {"field.delim": "\x01"}, {"EXTERNAL": "TRUE"}
    location, keys = None, []
    props = (create.args.get("properties") or exp.Properties(expressions=[])).expressions
    if not any(isinstance(p, exp.ExternalProperty) for p in props):
        # Athena creates Hive tables only as EXTERNAL (a plain CREATE TABLE is for Iceberg, not served here).
        raise QueryFailure("Only external table creation is supported.", DDL_FAILED)
    for prop in props:
        if isinstance(prop, exp.FileFormatProperty):
            fmt = prop.name.lower()
            kind = {"parquet": "parquet", "orc": "orc", "avro": "avro", "jsonfile": "json"}.get(fmt, "text")
        elif isinstance(prop, exp.RowFormatDelimitedProperty):
            for arg, key in (("fields", "field.delim"), ("escaped", "escape.delim"), ("lines", "line.delim"),
                             ("collection_items", "collection.delim"), ("map_keys", "mapkey.delim"),
                             ("null", "serialization.null.format")):
                if prop.args.get(arg) is not None:
                    serde_params[key] = prop.args[arg].name
            serde_params.setdefault("serialization.format", serde_params["field.delim"])
        elif isinstance(prop, exp.RowFormatSerdeProperty):
            lib = prop.this.name
            given = prop.args.get("serde_properties")
            serde_params = {p.name: p.text("value") for p in (given.expressions if given else [])}
            lowered = lib.lower()
            kind = next((k for k in ("parquet", "orc", "avro", "json") if k in lowered), "text")
        elif isinstance(prop, exp.LocationProperty):
            location = prop.this.name
        elif isinstance(prop, exp.PartitionedByProperty):
            keys = _columns(prop.this)
        elif type(prop) is exp.Property:  # its subclasses are the named clauses above
            parameters[prop.name] = prop.text("value")
    if kind in ("parquet", "orc", "avro") and lib is None:
        serde_params = {"serialization.format": "1"}
    parameters.setdefault("classification", {"text": "csv"}.get(kind, kind))
    storage = {**_storage(kind, serde_params, lib), "Columns": _columns(schema), "Location": location or ""}
    table_input = {"Name": name, "TableType": "EXTERNAL_TABLE", "Parameters": parameters,
                   "StorageDescriptor": storage, "PartitionKeys": keys}
    if create.args.get("exists") and session.table_doc(database, name) is not None:
        return
    catalog_call(tables.create_table, session.ctx, {"DatabaseName": database, "TableInput": table_input})


def create_view(session: Session, create: exp.Create) -> None:
    """CREATE [OR REPLACE] VIEW db.v AS <query>: the columns are the query's result columns."""
    database, name = table_names(session, create.this)
    query = create.expression
    original = query.sql("athena")
    cursor = session.execute(session.prepare(query.copy()).limit(0) if isinstance(query, exp.Select)
                             else session.prepare(query.copy()))
    columns = [{"Name": d[0].lower(), "Type": athena_column_type(str(d[1]))} for d in cursor.description]
    table_input = {"Name": name, "TableType": "VIRTUAL_VIEW", "Parameters": {"presto_view": "true", "comment":
                   "Presto View"}, "ViewOriginalText": presto_view_text(original, columns, "awsdatacatalog",
                                                                        database),
                   "ViewExpandedText": "/* Presto View */",
                   "StorageDescriptor": {"Columns": columns, "Location": "", "SerdeInfo": {}}, "PartitionKeys": []}
    if session.table_doc(database, name) is not None:
        if not create.args.get("replace"):
            raise QueryFailure(f"line 1:1: View 'awsdatacatalog.{database}.{name}' already exists", DDL_FAILED)
        catalog_call(tables.update_table, session.ctx, {"DatabaseName": database, "TableInput": table_input})
        return
    catalog_call(tables.create_table, session.ctx, {"DatabaseName": database, "TableInput": table_input})


def athena_column_type(duck: str) -> str:
    """The Glue (Hive) column type of a DuckDB result type, as Athena writes a new table's columns."""
    from .results import column_info

    info = column_info("c", duck)
    if info["Type"] == "decimal":
        return f"decimal({info['Precision']},{info['Scale']})"
    return {"varchar": "string", "integer": "int", "row": "string", "map": "string"}.get(info["Type"], info["Type"])


def drop(session: Session, statement: exp.Drop) -> None:
    """DROP TABLE/VIEW [IF EXISTS] and DROP DATABASE/SCHEMA [IF EXISTS] [CASCADE]."""
    kind = (statement.args.get("kind") or "").upper()
    target = (statement.args.get("tables") or [statement.this])[0]
    ctx = session.ctx
    if kind in ("DATABASE", "SCHEMA"):
        name = target.name.lower()
        held = ctx.store.list(ctx.scope, TABLE, table_parent(session.catalog, name))
        if held and not statement.args.get("cascade"):
            raise QueryFailure(f"FAILED: InvalidOperationException: Database {name} is not empty. One or more "
                               "tables exist.", DDL_FAILED)
        try:
            databases.delete_database(ctx, {"Name": name})
        except AwsError as error:
            if not statement.args.get("exists"):
                raise QueryFailure(f"FAILED: {error.code}: {error.message}", DDL_FAILED) from None
        return
    database, name = table_names(session, target)
    doc = session.table_doc(database, name)
    if doc is None:
        if statement.args.get("exists"):
            return
        raise QueryFailure(f"FAILED: SemanticException [Error 10001]: Table not found {database}.{name}", DDL_FAILED)
    if (kind == "VIEW") != (doc.get("TableType") == "VIRTUAL_VIEW"):
        raise QueryFailure(f"line 1:1: {database}.{name} is not a {kind.lower()}", DDL_FAILED)
    catalog_call(tables.delete_table, ctx, {"DatabaseName": database, "Name": name})


def create_database(session: Session, create: exp.Create) -> None:
    name = create.this.name.lower()
    spec: dict[str, Any] = {"Name": name}
    for prop in (create.args.get("properties") or exp.Properties(expressions=[])).expressions:
        if isinstance(prop, exp.LocationProperty):
            spec["LocationUri"] = prop.this.name
        elif isinstance(prop, exp.SchemaCommentProperty):
            spec["Description"] = prop.this.name
        elif type(prop) is exp.Property:  # its subclasses are the named clauses above
            spec.setdefault("Parameters", {})[prop.name] = prop.text("value")
    try:
        databases.create_database(session.ctx, {"DatabaseInput": spec})
    except AwsError as error:
        if not create.args.get("exists"):
            raise QueryFailure(f"FAILED: {error.code}: {error.message}", DDL_FAILED) from None


def add_partitions(session: Session, database: str, name: str, found: list[tuple[list[str], str]],
                    if_not_exists: bool = True) -> int:
    doc = session.table_doc(database, name)
    assert doc is not None
    sd = {k: v for k, v in (doc.get("StorageDescriptor") or {}).items() if k != "Location"}
    inputs = [{"Values": values, "StorageDescriptor": {**sd, "Location": location}} for values, location in found]
    added = 0
    for start in range(0, len(inputs), 100):
        try:
            result = partitions.batch_create_partition(session.ctx, {"DatabaseName": database, "TableName": name,
                                                                     "PartitionInputList": inputs[start:start + 100]})
        except AwsError as error:
            raise QueryFailure(f"FAILED: {error.code}: {error.message}", DDL_FAILED) from None
        errors = result.get("Errors") or []
        if errors and not if_not_exists:
            raise QueryFailure(f"FAILED: AlreadyExistsException: Partition already exists: {errors[0]}", DDL_FAILED)
        added += len(inputs[start:start + 100]) - len(errors)
    return added


def alter_table(session: Session, alter: exp.Alter) -> None:
    """ALTER TABLE t ADD [IF NOT EXISTS] PARTITION (k='v') [LOCATION '...'] ... and DROP PARTITION; the
    table's definition: ADD/REPLACE COLUMNS, CHANGE [COLUMN], SET TBLPROPERTIES, SET LOCATION."""
    database, name = table_names(session, alter.this)
    doc = session.table_doc(database, name)
    if doc is None:
        raise QueryFailure(f"FAILED: SemanticException [Error 10001]: Table not found {database}.{name}", DDL_FAILED)
    actions = alter.args.get("actions") or []
    if actions and not isinstance(actions[0], (exp.AddPartition, exp.DropPartition)):
        _alter_definition(session, database, doc, actions[0])
        return
    keys = [k["Name"] for k in doc.get("PartitionKeys") or []]
    base = ((doc.get("StorageDescriptor") or {}).get("Location") or "").rstrip("/")
    found: list[tuple[list[str], str]] = []
    for action in alter.args.get("actions") or []:
        spec = action.this if isinstance(action, exp.AddPartition) else action
        given = {eq.this.name.lower(): eq.expression.name for eq in spec.find_all(exp.EQ)}
        if set(given) != set(keys):
            raise QueryFailure(f"FAILED: ValidationException: Partition spec {given} does not match the partition "
                               f"keys {keys}", DDL_FAILED)
        values = [given[k] for k in keys]
        if isinstance(action, exp.AddPartition):
            location = action.args.get("location")
            where = location.this.name if location is not None else \
                base + "/" + "/".join(f"{k}={given[k]}" for k in keys) + "/"
            found.append((values, where))
        else:
            catalog_call(partitions.delete_partition, session.ctx, {"DatabaseName": database, "TableName": name,
                                                                     "PartitionValues": values})
    if found:
        add_partitions(session, database, name, found, bool(alter.args.get("actions")[0].args.get("exists")))


# the TableInput members of a stored table (UpdateTable takes no read-only member such as CreateTime)
_TABLE_INPUT = ("Name", "Description", "Owner", "Retention", "StorageDescriptor", "PartitionKeys", "ViewOriginalText",
                "ViewExpandedText", "TableType", "Parameters", "TargetTable")


def _alter_definition(session: Session, database: str, doc: dict[str, Any], action: exp.Expression) -> None:
    """The ALTER TABLE forms of Athena's DDL reference that change the table itself, through UpdateTable;
    RENAME TO and DROP COLUMN FAIL as on Athena, whose Hive tables do not have them."""
    table = copy.deepcopy({key: doc[key] for key in _TABLE_INPUT if key in doc})
    sd = table.setdefault("StorageDescriptor", {})
    columns = sd.setdefault("Columns", [])
    if isinstance(action, exp.Schema):  # ADD COLUMNS (...)
        taken = {c["Name"] for c in columns} | {k["Name"] for k in table.get("PartitionKeys") or []}
        added = _columns(action)
        repeated = next((c["Name"] for c in added if c["Name"] in taken), None)
        if repeated is not None:
            raise QueryFailure(f"FAILED: InvalidInputException: Duplicate column name: {repeated}", DDL_FAILED)
        columns.extend(added)
    elif isinstance(action, exp.ReplaceColumns):
        sd["Columns"] = _columns(exp.Schema(expressions=action.expressions))
    elif isinstance(action, exp.AlterColumn) and action.args.get("rename_to") is not None:  # CHANGE old new type
        column = next((c for c in columns if c["Name"] == action.name.lower()), None)
        if column is None:
            raise QueryFailure(f"FAILED: InvalidInputException: Invalid column reference {action.name}", DDL_FAILED)
        column.update(Name=action.args["rename_to"].name.lower(), Type=_hive_type(action.args.get("dtype")))
    elif isinstance(action, exp.AlterSet) and (action.args.get("location") or action.expressions):
        if action.args.get("location") is not None:
            sd["Location"] = action.args["location"].name
        for properties in action.expressions:
            table.setdefault("Parameters", {}).update(
                {prop.name: prop.text("value") for prop in properties.expressions if isinstance(prop, exp.Property)})
    else:
        raise QueryFailure(f"NOT_SUPPORTED: ALTER TABLE {action.sql('athena')[:60]} is not supported", DDL_FAILED)
    catalog_call(tables.update_table, session.ctx, {"DatabaseName": database, "TableInput": table})


_KEY_VALUE = re.compile(r"^([^=/]+)=([^/]*)$")


def msck_repair(session: Session, command_text: str) -> None:
    """MSCK REPAIR TABLE t: a partition for each `k1=v1/k2=v2` folder under the location the catalog lacks."""
    match = re.match(r"(?is)\s*TABLE\s+(\S+)\s*;?\s*$", command_text)
    if not match:
        raise QueryFailure("SYNTAX_ERROR: line 1:1: MSCK REPAIR TABLE expects a table name")
    parts = [p.strip('`"') for p in match.group(1).split(".")]
    database, name = (parts[0].lower(), parts[1].lower()) if len(parts) == 2 else \
        ((session.database or "default").lower(), parts[0].lower())
    doc = session.table_doc(database, name)
    if doc is None:
        raise QueryFailure(f"FAILED: SemanticException [Error 10001]: Table not found {database}.{name}", DDL_FAILED)
    keys = [k["Name"].lower() for k in doc.get("PartitionKeys") or []]
    base = ((doc.get("StorageDescriptor") or {}).get("Location") or "").rstrip("/")
    root = local_dir(session.ctx, base)
    found: dict[tuple[str, ...], str] = {}
    for path in data_files(root):
        folders = os.path.relpath(os.path.dirname(path), root).split(os.sep)[:len(keys)]
        pairs = [_KEY_VALUE.match(f) for f in folders]
        if len(pairs) == len(keys) and all(pairs) and [p.group(1).lower() for p in pairs] == keys:  # type: ignore
            values = tuple(p.group(2) for p in pairs)  # type: ignore[union-attr]
            found.setdefault(values, base + "/" + "/".join(folders) + "/")
    if found:
        add_partitions(session, database, name, [(list(v), loc) for v, loc in sorted(found.items())])

