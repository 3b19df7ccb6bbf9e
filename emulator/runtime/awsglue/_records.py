"""Records as Python sees them (map, filter, JSON sources) and the way back into a DataFrame.

A record is a dict holding only the fields it has: a field that is null (absent from a JSON document,
an explicit JSON null, or a null column value) has no key, as a Glue DynamicRecord has no node for it
(see README.md); structs are dicts, arrays lists, a choice field holds whichever member value it has.
Schemas of new records are inferred per value and merged with gluetypes.mergeDataTypes, so fields
whose values disagree in type become choices, as Glue's self-describing records do.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from awsglue import gluetypes as G
from pyspark.sql import Row

_INT32 = (-(2 ** 31), 2 ** 31 - 1)
_INTEGRAL = (G.ByteType, G.ShortType, G.IntegerType, G.LongType)
_FRACTIONAL = (G.FloatType, G.DoubleType)


def to_record(value: Any, glue_type: G.DataType) -> Any:
    """A Spark value (Row, list, dict, atom) of a Glue type as a plain Python value; structs (dicts)
    leave out their null fields."""
    if value is None:
        return None
    if isinstance(glue_type, G.ChoiceType):
        for name, member in glue_type.members():
            inner = value[name]
            if inner is not None:
                return to_record(inner, member)
        return None
    if isinstance(glue_type, G.StructType):
        return record_of(value, glue_type)
    if isinstance(glue_type, G.ArrayType):
        return [to_record(v, glue_type.elementType) for v in value]
    if isinstance(glue_type, G.MapType):
        return {k: to_record(v, glue_type.valueType) for k, v in value.items()}
    if isinstance(value, bytearray):
        return bytes(value)
    return value


def record_of(row: Any, schema: G.StructType) -> dict:
    """A row of a frame as the record map/filter/show see: only the fields whose value is not null."""
    record = {}
    for i, field in enumerate(schema):
        value = to_record(row[i], field.dataType)
        if value is not None:
            record[field.name] = value
    return record


def infer(value: Any, hint: G.DataType | None = None) -> G.DataType:
    """The Glue type of a Python value; `hint` (the field's type before) wins where the value fits it,
    so an identity `map` keeps longs, decimals and floats as they were."""
    if value is None:
        return G.NullType()
    if hint is not None:
        if isinstance(hint, G.ChoiceType):
            for _, member in hint.members():
                if _fits(value, member):
                    return infer(value, member)
        elif _fits(value, hint):
            if isinstance(hint, G.StructType):
                return G.StructType([G.Field(k, infer(v, hint.getField(k).dataType if hint.hasField(k) else None))
                                     for k, v in value.items()])
            if isinstance(hint, G.ArrayType):
                return _merge_all(infer(v, hint.elementType) for v in value) if value else hint
            if isinstance(hint, G.MapType):
                return G.MapType(_merge_all(infer(v, hint.valueType) for v in value.values())) if value else hint
            return hint
    if isinstance(value, bool):
        return G.BooleanType()
    if isinstance(value, int):
        return G.IntegerType() if _INT32[0] <= value <= _INT32[1] else G.LongType()
    if isinstance(value, float):
        return G.DoubleType()
    if isinstance(value, str):
        return G.StringType()
    if isinstance(value, decimal.Decimal):
        exponent = value.as_tuple().exponent
        scale = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return G.DecimalType(38, min(scale, 18))
    if isinstance(value, datetime.datetime):
        return G.TimestampType()
    if isinstance(value, datetime.date):
        return G.DateType()
    if isinstance(value, (bytes, bytearray)):
        return G.BinaryType()
    if isinstance(value, dict):
        return G.StructType([G.Field(str(k), infer(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple, set)):
        element = _merge_all(infer(v) for v in value)
        return G.ArrayType(element)
    raise TypeError(f"Unsupported value type in a record: {type(value).__name__}")


def _fits(value: Any, glue_type: G.DataType) -> bool:
    if isinstance(value, bool):
        return isinstance(glue_type, G.BooleanType)
    if isinstance(value, int):
        return isinstance(glue_type, (*_INTEGRAL, G.DecimalType))
    if isinstance(value, float):
        return isinstance(glue_type, _FRACTIONAL)
    if isinstance(value, str):
        return isinstance(glue_type, (G.StringType, G.EnumType))
    if isinstance(value, decimal.Decimal):
        return isinstance(glue_type, G.DecimalType)
    if isinstance(value, datetime.datetime):
        return isinstance(glue_type, (G.TimestampType, G.TimestampNTZType))
    if isinstance(value, datetime.date):
        return isinstance(glue_type, G.DateType)
    if isinstance(value, (bytes, bytearray)):
        return isinstance(glue_type, G.BinaryType)
    if isinstance(value, dict):
        return isinstance(glue_type, (G.StructType, G.MapType))
    if isinstance(value, (list, tuple, set)):
        return isinstance(glue_type, G.ArrayType)
    return False


def _merge_all(types: Iterable[G.DataType]) -> G.DataType:
    result: G.DataType = G.NullType()
    for t in types:
        result = G.mergeDataTypes(result, t)
    return result


def infer_record(record: dict, hint: G.StructType | None = None) -> G.StructType:
    return G.StructType([G.Field(str(k), infer(v, hint.getField(k).dataType if hint and hint.hasField(k) else None))
                         for k, v in record.items()])


def merge_schemas(a: G.DataType, b: G.DataType) -> G.DataType:
    """fold() combiner: the zero value is an empty struct."""
    return G.mergeDataTypes(a, b)


def to_spark_value(value: Any, glue_type: G.DataType) -> Any:
    """A Python value laid out for a Spark column of a Glue type (choices become member structs)."""
    if value is None:
        return None
    if isinstance(glue_type, G.ChoiceType):
        members = glue_type.members()
        kind = _member_for(value, glue_type)
        return tuple(to_spark_value(value, member) if name == kind else None for name, member in members)
    if isinstance(glue_type, G.StructType):
        if not isinstance(value, dict):
            return None
        return Row(*[to_spark_value(value.get(f.name), f.dataType) for f in glue_type])
    if isinstance(glue_type, G.ArrayType):
        return [to_spark_value(v, glue_type.elementType) for v in value] if isinstance(value, (list, tuple, set)) \
            else None
    if isinstance(glue_type, G.MapType):
        return {str(k): to_spark_value(v, glue_type.valueType) for k, v in value.items()} \
            if isinstance(value, dict) else None
    if isinstance(glue_type, (G.NullType, G.UnknownType)):
        return None
    if not _fits(value, glue_type):
        return None
    if isinstance(glue_type, _FRACTIONAL):
        return float(value)
    if isinstance(glue_type, G.DecimalType) and not isinstance(value, decimal.Decimal):
        return decimal.Decimal(value)
    return value


def _member_for(value: Any, choice: G.ChoiceType) -> str | None:
    for name, member in choice.members():
        if _fits(value, member):
            return name
    return None


def spark_row(record: dict, schema: G.StructType) -> tuple:
    return tuple(to_spark_value(record.get(f.name), f.dataType) for f in schema)
