"""Schemas the crawler infers: Hive types as values, how they widen when files disagree, what one file yields.

Types are plain values so that schemas of thousands of files compare and merge cheaply: a primitive is its
Hive name (`"bigint"`, `"decimal(10,2)"`), nested types are the small frozen classes below. NULL stands for
"only nulls seen so far" (a JSON null, an empty CSV field) and widens to anything; it renders as `string`,
the type Glue gives a column it could not type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Struct:
    fields: tuple[tuple[str, DataType], ...]


@dataclass(frozen=True)
class Array:
    element: DataType


@dataclass(frozen=True)
class MapOf:
    key: DataType
    value: DataType


@dataclass(frozen=True)
class UnionOf:
    """Avro unions of several non-null branches (Hive's uniontype)."""

    members: tuple[DataType, ...]


DataType = str | Struct | Array | MapOf | UnionOf
Columns = list[tuple[str, DataType]]

NULL = "null"
STRING = "string"

# Numeric types from narrowest to widest: two numbers widen to the wider one (Hive's implicit widening).
_NUMERIC = ("tinyint", "smallint", "int", "bigint", "float", "double")
_DECIMAL = re.compile(r"^decimal\((\d+),(\d+)\)$")
_MAX_DECIMAL_PRECISION = 38


def render(dtype: DataType) -> str:
    """The Hive type string the catalog stores (`struct<a:bigint,b:array<string>>`)."""
    if isinstance(dtype, str):
        return STRING if dtype == NULL else dtype
    if isinstance(dtype, Struct):
        return "struct<" + ",".join(f"{name}:{render(t)}" for name, t in dtype.fields) + ">"
    if isinstance(dtype, Array):
        return f"array<{render(dtype.element)}>"
    if isinstance(dtype, MapOf):
        return f"map<{render(dtype.key)},{render(dtype.value)}>"
    return "uniontype<" + ",".join(render(t) for t in dtype.members) + ">"


def _widen_decimals(a: str, b: str) -> str:
    ma, mb = _DECIMAL.match(a), _DECIMAL.match(b)
    assert ma and mb
    pa, sa, pb, sb = int(ma[1]), int(ma[2]), int(mb[1]), int(mb[2])
    scale = max(sa, sb)
    precision = min(max(pa - sa, pb - sb) + scale, _MAX_DECIMAL_PRECISION)
    return f"decimal({precision},{scale})"


def _widen_primitives(a: str, b: str) -> str:
    if a in _NUMERIC and b in _NUMERIC:
        return max(a, b, key=_NUMERIC.index)
    a_dec, b_dec = bool(_DECIMAL.match(a)), bool(_DECIMAL.match(b))
    if a_dec and b_dec:
        return _widen_decimals(a, b)
    if (a_dec and b in _NUMERIC) or (b_dec and a in _NUMERIC):
        # Decided: a decimal meeting an integer or a float becomes double, which holds both approximately.
        return "double"
    if {a, b} == {"date", "timestamp"}:
        return "timestamp"
    return STRING


def widen(a: DataType, b: DataType) -> DataType:
    """The narrowest type holding values of both; conflicting kinds (a struct and a number) become string."""
    if a == b:
        return a
    if a == NULL:
        return b
    if b == NULL:
        return a
    if isinstance(a, str) and isinstance(b, str):
        return _widen_primitives(a, b)
    if isinstance(a, Struct) and isinstance(b, Struct):
        return Struct(tuple(merge_columns(list(a.fields), list(b.fields))))
    if isinstance(a, Array) and isinstance(b, Array):
        return Array(widen(a.element, b.element))
    if isinstance(a, MapOf) and isinstance(b, MapOf):
        return MapOf(widen(a.key, b.key), widen(a.value, b.value))
    return STRING


def merge_columns(a: Columns, b: Columns) -> Columns:
    """Union of two column lists: a's order first, then b's new columns; shared names widen their types."""
    if a == b:
        return a
    merged = dict(a)
    for name, dtype in b:
        merged[name] = widen(merged[name], dtype) if name in merged else dtype
    return list(merged.items())


@dataclass
class FileSchema:
    """What classifying one file found: its format, columns and what the table needs to read it back.

    `columns` keep the names as the file spells them (the planner lower-cases them for the catalog, while
    the JSON SerDe's `paths` keep the original case). `records` is the file's record count, exact when the
    whole file or a footer was read, else estimated from the sample; `sample_records`/`sample_bytes` measure
    the uncompressed records actually read, for averageRecordSize.
    """

    classification: str
    columns: Columns
    serde_library: str
    input_format: str = "org.apache.hadoop.mapred.TextInputFormat"
    output_format: str = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
    serde_parameters: dict[str, str] = field(default_factory=dict)
    table_parameters: dict[str, str] = field(default_factory=dict)
    compression: str = "none"
    records: int = 0
    sample_records: int = 0
    sample_bytes: int = 0

    def compat_key(self) -> tuple:
        """Files share a table only when they read back the same way: same format, compression and SerDe.

        Parameters that describe the data rather than how to read it (Avro's schema literal, JSON's
        paths) are left out: the table's value is recomputed from all its files.
        """
        serde = tuple(sorted((k, v) for k, v in self.serde_parameters.items() if k not in _DATA_DESCRIBING))
        table = tuple(sorted((k, v) for k, v in self.table_parameters.items() if k not in _DATA_DESCRIBING))
        return (self.classification, self.compression, self.serde_library, self.input_format, serde, table)


_DATA_DESCRIBING = frozenset({"paths", "avro.schema.literal"})
