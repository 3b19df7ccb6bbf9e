"""Avro: the schema from the object container's header, the record count from the block headers.

A small reader of the container format (spec: magic `Obj\\x01`, a metadata map holding `avro.schema`, a
16-byte sync marker, then blocks each led by its record count and byte size) rather than a dependency:
inference needs the header and the block counts, never the records.
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO

from .sample import MB, PathArg
from .schema import NULL, Array, DataType, FileSchema, MapOf, Struct, UnionOf

MAGIC = b"Obj\x01"
INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat"
OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat"
SERDE = "org.apache.hadoop.hive.serde2.avro.AvroSerDe"
MAX_HEADER = 16 * MB
MAX_BLOCKS = 100_000  # counting stops here; the rest of the file is estimated from the blocks counted
_SYNC = 16
_PRIMITIVES = {"boolean": "boolean", "int": "int", "long": "bigint", "float": "float", "double": "double",
               "bytes": "binary", "string": "string", "null": NULL}


class AvroError(ValueError):
    """The file is not a readable Avro object container."""


def _long(stream: BinaryIO) -> int:
    """A zig-zag varint long."""
    shift = result = 0
    while True:
        byte = stream.read(1)
        if not byte:
            raise AvroError("truncated Avro header")
        result |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            return (result >> 1) ^ -(result & 1)
        shift += 7
        if shift > 63:
            raise AvroError("malformed varint in Avro header")


def _bytes(stream: BinaryIO) -> bytes:
    length = _long(stream)
    if length < 0 or length > MAX_HEADER:
        raise AvroError("malformed length in Avro header")
    data = stream.read(length)
    if len(data) != length:
        raise AvroError("truncated Avro header")
    return data


def read_metadata(stream: BinaryIO) -> dict[str, bytes]:
    """The container's metadata map; the stream is left at the first data block."""
    if stream.read(4) != MAGIC:
        raise AvroError("not an Avro object container")
    metadata: dict[str, bytes] = {}
    while True:
        count = _long(stream)
        if count == 0:
            break
        if count < 0:
            count = -count
            _long(stream)  # the block's size in bytes, not needed when reading entry by entry
        for _ in range(count):
            key = _bytes(stream).decode("utf-8", "replace")
            metadata[key] = _bytes(stream)
        if stream.tell() > MAX_HEADER:
            raise AvroError("Avro header larger than 16 MB")
    if len(stream.read(_SYNC)) != _SYNC:
        raise AvroError("truncated Avro header")
    return metadata


def _count_records(stream: BinaryIO, size: int) -> int:
    """Records in the file from the block headers, seeking over the data."""
    records = blocks = 0
    start = stream.tell()
    while blocks < MAX_BLOCKS:
        if stream.tell() >= size:
            return records
        try:
            count, length = _long(stream), _long(stream)
        except AvroError:
            return records  # a truncated last block: count what is whole
        if count < 0 or length < 0:
            raise AvroError("malformed Avro block header")
        stream.seek(length + _SYNC, 1)
        if stream.tell() > size:
            return records
        records += count
        blocks += 1
    read = stream.tell() - start
    return round(records * (size - start) / read) if read else records


class _Types:
    """Avro schema -> Hive types, resolving named types as the schema defines them."""

    def __init__(self) -> None:
        self.named: dict[str, DataType] = {}
        self.defining: set[str] = set()

    def convert(self, schema: Any, namespace: str = "") -> DataType:
        if isinstance(schema, str):
            if schema in _PRIMITIVES:
                return _PRIMITIVES[schema]
            full = schema if "." in schema or not namespace else f"{namespace}.{schema}"
            for name in (full, schema):
                if name in self.named:
                    return self.named[name]
            if full in self.defining or schema in self.defining:
                return "string"  # decided: a recursive type has no Hive equivalent
            raise AvroError(f"unknown Avro type {schema!r}")
        if isinstance(schema, list):
            members = [self.convert(s, namespace) for s in schema]
            non_null = [m for m in members if m != NULL]
            if not non_null:
                return NULL
            return non_null[0] if len(non_null) == 1 else UnionOf(tuple(non_null))
        if not isinstance(schema, dict) or "type" not in schema:
            raise AvroError("malformed Avro schema")
        kind = schema["type"]
        logical = schema.get("logicalType")
        if logical == "decimal" and kind in ("bytes", "fixed"):
            result: DataType = f"decimal({int(schema.get('precision', 38))},{int(schema.get('scale', 0))})"
            if kind == "fixed":
                self._name(schema, namespace, result)
            return result
        if logical == "date" and kind == "int":
            return "date"
        if logical in ("timestamp-millis", "timestamp-micros", "local-timestamp-millis", "local-timestamp-micros"):
            return "timestamp"
        if kind == "record" or kind == "error":
            name = self._full_name(schema, namespace)
            self.defining.add(name)
            inner = name.rpartition(".")[0]
            fields = tuple((f["name"], self.convert(f["type"], inner)) for f in schema.get("fields", []))
            self.defining.discard(name)
            return self._name(schema, namespace, Struct(fields))
        if kind == "enum":
            return self._name(schema, namespace, "string")
        if kind == "fixed":
            return self._name(schema, namespace, "binary")
        if kind == "array":
            return Array(self.convert(schema["items"], namespace))
        if kind == "map":
            return MapOf("string", self.convert(schema["values"], namespace))
        return self.convert(kind, namespace)

    @staticmethod
    def _full_name(schema: dict, namespace: str) -> str:
        name = str(schema.get("name", ""))
        space = schema.get("namespace", namespace)
        return name if "." in name or not space else f"{space}.{name}"

    def _name(self, schema: dict, namespace: str, dtype: DataType) -> DataType:
        full = self._full_name(schema, namespace)
        self.named[full] = dtype
        self.named.setdefault(str(schema.get("name", "")), dtype)
        return dtype


def infer(path: PathArg, size: int) -> FileSchema:
    """The file's schema; raises AvroError when the header is not a record schema's container."""
    with open(path, "rb") as stream:
        metadata = read_metadata(stream)
        literal = metadata.get("avro.schema")
        if literal is None:
            raise AvroError("Avro header has no avro.schema")
        try:
            schema = json.loads(literal)
        except ValueError as exc:
            raise AvroError(f"avro.schema is not JSON: {exc}") from exc
        root = _Types().convert(schema)
        if not isinstance(root, Struct):
            raise AvroError("the Avro schema is not a record")
        records = _count_records(stream, size)
    text = literal.decode("utf-8", "replace")
    return FileSchema(
        classification="avro",
        columns=list(root.fields),
        serde_library=SERDE,
        input_format=INPUT_FORMAT,
        output_format=OUTPUT_FORMAT,
        serde_parameters={"avro.schema.literal": text, "serialization.format": "1"},
        table_parameters={"avro.schema.literal": text},
        records=records,
        sample_records=records,
        sample_bytes=size,
    )
