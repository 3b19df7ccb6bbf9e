"""Parquet: the schema and row count from the file footer (pyarrow reads the footer, never the data)."""

from __future__ import annotations

from typing import Any

from .sample import PathArg
from .schema import NULL, Array, DataType, FileSchema, MapOf, Struct

MAGIC = b"PAR1"
INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"

_INTEGERS = {"int8": "tinyint", "int16": "smallint", "int32": "int", "int64": "bigint",
             # Unsigned integers take the next wider signed type; uint64 needs decimal(20,0), as Spark reads it.
             "uint8": "smallint", "uint16": "int", "uint32": "bigint", "uint64": "decimal(20,0)"}


def hive_type(arrow_type: Any) -> DataType:
    """The Hive type of an Arrow type (as pyarrow reads Parquet and ORC schemas)."""
    import pyarrow as pa

    t = pa.types
    if t.is_dictionary(arrow_type):
        return hive_type(arrow_type.value_type)
    if t.is_boolean(arrow_type):
        return "boolean"
    if t.is_integer(arrow_type):
        return _INTEGERS[str(arrow_type)]
    if t.is_float16(arrow_type) or t.is_float32(arrow_type):
        return "float"
    if t.is_float64(arrow_type):
        return "double"
    if t.is_decimal(arrow_type):
        return f"decimal({arrow_type.precision},{arrow_type.scale})"
    if t.is_string(arrow_type) or t.is_large_string(arrow_type) or t.is_string_view(arrow_type):
        return "string"
    if t.is_binary(arrow_type) or t.is_large_binary(arrow_type) or t.is_fixed_size_binary(arrow_type) \
            or t.is_binary_view(arrow_type):
        return "binary"
    if t.is_date(arrow_type):
        return "date"
    if t.is_timestamp(arrow_type):
        return "timestamp"
    if t.is_map(arrow_type):
        return MapOf(hive_type(arrow_type.key_type), hive_type(arrow_type.item_type))
    if t.is_list(arrow_type) or t.is_large_list(arrow_type) or t.is_fixed_size_list(arrow_type) \
            or t.is_list_view(arrow_type) or t.is_large_list_view(arrow_type):
        return Array(hive_type(arrow_type.value_type))
    if t.is_struct(arrow_type):
        return Struct(tuple((f.name, hive_type(f.type)) for f in arrow_type))
    if t.is_null(arrow_type):
        return NULL
    # Times of day, durations and intervals have no Hive type: decided string, which every reader accepts.
    return "string"


def infer(path: PathArg, size: int) -> FileSchema:
    """The file's schema; raises (pyarrow's ArrowInvalid, OSError) when the footer is not Parquet's."""
    import pyarrow.parquet as pq

    metadata = pq.read_metadata(path)
    schema = metadata.schema.to_arrow_schema()
    rows = metadata.num_rows
    # averageRecordSize from the uncompressed row-group sizes: what a record takes once read.
    uncompressed = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    return FileSchema(
        classification="parquet",
        columns=[(f.name, hive_type(f.type)) for f in schema],
        serde_library=SERDE,
        input_format=INPUT_FORMAT,
        output_format=OUTPUT_FORMAT,
        serde_parameters={"serialization.format": "1"},
        records=rows,
        sample_records=rows,
        sample_bytes=uncompressed or size,
    )
