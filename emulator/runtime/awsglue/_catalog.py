"""Data Catalog tables as sources and sinks: location, format and SerDe options from GetTable.

The table's columns type the frame: a value that does not fit its column's type makes that column a
choice of the catalog type and the data's type (Glue's `provider id: choice{long,string}`).
Partition registration and catalog updates on write are issue 5 part 4 (README.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyspark.sql import functions as F

from awsglue import _columns as C
from awsglue import _formats, _s3
from awsglue import gluetypes as G

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
        if serde_params.get("escapeChar"):
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


def read_table(glue_ctx: Any, database: str, table_name: str, catalog_id: str | None, transformation_ctx: str,
               push_down_predicate: str, additional_options: dict) -> Any:
    from awsglue.data_source import prune_partitions

    table = load_table(glue_ctx._glue_client(), database, table_name, catalog_id)
    if not table.location:
        raise ValueError(f"Table {database}.{table_name} has no StorageDescriptor.Location to read")
    spark = glue_ctx.spark_session
    files = _s3.list_files(spark, [table.location], recurse=True,
                           exclusions=(additional_options or {}).get("exclusions"))
    if push_down_predicate:
        files = prune_partitions(spark, files, push_down_predicate)
    frame = _formats.read(glue_ctx, files, table.format, {**table.format_options, **(additional_options or {})},
                          table_name)
    if table.format == "csv":  # delimited tables map columns by position, named by the catalog
        names = [f.name for f in table.columns]
        nodes = frame._nodes()
        renamed = [C.Node(names[i] if i < len(names) and n.name == f"col{i}" else n.name, n.col, n.type)
                   for i, n in enumerate(nodes)]
        frame = frame._from_nodes(renamed)
    return conform(frame, table.schema)


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
    """Append the frame to the table's location in its format, partitioned by its partition keys."""
    from awsglue.dynamicframe import DynamicFrame

    table = load_table(glue_ctx._glue_client(), database, table_name, catalog_id)
    if not table.location:
        raise ValueError(f"Table {database}.{table_name} has no StorageDescriptor.Location to write to")
    options = {**table.format_options, **(additional_options or {})}
    options.pop("skipFirst", None)
    keys = options.pop("partitionKeys", None) or [k.name for k in table.partition_keys]
    _formats.write(frame, table.location, table.format, options, keys, options.get("compression"))
    return DynamicFrame(frame.errorsAsDynamicFrame()._df.limit(0), glue_ctx, frame.name + "_errors")
