"""Data Catalog tables as sources and sinks: location, format and SerDe options from GetTable.

The table's columns type the frame: a value that does not fit its column's type makes that column a
choice of the catalog type and the data's type (Glue's `provider id: choice{long,string}`).
A partitioned table is read from its registered partitions only (GetPartitions, filtered by the
server with `catalogPartitionPredicate`, then by `push_down_predicate` over the values as strings);
each partition's values become the partition columns. With `enableUpdateCatalog`, writes create the
table, add new columns (`updateBehavior` UPDATE_IN_DATABASE, the default; LOG leaves the schema) and
register the partitions they wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

from awsglue import _columns as C
from awsglue import _formats, _jdbc, _s3
from awsglue import gluetypes as G
from pyspark.sql import functions as F

# SerDe / input-format class fragments -> Glue format names, for tables without a classification.
_FORMAT_HINTS = (("parquet", "parquet"), ("orc", "orc"), ("avro", "avro"), ("json", "json"), ("csv", "csv"),
                 ("lazysimpleserde", "csv"), ("textinputformat", "csv"))


@dataclass
class CatalogTable:
    database: str
    name: str
    location: str
    format: str
    format_options: dict
    columns: G.StructType
    partition_keys: list[G.Field] = field(default_factory=list)

    @property
    def schema(self) -> G.StructType:
        return G.StructType(list(self.columns.fields) + list(self.partition_keys))


def load_table(client: Any, database: str, table_name: str, catalog_id: str | None = None) -> CatalogTable:
    kwargs = {"DatabaseName": database, "Name": table_name}
    if catalog_id:
        kwargs["CatalogId"] = catalog_id
    table = client.get_table(**kwargs)["Table"]
    sd = table.get("StorageDescriptor") or {}
    params = {**(sd.get("Parameters") or {}), **(table.get("Parameters") or {})}
    serde = sd.get("SerdeInfo") or {}
    serde_params = serde.get("Parameters") or {}
    fmt = params.get("classification") or _format_from_classes(serde.get("SerializationLibrary"),
                                                               sd.get("InputFormat"))
    options: dict[str, Any] = {}
    if fmt == "csv":
        separator = serde_params.get("separatorChar") or serde_params.get("field.delim") or params.get("delimiter")
        if separator:
            options["separator"] = separator
        if serde_params.get("quoteChar"):
            options["quoteChar"] = serde_params["quoteChar"]
        if "opencsvserde" in (serde.get("SerializationLibrary") or "").lower():
            # OpenCSVSerde (opencsv) reads a doubled quote inside a quoted field as one quote whatever its
            # escapeChar, and crawlers give every such table escapeChar '\\' whatever the data holds. Spark's
            # reader takes one escape character: the doubled quote, as CSV writers (ours included) produce.
            options["escaper"] = options.get("quoteChar", '"')
        elif serde_params.get("escapeChar"):
            options["escaper"] = serde_params["escapeChar"]
        if str(params.get("skip.header.line.count", "0")).strip() not in ("", "0"):
            options["skipFirst"] = True
    return CatalogTable(
        database=database, name=table_name, location=sd.get("Location") or "", format=fmt or "", format_options=options,
        columns=G.StructType([G.Field(c["Name"], G.parse_type_name(c["Type"])) for c in sd.get("Columns") or []]),
        partition_keys=[G.Field(c["Name"], G.parse_type_name(c["Type"])) for c in table.get("PartitionKeys") or []])


def _format_from_classes(*names: str | None) -> str | None:
    for name in names:
        lowered = (name or "").lower()
        for hint, fmt in _FORMAT_HINTS:
            if hint in lowered:
                return fmt
    return None


def _catalog_kwargs(catalog_id: str | None) -> dict[str, str]:
    return {"CatalogId": catalog_id} if catalog_id else {}


def table_files(glue_ctx: Any, table: CatalogTable, catalog_id: str | None, push_down_predicate: str,
                options: dict) -> list[_s3.InputFile]:
    """The data files of a table: under its location, or under its registered partitions' locations
    (values attached) when it has partition keys."""
    from awsglue.data_source import prune_partitions, satisfying

    spark, exclusions = glue_ctx.spark_session, options.get("exclusions")
    if not table.partition_keys:
        files = _s3.list_files(spark, [table.location], recurse=True, exclusions=exclusions)
        return prune_partitions(spark, files, push_down_predicate) if push_down_predicate else files
    keys = [k.name for k in table.partition_keys]
    partitions = _partitions(glue_ctx._glue_client(), table, catalog_id, options.get("catalogPartitionPredicate"))
    if push_down_predicate:
        kept = satisfying(spark, [dict(zip(keys, p["Values"])) for p in partitions], keys, push_down_predicate)
        partitions = [p for i, p in enumerate(partitions) if i in kept]
    files: list[_s3.InputFile] = []
    for partition in partitions:
        location = (partition.get("StorageDescriptor") or {}).get("Location") or _partition_path(
            table.location, keys, partition["Values"])
        values = tuple(zip(keys, partition["Values"]))
        files += [replace(f, partitions=values)
                  for f in _s3.list_files(spark, [location], recurse=True, exclusions=exclusions)]
    return files


def _partitions(client: Any, table: CatalogTable, catalog_id: str | None, expression: str | None) -> list[dict]:
    kwargs: dict[str, Any] = {"DatabaseName": table.database, "TableName": table.name, **_catalog_kwargs(catalog_id)}
    if expression:
        kwargs["Expression"] = expression
    found: list[dict] = []
    for page in client.get_paginator("get_partitions").paginate(**kwargs):
        found += page["Partitions"]
    return found


def _partition_path(location: str, keys: list[str], values: list[str]) -> str:
    return location.rstrip("/") + "/" + "/".join(f"{k}={quote(v, safe='')}" for k, v in zip(keys, values))


def read_table(glue_ctx: Any, database: str, table_name: str, catalog_id: str | None, transformation_ctx: str,
               push_down_predicate: str, additional_options: dict) -> Any:
    from awsglue.data_source import bookmarked

    table = load_table(glue_ctx._glue_client(), database, table_name, catalog_id)
    if _jdbc.is_catalog_jdbc(table.format):
        options = {**_jdbc.catalog_options(glue_ctx, database, table_name, catalog_id), **(additional_options or {})}
        frame = _jdbc.read_frame(glue_ctx, table.format, options, transformation_ctx, table_name)
        return frame._from_nodes([C.Node(n.name.lower(), n.col, n.type) for n in frame._nodes()])
    if not table.location:
        raise ValueError(f"Table {database}.{table_name} has no StorageDescriptor.Location to read")
    options = dict(additional_options or {})
    files = table_files(glue_ctx, table, catalog_id, push_down_predicate, options)
    files = bookmarked(glue_ctx, transformation_ctx, files)
    options.pop("catalogPartitionPredicate", None)
    frame = _formats.read(glue_ctx, files, table.format, {**table.format_options, **options}, table_name)
    if table.format == "csv":  # delimited tables map columns by position, named by the catalog
        names = [f.name for f in table.columns]
        nodes = frame._nodes()
        renamed = [C.Node(names[i] if i < len(names) and n.name == f"col{i}" else n.name, n.col, n.type)
                   for i, n in enumerate(nodes)]
        frame = frame._from_nodes(renamed)
    return _lower_cased(conform(frame, table.schema))


def _lower_cased(frame: Any) -> Any:
    """Top-level field names in lower case, as Glue's catalog reads give them (the Data Catalog holds
    column names in lower case); of names equal but for case, the first is kept."""
    nodes, seen = [], set()
    for node in frame._nodes():
        name = node.name.lower()
        if name not in seen:
            seen.add(name)
            nodes.append(C.Node(name, node.col, node.type))
    return frame._from_nodes(nodes)


def conform(frame: Any, declared: G.StructType) -> Any:
    """Type a frame by declared (catalog) columns, matched by name ignoring case.

    Values that convert take the declared type; if some value of a column does not convert, the column
    becomes a choice of the declared type and the data's type, holding each value as it fits. Data
    fields the catalog does not know are kept after the declared ones.
    """
    nodes = frame._nodes()
    used: set[str] = set()
    pending: list[tuple[G.Field, C.Node, Any]] = []
    for d in declared:
        node = C.find_node(nodes, [d.name], case_sensitive=False)
        if node is None:
            pending.append((d, C.Node(d.name, C.null_of(d.dataType), d.dataType), None))
            continue
        used.add(node.name)
        converted = C.cast(node.col, node.type, d.dataType)
        if C.same_family(node.type, d.dataType) or isinstance(node.type, (G.NullType, G.ChoiceType)):
            pending.append((d, C.Node(d.name, converted, d.dataType), None))
        else:
            pending.append((d, C.Node(d.name, converted, d.dataType), (node, node.col.isNotNull() & converted.isNull())))
    checks = [F.max(misfit.cast("int")).alias(str(i)) for i, (_, _, m) in enumerate(pending) if m
              for misfit in [m[1]]]
    misfits = frame._df.agg(*checks).first().asDict() if checks else {}
    out = []
    for i, (d, converted, check) in enumerate(pending):
        if check is None or not misfits.get(str(i)):
            out.append(converted)
            continue
        original, misfit = check
        choice = G.mergeDataTypes(d.dataType, original.type)
        slots = []
        for name, member in choice.members():
            if name == d.dataType.typeName():
                slots.append(C.adapt(F.when(~misfit, converted.col), d.dataType, member))
            else:
                slots.append(F.when(misfit, C.adapt(original.col, original.type, member)))
        col = F.when(original.col.isNull(), F.lit(None)).otherwise(
            F.struct(*[s.alias(n) for s, (n, _) in zip(slots, choice.members())]))
        out.append(C.Node(d.name, col, choice))
    out += [n for n in nodes if n.name not in used and n.name.lower() not in {d.name.lower() for d in declared}]
    return frame._from_nodes(out)


def write_table(glue_ctx: Any, frame: Any, database: str, table_name: str, catalog_id: str | None,
                transformation_ctx: str, additional_options: dict) -> Any:
    """Append the frame to the table's location in its format, partitioned by its partition keys
    (or `partitionKeys`); with `enableUpdateCatalog`, the catalog learns what was written."""
    from awsglue.dynamicframe import DynamicFrame

    table = load_table(glue_ctx._glue_client(), database, table_name, catalog_id)
    if _jdbc.is_catalog_jdbc(table.format):
        options = {**_jdbc.catalog_options(glue_ctx, database, table_name, catalog_id), **(additional_options or {})}
        _jdbc.write_frame(glue_ctx, frame, table.format, options)
        return DynamicFrame(frame.errorsAsDynamicFrame()._df.limit(0), glue_ctx, frame.name + "_errors")
    if not table.location:
        raise ValueError(f"Table {database}.{table_name} has no StorageDescriptor.Location to write to")
    options = {**table.format_options, **(additional_options or {})}
    options.pop("skipFirst", None)
    update = _formats.flag(options, "enableUpdateCatalog")
    behavior = options.pop("updateBehavior", UPDATE_IN_DATABASE)
    options.pop("enableUpdateCatalog", None)
    keys = options.pop("partitionKeys", None) or [k.name for k in table.partition_keys]
    written = _formats.write(frame, table.location, table.format, options, keys, options.get("compression"),
                             transformation_ctx)
    if update:
        CatalogTarget(database, table_name, catalog_id, behavior).register(
            glue_ctx, frame, table.location, table.format, options, keys, written)
    return DynamicFrame(frame.errorsAsDynamicFrame()._df.limit(0), glue_ctx, frame.name + "_errors")


# -- catalog updates on write ----------------------------------------------------------------------------

UPDATE_IN_DATABASE, LOG = "UPDATE_IN_DATABASE", "LOG"
_TEXT_FORMATS = ("org.apache.hadoop.mapred.TextInputFormat",
                 "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat")
# format -> (InputFormat, OutputFormat, SerializationLibrary), as Glue's crawlers and writers record them
_STORAGE = {
    "csv": (*_TEXT_FORMATS, "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"),
    "json": (*_TEXT_FORMATS, "org.openx.data.jsonserde.JsonSerDe"),
    "parquet": ("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"),
    "orc": ("org.apache.hadoop.hive.ql.io.orc.OrcInputFormat", "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
            "org.apache.hadoop.hive.ql.io.orc.OrcSerde"),
}
_TABLE_INPUT_MEMBERS = ("Name", "Description", "Owner", "LastAccessTime", "LastAnalyzedTime", "Retention",
                        "StorageDescriptor", "PartitionKeys", "ViewOriginalText", "ViewExpandedText", "TableType",
                        "Parameters", "TargetTable", "ViewDefinition")
_BATCH_PARTITIONS = 100  # BatchCreatePartition's limit


@dataclass
class CatalogTarget:
    """The table a sink's writes are registered in (setCatalogInfo, or write_dynamic_frame.from_catalog)."""

    database: str
    table: str
    catalog_id: str | None = None
    behavior: str = UPDATE_IN_DATABASE

    def register(self, glue_ctx: Any, frame: Any, path: str, fmt: str, options: dict, keys: list[str],
                 written: list[str]) -> None:
        """Create the table (frame's schema, sink's path and format) or add the frame's new columns,
        then add the partitions the write created that the table does not have yet."""
        client = glue_ctx._glue_client()
        fmt = "parquet" if fmt == "glueparquet" else fmt
        types = {f.name: f.dataType.simpleString() for f in _formats.writable(frame).schema.fields}
        columns = [{"Name": n, "Type": t} for n, t in types.items() if n not in keys]
        kwargs = {"DatabaseName": self.database, **_catalog_kwargs(self.catalog_id)}
        try:
            table = client.get_table(Name=self.table, **kwargs)["Table"]
        except client.exceptions.EntityNotFoundException:
            table = None
        if table is None:
            table = {"Name": self.table, "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": fmt},
                     "StorageDescriptor": {"Columns": columns, "Location": path, **_storage(fmt, options)},
                     "PartitionKeys": [{"Name": k, "Type": types[k]} for k in keys]}
            client.create_table(TableInput=table, **kwargs)
        elif self.behavior != LOG:
            sd = table.get("StorageDescriptor") or {}
            known = {c["Name"].lower() for c in list(sd.get("Columns") or []) + list(table.get("PartitionKeys") or [])}
            added = [c for c in columns if c["Name"].lower() not in known]
            if added:
                table = {k: v for k, v in table.items() if k in _TABLE_INPUT_MEMBERS}
                table["StorageDescriptor"] = {**sd, "Columns": list(sd.get("Columns") or []) + added}
                client.update_table(TableInput=table, **kwargs)
        if keys:
            self._add_partitions(client, kwargs, table, path, keys, written)

    def _add_partitions(self, client: Any, kwargs: dict, table: dict, path: str, keys: list[str],
                        written: list[str]) -> None:
        values = sorted({tuple(dict(_s3.written_partitions(path, f)).get(k, "") for k in keys) for f in written})
        sd = table.get("StorageDescriptor") or {}
        inputs = [{"Values": list(v), "StorageDescriptor": {**sd, "Location": _partition_path(path, keys, list(v))}}
                  for v in values]
        for start in range(0, len(inputs), _BATCH_PARTITIONS):
            result = client.batch_create_partition(TableName=self.table, **kwargs,
                                                   PartitionInputList=inputs[start:start + _BATCH_PARTITIONS])
            failed = [e for e in result.get("Errors") or []
                      if e["ErrorDetail"].get("ErrorCode") != "AlreadyExistsException"]
            if failed:
                raise RuntimeError(f"Registering partitions of {self.database}.{self.table} failed: "
                                   f"{failed[0]['ErrorDetail'].get('ErrorMessage')}")


def _storage(fmt: str, options: dict) -> dict[str, Any]:
    """The StorageDescriptor members (besides columns and location) of a table in a Glue format."""
    if fmt not in _STORAGE:
        raise ValueError(f"enableUpdateCatalog supports csv, json, parquet/glueparquet and orc, not '{fmt}'")
    input_format, output_format, serde = _STORAGE[fmt]
    serde_info: dict[str, Any] = {"SerializationLibrary": serde}
    parameters: dict[str, str] = {"classification": fmt}
    if fmt == "csv":
        serde_info["Parameters"] = {"field.delim": str(options.get("separator", ","))}
        if _formats.flag(options, "writeHeader", default=True):
            parameters["skip.header.line.count"] = "1"
    return {"InputFormat": input_format, "OutputFormat": output_format, "SerdeInfo": serde_info,
            "Compressed": bool(options.get("compression")), "Parameters": parameters}
