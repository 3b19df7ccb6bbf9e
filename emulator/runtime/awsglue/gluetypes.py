"""Glue's own type system (`awsglue.gluetypes`): the types of DynamicFrame schemas.

Unlike Spark's types these know the *choice* type: a field whose values have different types in
different records. Pure Python (no PySpark) so that schemas can be built and compared anywhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any


class DataType:
    """Base of all Glue types; `properties` is free metadata that survives JSON round trips."""

    def __init__(self, properties: dict | None = None):
        self.properties = {} if properties is None else properties

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.__class__) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(str(self.__class__))

    @classmethod
    def typeName(cls) -> str:
        return cls.__name__[:-4].lower()

    def jsonValue(self) -> dict:
        return {"dataType": self.typeName(), "properties": self.properties}

    def simpleString(self) -> str:
        """The name printSchema and make_cols use (`long`, `decimal(10,2)`, ...)."""
        return self.typeName()

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.properties})"


class AtomicType(DataType):
    @classmethod
    def fromJsonValue(cls, json_value: dict) -> AtomicType:
        return cls(**{k: v for k, v in json_value.items() if k != "dataType"})


class BinaryType(AtomicType):
    pass


class BooleanType(AtomicType):
    pass


class ByteType(AtomicType):
    pass


class DateType(AtomicType):
    pass


class DecimalType(AtomicType):
    def __init__(self, precision: int = 10, scale: int = 2, properties: dict | None = None):
        super().__init__(properties)
        self.precision = precision
        self.scale = scale

    def __repr__(self) -> str:
        return f"DecimalType({self.precision}, {self.scale}, {self.properties})"

    def jsonValue(self) -> dict:
        return {**super().jsonValue(), "precision": self.precision, "scale": self.scale}

    def simpleString(self) -> str:
        return f"decimal({self.precision},{self.scale})"


class DoubleType(AtomicType):
    pass


class EnumType(AtomicType):
    def __init__(self, options: list, properties: dict | None = None):
        super().__init__(properties)
        self.options = options

    def __repr__(self) -> str:
        shown = ",".join(self.options[:3]) + (",..." if len(self.options) > 3 else "")
        return f"EnumType([{shown}], {self.properties})"

    def jsonValue(self) -> dict:
        return {**super().jsonValue(), "options": list(self.options)}


class FloatType(AtomicType):
    pass


class IntegerType(AtomicType):
    @classmethod
    def typeName(cls) -> str:
        return "int"


class LongType(AtomicType):
    pass


class NullType(AtomicType):
    pass


class ShortType(AtomicType):
    pass


class StringType(AtomicType):
    pass


class TimestampType(AtomicType):
    pass


class TimestampNTZType(AtomicType):
    pass


class UnknownType(AtomicType):
    pass


class ArrayType(DataType):
    def __init__(self, elementType: DataType | None = None, properties: dict | None = None):
        elementType = UnknownType() if elementType is None else elementType
        assert isinstance(elementType, DataType), "elementType should be DataType. Got" + str(elementType.__class__)
        super().__init__(properties)
        self.elementType = elementType

    def __repr__(self) -> str:
        return f"ArrayType({self.elementType}, {self.properties})"

    def jsonValue(self) -> dict:
        return {**super().jsonValue(), "elementType": self.elementType.jsonValue()}

    @classmethod
    def fromJsonValue(cls, json_value: dict) -> ArrayType:
        return cls(_deserialize_json_value(json_value["elementType"]), json_value.get("properties", {}))


class SetType(ArrayType):
    def __repr__(self) -> str:
        return f"SetType({self.elementType}, {self.properties})"


class ChoiceType(DataType):
    """Several possible types of one field, keyed by type name (at most one member per name)."""

    def __init__(self, choices: Any = (), properties: dict | None = None):
        super().__init__(properties)
        self.choices: dict[str, DataType] = {}
        for choice in choices:
            self.add(choice)

    def __repr__(self) -> str:
        members = ",".join(str(self.choices[k]) for k in sorted(self.choices))
        return f"ChoiceType([{members}], {self.properties})"

    def add(self, new_choice: DataType) -> None:
        if new_choice.typeName() in self.choices:
            raise ValueError("Attempting to insert duplicate choice", new_choice)
        self.choices[new_choice.typeName()] = new_choice

    def merge(self, new_choices: Any) -> None:
        for choice in new_choices if isinstance(new_choices, list) else [new_choices]:
            existing = self.choices.get(choice.typeName(), UnknownType())
            self.choices[choice.typeName()] = mergeDataTypes(existing, choice)

    def members(self) -> list[tuple[str, DataType]]:
        """The members in the stable order used everywhere (printSchema, make_cols, Spark layout)."""
        return sorted(self.choices.items())

    def jsonValue(self) -> dict:
        return {**super().jsonValue(), "choices": [v.jsonValue() for _, v in self.members()]}

    @classmethod
    def fromJsonValue(cls, json_value: dict) -> ChoiceType:
        return cls([_deserialize_json_value(c) for c in json_value["choices"]], json_value.get("properties", {}))


class MapType(DataType):
    """Glue maps always have string keys; only the value type is recorded."""

    def __init__(self, valueType: DataType | None = None, properties: dict | None = None):
        valueType = UnknownType() if valueType is None else valueType
        assert isinstance(valueType, DataType), "valueType should be DataType"
        super().__init__(properties)
        self.valueType = valueType

    def __repr__(self) -> str:
        return f"MapType({self.valueType}, {self.properties})"

    def jsonValue(self) -> dict:
        return {**super().jsonValue(), "valueType": self.valueType.jsonValue()}

    @classmethod
    def fromJsonValue(cls, json_value: dict) -> MapType:
        return cls(_deserialize_json_value(json_value["valueType"]), json_value.get("properties", {}))


class Field:
    def __init__(self, name: str, dataType: DataType, properties: dict | None = None):
        assert isinstance(dataType, DataType), "dataType should be DataType. Got " + str(dataType.__class__)
        self.name = name
        self.dataType = dataType
        self.properties = {} if properties is None else properties

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Field) and self.name == other.name and self.dataType == other.dataType

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"Field({self.name}, {self.dataType}, {self.properties})"

    def jsonValue(self) -> dict:
        return {"name": self.name, "container": self.dataType.jsonValue(), "properties": self.properties}

    @classmethod
    def fromJsonValue(cls, json_value: dict) -> Field:
        return cls(json_value["name"], _deserialize_json_value(json_value["container"]),
                   json_value.get("properties", {}))


class StructType(DataType):
    def __init__(self, fields: list[Field] | None = None, properties: dict | None = None):
        super().__init__(properties)
        fields = [] if fields is None else list(fields)
        assert all(isinstance(f, Field) for f in fields), "fields should be a list of Field"
        self.fields = fields
        self.field_map = {field.name: field for field in fields}

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def __repr__(self) -> str:
        return "StructType([{}], {})".format(",".join(str(f) for f in self.fields), self.properties)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StructType) and self.fields == other.fields and self.properties == other.properties

    __hash__ = DataType.__hash__

    def add(self, field: Field) -> None:
        assert isinstance(field, Field), "field must be of type Field"
        self.fields.append(field)
        self.field_map[field.name] = field

    def hasField(self, field: Field | str) -> bool:
        return (field.name if isinstance(field, Field) else field) in self.field_map

    def getField(self, field: Field | str) -> Field:
        return self.field_map[field.name if isinstance(field, Field) else field]

    def jsonValue(self) -> dict:
        return {**super().jsonValue(), "fields": [f.jsonValue() for f in self.fields]}

    @classmethod
    def fromJsonValue(cls, json_value: dict) -> StructType:
        return cls([Field.fromJsonValue(f) for f in json_value["fields"]], json_value.get("properties", {}))

    def treeString(self) -> str:
        """The tree printSchema prints: `root`, then `|-- name: type`, children indented by `|    `."""
        lines = ["root"]
        _tree_lines(self, "", lines)
        return "\n".join(lines) + "\n"


class EntityType(DataType):
    def __init__(self, entity: Any, base_type: Any, properties: dict | None = None):
        raise NotImplementedError("EntityTypes not yet supported in Tape.")


def _tree_lines(data_type: DataType, indent: str, lines: list[str]) -> None:
    if isinstance(data_type, StructType):
        for field in data_type:
            lines.append(f"{indent}|-- {field.name}: {field.dataType.simpleString()}")
            _tree_lines(field.dataType, indent + "|    ", lines)
    elif isinstance(data_type, ChoiceType):
        for _, member in data_type.members():
            lines.append(f"{indent}|-- {member.simpleString()}")
            _tree_lines(member, indent + "|    ", lines)
    elif isinstance(data_type, ArrayType):
        lines.append(f"{indent}|-- element: {data_type.elementType.simpleString()}")
        _tree_lines(data_type.elementType, indent + "|    ", lines)
    elif isinstance(data_type, MapType):
        lines.append(f"{indent}|-- keyType: string")
        lines.append(f"{indent}|-- valueType: {data_type.valueType.simpleString()}")
        _tree_lines(data_type.valueType, indent + "|    ", lines)


_atomic_types = [BinaryType, BooleanType, ByteType, DateType, DecimalType, DoubleType, EnumType, FloatType,
                 IntegerType, LongType, NullType, ShortType, StringType, TimestampType, TimestampNTZType,
                 UnknownType]
_complex_types = [ArrayType, ChoiceType, MapType, StructType, SetType]
_all_type_map = {t.typeName(): t for t in _atomic_types + _complex_types}


def _deserialize_json_string(json_str: str) -> DataType:
    return _deserialize_json_value(json.loads(json_str))


def _deserialize_json_value(json_val: dict) -> DataType:
    assert isinstance(json_val, dict), "Json value must be dictionary"
    return _all_type_map[json_val["dataType"]].fromJsonValue(json_val)


def _serialize_schema(schema: DataType) -> str:
    return json.dumps(schema.jsonValue())


def _members(data_type: DataType) -> dict[str, DataType]:
    return dict(data_type.choices) if isinstance(data_type, ChoiceType) else {data_type.typeName(): data_type}


def _make_choice(s1: DataType, s2: DataType) -> DataType:
    merged = _members(s1)
    for name, member in _members(s2).items():
        merged[name] = mergeDataTypes(merged[name], member) if name in merged else member
    if len(merged) == 1:
        return next(iter(merged.values()))
    return ChoiceType(merged.values(), s1.properties)


def mergeDataTypes(s1: DataType, s2: DataType) -> DataType:
    """The union of two schemas, as Glue computes a frame's schema over its records.

    Null/unknown give way to the other type; different types become a choice; structs merge field by
    field (fields of s1 first, then new ones of s2); arrays and maps merge their element types.
    Emulator decision: int and long merge to long (a JSON source's small and big integers are one
    column of whole numbers, not a choice).
    """
    if isinstance(s1, (UnknownType, NullType)):
        return s2
    if isinstance(s2, (UnknownType, NullType)):
        return s1
    if {type(s1), type(s2)} == {IntegerType, LongType}:
        return LongType(s1.properties)
    if isinstance(s1, ChoiceType) or isinstance(s2, ChoiceType) or type(s1) is not type(s2):
        return _make_choice(s1, s2)
    if isinstance(s1, StructType):
        fields = [Field(f.name, mergeDataTypes(f.dataType, s2.getField(f).dataType) if s2.hasField(f) else f.dataType,
                        f.properties) for f in s1]
        fields += [Field(f.name, f.dataType, f.properties) for f in s2 if not s1.hasField(f)]
        return StructType(fields, s1.properties)
    if isinstance(s1, ArrayType):
        return type(s1)(mergeDataTypes(s1.elementType, s2.elementType))
    if isinstance(s1, MapType):
        return MapType(mergeDataTypes(s1.valueType, s2.valueType))
    if isinstance(s1, EnumType):
        return EnumType(s1.options + [o for o in s2.options if o not in s1.options])
    return s1


class DynamicRecord(dict):
    """A record as map/filter functions see it: a dict whose keys also read as attributes."""

    def __getattr__(self, attr: str) -> Any:
        try:
            return self[attr]
        except KeyError:
            raise AttributeError(attr) from None

    def __setattr__(self, attr: str, value: Any) -> None:
        self[attr] = value


def _create_dynamic_record(record: dict) -> DynamicRecord:
    return DynamicRecord({k: DynamicRecord(v) if type(v) is dict else v for k, v in record.items()})


def _revert_to_dict(record: Any) -> Any:
    if isinstance(record, dict):
        return {k: _revert_to_dict(v) for k, v in record.items()}
    if isinstance(record, (list, tuple)):
        return [_revert_to_dict(v) for v in record]
    return record


# -- type names as scripts and the Data Catalog write them ---------------------------------------------

_NAMED_TYPES: dict[str, type[DataType]] = {
    "string": StringType, "varchar": StringType, "char": StringType,
    "int": IntegerType, "integer": IntegerType,
    "long": LongType, "bigint": LongType,
    "short": ShortType, "smallint": ShortType,
    "byte": ByteType, "tinyint": ByteType,
    "double": DoubleType, "float": FloatType, "real": FloatType,
    "boolean": BooleanType, "bool": BooleanType,
    "date": DateType, "timestamp": TimestampType, "timestamp_ntz": TimestampNTZType,
    "binary": BinaryType, "null": NullType, "void": NullType,
    "decimal": DecimalType, "numeric": DecimalType,
}


def parse_type_name(text: str) -> DataType:
    """A type from its name: ApplyMapping/ResolveChoice names (`bigint`, `decimal(10,2)`) and Hive/catalog
    type strings (`array<struct<a:int,b:string>>`, `map<string,int>`, `varchar(20)`)."""
    parser = _TypeParser(text)
    result = parser.parse()
    parser.expect_end()
    return result


class _TypeParser:
    _TOKEN = re.compile(r"\s*(<|>|,|:|\(|\)|`(?:[^`]|``)*`|[^<>,:()\s`]+)")

    def __init__(self, text: str):
        self.text = text
        self.tokens = []
        pos = 0
        while pos < len(text):
            match = self._TOKEN.match(text, pos)
            if not match:
                if text[pos:].strip():
                    raise ValueError(f"Invalid type: {text}")
                break
            self.tokens.append(match.group(1))
            pos = match.end()
        self.pos = 0

    def _next(self) -> str:
        if self.pos >= len(self.tokens):
            raise ValueError(f"Invalid type: {self.text}")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self, token: str) -> None:
        if self._next() != token:
            raise ValueError(f"Invalid type: {self.text}")

    def expect_end(self) -> None:
        if self.pos != len(self.tokens):
            raise ValueError(f"Invalid type: {self.text}")

    def parse(self) -> DataType:
        name = self._next().lower()
        if name == "array" or name == "set":
            if self._peek() != "<":
                return ArrayType()  # a bare `array` as ApplyMapping target: keep the element type
            self._take("<")
            element = self.parse()
            self._take(">")
            return ArrayType(element) if name == "array" else SetType(element)
        if name == "map":
            if self._peek() != "<":
                return MapType()
            self._take("<")
            self.parse()  # Glue maps are keyed by strings
            self._take(",")
            value = self.parse()
            self._take(">")
            return MapType(value)
        if name == "struct":
            if self._peek() != "<":
                return StructType()
            self._take("<")
            fields = []
            while self._peek() != ">":
                field_name = self._next()
                if field_name.startswith("`"):
                    field_name = field_name[1:-1].replace("``", "`")
                self._take(":")
                fields.append(Field(field_name, self.parse()))
                if self._peek() == ",":
                    self._next()
            self._take(">")
            return StructType(fields)
        args: list[int] = []
        if self._peek() == "(":
            self._next()
            while self._peek() != ")":
                token = self._next()
                if token != ",":
                    args.append(int(token))
            self._take(")")
        if name not in _NAMED_TYPES:
            raise ValueError(f"Invalid type: {self.text}")
        if name in ("decimal", "numeric"):
            if len(args) == 1:
                args.append(0)  # Hive: decimal(p) has scale 0
            return DecimalType(*args) if args else DecimalType()
        return _NAMED_TYPES[name]()
