"""Iceberg tables of the Data Catalog: CreateTable with OpenTableFormatInput.IcebergInput, and the
tables crawlers register for IcebergTargets.

AWS (CreateTable, IcebergInput / CreateIcebergTableInput in the API reference): the catalog writes a
new Iceberg metadata file at the table's location and registers the table as Glue's Iceberg
clients expect it: TableType EXTERNAL_TABLE, Parameters table_type=ICEBERG and metadata_location
(the s3:// path of that file), StorageDescriptor Location and Columns mirroring the Iceberg schema
(with iceberg.field.* column parameters). Clients (pyiceberg's and Iceberg's Glue catalogs) then
commit with UpdateTable, changing metadata_location.

Here pyiceberg builds the metadata (format version 2 unless IcebergInput.Version says otherwise)
and serialises it; the file goes under the data dir's S3 at
<location>/metadata/00000-<uuid>.metadata.json, the name pyiceberg and Iceberg use for a first
version. The schema comes from CreateIcebergTableInput.Schema, else from the TableInput's
StorageDescriptor Columns (Hive types); the location from CreateIcebergTableInput.Location, else the
TableInput's StorageDescriptor Location, else the database's LocationUri + "/" + table name. The
location must be an s3:// path in an existing bucket (AWS's wording for other locations is not on
record: InvalidInputException saying so).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

# pyiceberg's own Iceberg-schema-to-Glue-columns mapping (what its Glue catalog writes), pinned with pyiceberg.
from pyiceberg.catalog.glue import _to_columns
from pyiceberg.io.pyarrow import PyArrowFileIO
from pyiceberg.partitioning import UNPARTITIONED_PARTITION_SPEC, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.serializers import FromInputFile, ToOutputFile
from pyiceberg.table.metadata import TableMetadata, new_table_metadata
from pyiceberg.table.sorting import UNSORTED_SORT_ORDER, SortOrder
from pyiceberg.types import (
    BinaryType,
    BooleanType,
    DateType,
    DecimalType,
    DoubleType,
    FloatType,
    IcebergType,
    IntegerType,
    ListType,
    LongType,
    MapType,
    NestedField,
    StringType,
    StructType,
    TimestampType,
)

from ..context import RequestContext
from ..errors import InvalidInputException
from ..s3.layout import segment_problem, valid_bucket_name
from ..s3.storage import storage

TABLE_TYPE = "ICEBERG"
METADATA_FOLDER = "metadata"
_FORMAT_VERSIONS = ("1", "2")
_HIVE_PRIMITIVES: dict[str, IcebergType] = {
    "string": StringType(), "varchar": StringType(), "char": StringType(), "int": IntegerType(),
    "integer": IntegerType(), "smallint": IntegerType(), "tinyint": IntegerType(), "bigint": LongType(),
    "float": FloatType(), "double": DoubleType(), "boolean": BooleanType(), "date": DateType(),
    "timestamp": TimestampType(), "binary": BinaryType(),
}
# TableInput members an Iceberg table keeps as given (a view definition: materialized views, materialized_views.py)
_KEPT_MEMBERS = ("Description", "Owner", "ViewOriginalText", "ViewExpandedText", "ViewDefinition")
_DECIMAL = re.compile(r"decimal\((\d+),\s*(\d+)\)")


class _Ids:
    """Field ids for a schema read from Hive types (new_table_metadata assigns fresh ones anyway)."""

    def __init__(self) -> None:
        self.last = 0

    def next(self) -> int:
        self.last += 1
        return self.last


def _split_top(text: str) -> list[str]:
    """`a:int,b:map<string,int>` split at the commas outside <...>."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "<"
        depth -= ch == ">"
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def hive_to_iceberg(hive_type: str, ids: _Ids) -> IcebergType:
    """A Glue/Hive column type as an Iceberg type; InvalidInputException for one Iceberg has not."""
    text = hive_type.strip().lower()
    inner = text[text.find("<") + 1 : -1] if text.endswith(">") else ""
    if text.startswith("array<"):
        return ListType(ids.next(), hive_to_iceberg(inner, ids), element_required=False)
    if text.startswith("map<"):
        key, value = (_split_top(inner) + ["", ""])[:2]
        return MapType(ids.next(), hive_to_iceberg(key, ids), ids.next(), hive_to_iceberg(value, ids),
                       value_required=False)
    if text.startswith("struct<"):
        fields = []
        for member in _split_top(inner):
            name, _, member_type = member.partition(":")
            fields.append(NestedField(ids.next(), name.strip(), hive_to_iceberg(member_type, ids), required=False))
        return StructType(*fields)
    decimal = _DECIMAL.fullmatch(text)
    if decimal:
        return DecimalType(int(decimal.group(1)), int(decimal.group(2)))
    primitive = _HIVE_PRIMITIVES.get(text.partition("(")[0])
    if primitive is None:
        raise InvalidInputException(f"Cannot create an Iceberg table with a column of type {hive_type}.")
    return primitive


def _schema(spec: dict[str, Any] | None, create: dict[str, Any]) -> Schema:
    """CreateIcebergTableInput.Schema (Iceberg's JSON with the API's member names), else the Columns."""
    given = create.get("Schema")
    if given is not None:
        fields = [{"id": f["Id"], "name": f["Name"], "type": f["Type"], "required": f["Required"],
                   **({"doc": f["Doc"]} if "Doc" in f else {})} for f in given["Fields"]]
        try:
            return Schema.model_validate({"type": "struct", "schema-id": given.get("SchemaId", 0), "fields": fields,
                                          "identifier-field-ids": given.get("IdentifierFieldIds", [])})
        except ValueError as exc:
            raise InvalidInputException(f"Invalid Iceberg schema: {exc}") from None
    ids = _Ids()
    columns = ((spec or {}).get("StorageDescriptor") or {}).get("Columns") or []
    columns = columns + ((spec or {}).get("PartitionKeys") or [])
    return Schema(*[NestedField(ids.next(), c["Name"], hive_to_iceberg(c.get("Type") or "string", ids),
                                required=False, doc=c.get("Comment")) for c in columns])


def _partition_spec(create: dict[str, Any]) -> PartitionSpec:
    given = create.get("PartitionSpec")
    if not given:
        return UNPARTITIONED_PARTITION_SPEC
    fields = [{"source-id": f["SourceId"], "field-id": f.get("FieldId", 1000 + i), "transform": f["Transform"],
               "name": f["Name"]} for i, f in enumerate(given["Fields"])]
    try:
        return PartitionSpec.model_validate({"spec-id": given.get("SpecId", 0), "fields": fields})
    except ValueError as exc:
        raise InvalidInputException(f"Invalid Iceberg partition spec: {exc}") from None


def _sort_order(create: dict[str, Any]) -> SortOrder:
    given = create.get("WriteOrder")
    if not given:
        return UNSORTED_SORT_ORDER
    fields = [{"source-id": f["SourceId"], "transform": f["Transform"], "direction": f["Direction"],
               "null-order": f["NullOrder"]} for f in given["Fields"]]
    try:
        return SortOrder.model_validate({"order-id": given["OrderId"], "fields": fields})
    except ValueError as exc:
        raise InvalidInputException(f"Invalid Iceberg write order: {exc}") from None


def local_path(ctx: RequestContext, location: str) -> Path:
    """The file (or folder) under the data dir's S3 of an s3:// location in an existing bucket."""
    bucket, _, key = location.removeprefix("s3://").partition("/")
    if not location.startswith("s3://") or not valid_bucket_name(bucket) or storage(ctx).bucket(bucket) is None:
        raise InvalidInputException(f"Invalid Iceberg table location {location}: an s3:// path in an existing bucket "
                                    "is required.")
    segments = [s for s in key.split("/") if s]
    if any(segment_problem(s) for s in segments):
        raise InvalidInputException(f"Invalid Iceberg table location {location}.")
    return storage(ctx).layout.bucket_dir(bucket).joinpath(*segments)


def _location(database: dict[str, Any], name: str, spec: dict[str, Any] | None, create: dict[str, Any]) -> str:
    location = create.get("Location") or ((spec or {}).get("StorageDescriptor") or {}).get("Location")
    if not location and database.get("LocationUri"):
        location = f"{database['LocationUri'].rstrip('/')}/{name}"
    if not location:
        raise InvalidInputException("An Iceberg table needs a location: give CreateIcebergTableInput.Location, "
                                    "StorageDescriptor.Location, or a database with a LocationUri.")
    return location.rstrip("/")


def table_input(name: str, location: str, metadata_location: str, metadata: TableMetadata,
                spec: dict[str, Any] | None = None) -> dict[str, Any]:
    """The TableInput of an Iceberg table whose current metadata file is `metadata_location`."""
    given = spec or {}
    result: dict[str, Any] = {member: given[member] for member in _KEPT_MEMBERS if member in given}
    descriptor = {"Location": location, "Columns": [dict(column) for column in _to_columns(metadata)]}
    parameters = {**given.get("Parameters", {}), "table_type": TABLE_TYPE, "metadata_location": metadata_location}
    result.update(Name=name, TableType="EXTERNAL_TABLE", Parameters=parameters, StorageDescriptor=descriptor)
    return result


def create_table_input(ctx: RequestContext, database: dict[str, Any], name: str, spec: dict[str, Any] | None,
                       iceberg: dict[str, Any]) -> dict[str, Any]:
    """CreateTable with IcebergInput: write the first metadata file; the TableInput to store.

    Raises InvalidInputException for a bad location, schema, partition spec, write order or version.
    """
    version = iceberg.get("Version") or "2"
    if version not in _FORMAT_VERSIONS:
        raise InvalidInputException(f"Unsupported Iceberg format version {version}: use one of "
                                    f"{', '.join(_FORMAT_VERSIONS)}.")
    create = iceberg.get("CreateIcebergTableInput") or {}
    location = _location(database, name, spec, create)
    folder = local_path(ctx, location)
    properties = {**create.get("Properties", {}), "format-version": version}
    schema = _schema(spec, create)
    metadata = new_table_metadata(schema, _partition_spec(create), _sort_order(create), location, properties)
    file_name = f"00000-{uuid.uuid4()}.metadata.json"
    target = folder / METADATA_FOLDER / file_name
    target.parent.mkdir(parents=True, exist_ok=True)
    ToOutputFile.table_metadata(metadata, PyArrowFileIO().new_output(str(target)))
    return table_input(name, location, f"{location}/{METADATA_FOLDER}/{file_name}", metadata, spec)


def read_metadata(path: Path) -> TableMetadata:
    """An Iceberg metadata file on local disk (crawlers read the latest of a table's)."""
    return FromInputFile.table_metadata(PyArrowFileIO().new_input(str(path)))
