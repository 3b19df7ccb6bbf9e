"""How a DynamicFrame lives in a Spark DataFrame, and the column surgery its transforms need.

A DynamicFrame is a DataFrame plus a Glue schema (awsglue.gluetypes). They agree field by field,
except for choice types, which Spark lacks: a choice field is stored as a struct with one field per
member type, named by the type name (`{long: 12, string: null}`), exactly one of them set per record.
That is also what `toDF()` and `make_struct` show, so the layout never needs converting back.

Paths name fields as Glue does: `a.b.c`, backticks around names holding dots (`` `a.b`.c ``), `[]` to
step into array elements (`items[].price`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from awsglue import gluetypes as G
from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql import types as T

ARRAY = object()  # the `[]` step of a path
Segment = Any  # a field name (str) or ARRAY


def parse_path(path: str) -> list[Segment]:
    """`a.b`, `` `x.y`.z ``, `items[].price` -> segments; an empty name is refused."""
    segments: list[Segment] = []
    name, i, quoted_name = "", 0, False
    while i < len(path):
        ch = path[i]
        if ch == "`":
            end = i + 1
            while True:
                end = path.find("`", end)
                if end == -1:
                    raise ValueError(f"Unbalanced backquote in path: {path}")
                if path[end + 1:end + 2] == "`":
                    end += 2
                    continue
                break
            name += path[i + 1:end].replace("``", "`")
            quoted_name = True
            i = end + 1
        elif ch == ".":
            _push(segments, name, quoted_name, path)
            name, quoted_name = "", False
            i += 1
        elif path.startswith("[]", i):
            if name or quoted_name:
                _push(segments, name, quoted_name, path)
                name, quoted_name = "", False
            segments.append(ARRAY)
            i += 2
            if path[i:i + 1] == ".":
                i += 1
        else:
            name += ch
            i += 1
    if name or quoted_name or not segments:
        _push(segments, name, quoted_name, path)
    return segments


def _push(segments: list[Segment], name: str, quoted: bool, path: str) -> None:
    if not name and not quoted:
        raise ValueError(f"Invalid path: {path!r}")
    segments.append(name)


def format_path(segments: list[Segment]) -> str:
    """The inverse of parse_path: names with dots or backquotes get quoted."""
    out = ""
    for seg in segments:
        if seg is ARRAY:
            out += "[]"
            continue
        text = f"`{seg.replace('`', '``')}`" if ("." in seg or "`" in seg or "[]" in seg) else seg
        out += ("." if out else "") + text
    return out


def top(name: str) -> Column:
    """A top-level column by its exact name (spaces, dots and backquotes allowed)."""
    return F.col("`" + name.replace("`", "``") + "`")


# -- Glue types <-> Spark types ----------------------------------------------------------------------

_ATOMIC_TO_SPARK: dict[type, Callable[[], T.DataType]] = {
    G.StringType: T.StringType, G.EnumType: T.StringType, G.IntegerType: T.IntegerType, G.LongType: T.LongType,
    G.ShortType: T.ShortType, G.ByteType: T.ByteType, G.DoubleType: T.DoubleType, G.FloatType: T.FloatType,
    G.BooleanType: T.BooleanType, G.DateType: T.DateType, G.TimestampType: T.TimestampType,
    G.TimestampNTZType: T.TimestampNTZType, G.BinaryType: T.BinaryType, G.NullType: T.NullType,
    G.UnknownType: T.NullType,
}
_SPARK_TO_GLUE: dict[type, Callable[[], G.DataType]] = {
    T.StringType: G.StringType, T.VarcharType: G.StringType, T.CharType: G.StringType,
    T.IntegerType: G.IntegerType, T.LongType: G.LongType, T.ShortType: G.ShortType, T.ByteType: G.ByteType,
    T.DoubleType: G.DoubleType, T.FloatType: G.FloatType, T.BooleanType: G.BooleanType, T.DateType: G.DateType,
    T.TimestampType: G.TimestampType, T.TimestampNTZType: G.TimestampNTZType, T.BinaryType: G.BinaryType,
    T.NullType: G.NullType,
}


def to_spark(glue_type: G.DataType) -> T.DataType:
    if isinstance(glue_type, G.ChoiceType):
        return T.StructType([T.StructField(name, to_spark(member)) for name, member in glue_type.members()])
    if isinstance(glue_type, G.StructType):
        return T.StructType([T.StructField(f.name, to_spark(f.dataType)) for f in glue_type])
    if isinstance(glue_type, G.ArrayType):
        return T.ArrayType(to_spark(glue_type.elementType))
    if isinstance(glue_type, G.MapType):
        return T.MapType(T.StringType(), to_spark(glue_type.valueType))
    if isinstance(glue_type, G.DecimalType):
        return T.DecimalType(glue_type.precision, glue_type.scale)
    return _ATOMIC_TO_SPARK[type(glue_type)]()


def from_spark(spark_type: T.DataType) -> G.DataType:
    """The Glue type of a Spark type (never a choice: those exist only in a frame's Glue schema)."""
    if isinstance(spark_type, T.StructType):
        return G.StructType([G.Field(f.name, from_spark(f.dataType)) for f in spark_type.fields])
    if isinstance(spark_type, T.ArrayType):
        return G.ArrayType(from_spark(spark_type.elementType))
    if isinstance(spark_type, T.MapType):
        return G.MapType(from_spark(spark_type.valueType))
    if isinstance(spark_type, T.DecimalType):
        return G.DecimalType(spark_type.precision, spark_type.scale)
    factory = _SPARK_TO_GLUE.get(type(spark_type))
    return factory() if factory else G.UnknownType()


def null_of(glue_type: G.DataType) -> Column:
    return F.lit(None).cast(to_spark(glue_type))


def struct_or_null(source: Column, fields: list[tuple[str, Column]]) -> Column:
    """A rebuilt struct that stays null where the original struct was null."""
    built = F.struct(*[c.alias(n) for n, c in fields]) if fields else F.struct()
    return F.when(source.isNull(), F.lit(None)).otherwise(built)


def adapt(col: Column, source: G.DataType, target: G.DataType) -> Column:
    """Re-lay a column of Glue type `source` as Glue type `target` (a widening of it, e.g. a merge)."""
    if source == target:
        return col
    if isinstance(source, (G.NullType, G.UnknownType)):
        return null_of(target)
    if isinstance(target, G.ChoiceType):
        have = source.choices if isinstance(source, G.ChoiceType) else {source.typeName(): source}
        slots = []
        for name, member in target.members():
            if name not in have:
                slots.append((name, null_of(member)))
            else:
                value = col.getField(name) if isinstance(source, G.ChoiceType) else col
                slots.append((name, adapt(value, have[name], member)))
        return struct_or_null(col, slots)
    if isinstance(target, G.StructType) and isinstance(source, G.StructType):
        return struct_or_null(col, [
            (f.name, adapt(col.getField(f.name), source.getField(f.name).dataType, f.dataType)
             if source.hasField(f.name) else null_of(f.dataType)) for f in target])
    if isinstance(target, G.ArrayType) and isinstance(source, G.ArrayType):
        return F.transform(col, lambda x: adapt(x, source.elementType, target.elementType))
    if isinstance(target, G.MapType) and isinstance(source, G.MapType):
        return F.transform_values(col, lambda _, v: adapt(v, source.valueType, target.valueType))
    return col.cast(to_spark(target))


def has_choice(glue_type: G.DataType) -> bool:
    if isinstance(glue_type, G.ChoiceType):
        return True
    if isinstance(glue_type, G.StructType):
        return any(has_choice(f.dataType) for f in glue_type)
    if isinstance(glue_type, G.ArrayType):
        return has_choice(glue_type.elementType)
    if isinstance(glue_type, G.MapType):
        return has_choice(glue_type.valueType)
    return False


# -- fields as (name, column, type) nodes ----------------------------------------------------------------

@dataclass
class Node:
    """One field of a struct being rebuilt: its name, the column computing it, its Glue type."""

    name: str
    col: Column
    type: G.DataType


def top_nodes(schema: G.StructType) -> list[Node]:
    return [Node(f.name, top(f.name), f.dataType) for f in schema]


def child_nodes(node: Node) -> list[Node]:
    assert isinstance(node.type, G.StructType)
    return [Node(f.name, node.col.getField(f.name), f.dataType) for f in node.type]


def struct_node(name: str, source: Column | None, children: list[Node]) -> Node:
    """A struct node built from children; null where `source` (the struct it came from) was null."""
    pairs = [(c.name, c.col) for c in children]
    col = struct_or_null(source, pairs) if source is not None else F.struct(*[c.alias(n) for n, c in pairs])
    return Node(name, col, G.StructType([G.Field(c.name, c.type) for c in children]))


def select_nodes(df: Any, nodes: list[Node]) -> Any:
    return df.select(*[n.col.alias(n.name) for n in nodes])


def schema_of(nodes: list[Node]) -> G.StructType:
    return G.StructType([G.Field(n.name, n.type) for n in nodes])


Rewrite = Callable[[Node], list[Node]]


def rewrite_at(nodes: list[Node], segments: list[Segment], fn: Rewrite) -> tuple[list[Node], bool]:
    """Replace the field at `segments` by fn(field) (zero, one or several fields); False if no such path.

    Steps through structs and, with `[]`, through array elements. Fields keep their positions.
    """
    head, rest = segments[0], segments[1:]
    out: list[Node] = []
    found = False
    for node in nodes:
        if head is ARRAY or node.name != head or found:
            out.append(node)
            continue
        if not rest:
            out.extend(fn(node))
            found = True
        elif rest[0] is ARRAY and isinstance(node.type, G.ArrayType):
            replaced = _rewrite_elements(node, rest[1:], fn)
            found = replaced is not None
            out.append(replaced or node)
        elif isinstance(node.type, G.StructType):
            children, found = rewrite_at(child_nodes(node), rest, fn)
            out.append(struct_node(node.name, node.col, children) if found else node)
        else:
            out.append(node)
    return out, found


def _rewrite_elements(node: Node, rest: list[Segment], fn: Rewrite) -> Node | None:
    """Rewrite inside each element of an array field (`items[]...`)."""
    element = node.type.elementType
    result: dict[str, Any] = {}

    def per_element(x: Column) -> Column:
        elem = Node("element", x, element)
        if not rest:
            new = fn(elem)
        else:
            if not isinstance(element, G.StructType):
                return x
            children, found = rewrite_at(child_nodes(elem), rest, fn)
            if not found:
                return x
            new = [struct_node("element", x, children)]
        if len(new) != 1:
            raise ValueError("An array element can only be replaced by exactly one value")
        result["type"] = new[0].type
        return new[0].col

    col = F.transform(node.col, per_element)
    if "type" not in result:
        return None
    return Node(node.name, col, G.ArrayType(result["type"]))


def find_node(nodes: list[Node], segments: list[Segment], case_sensitive: bool = True) -> Node | None:
    """The field at a path of struct steps (no `[]`), matched exactly or ignoring case."""
    current: Node | None = None
    level = nodes
    for seg in segments:
        if seg is ARRAY:
            return None
        current = _match(level, seg, case_sensitive)
        if current is None:
            return None
        level = child_nodes(current) if isinstance(current.type, G.StructType) else []
    return current


def _match(nodes: list[Node], name: str, case_sensitive: bool) -> Node | None:
    for node in nodes:
        if node.name == name:
            return node
    if not case_sensitive:
        for node in nodes:
            if node.name.lower() == name.lower():
                return node
    return None


def insert_at(nodes: list[Node], segments: list[Segment], new: Node) -> list[Node]:
    """Add a field at a path, creating (or extending) parent structs; an existing field is replaced."""
    head, rest = segments[0], segments[1:]
    if not rest:
        out = [n for n in nodes if n.name != head]
        index = next((i for i, n in enumerate(nodes) if n.name == head), None)
        leaf = Node(head, new.col, new.type)
        if index is None:
            return out + [leaf]
        return out[:index] + [leaf] + out[index:]
    for i, node in enumerate(nodes):
        if node.name == head and isinstance(node.type, G.StructType):
            children = insert_at(child_nodes(node), rest, new)
            return nodes[:i] + [struct_node(head, node.col, children)] + nodes[i + 1:]
    parent = struct_node(head, None, insert_at([], rest, new))
    return [n for n in nodes if n.name != head] + [parent]


def remove_at(nodes: list[Node], segments: list[Segment]) -> tuple[list[Node], Node | None]:
    """Take a field out (structs left empty by it stay, as Glue keeps them)."""
    removed: list[Node] = []

    def take(node: Node) -> list[Node]:
        removed.append(node)
        return []

    out, _ = rewrite_at(nodes, segments, take)
    return out, (removed[0] if removed else None)


def leaf_paths(glue_type: G.StructType, prefix: list[Segment] | None = None) -> list[list[Segment]]:
    """Paths of every non-struct field (struct fields are stepped into)."""
    prefix = prefix or []
    out = []
    for f in glue_type:
        if isinstance(f.dataType, G.StructType) and f.dataType.fields:
            out.extend(leaf_paths(f.dataType, prefix + [f.name]))
        else:
            out.append(prefix + [f.name])
    return out


def flatten(nodes: list[Node], prefix: str = "") -> list[Node]:
    """Struct fields lifted to the top, named `parent.child` (unnest, relationalize)."""
    out = []
    for node in nodes:
        name = prefix + node.name
        if isinstance(node.type, G.StructType) and node.type.fields:
            out.extend(flatten(child_nodes(node), name + "."))
        else:
            out.append(Node(name, node.col, node.type))
    return out


_FAMILIES = ((G.ByteType, G.ShortType, G.IntegerType, G.LongType), (G.FloatType, G.DoubleType),
             (G.StringType, G.EnumType), (G.TimestampType, G.TimestampNTZType))


def same_family(a: G.DataType, b: G.DataType) -> bool:
    if type(a) is type(b):
        return True
    return any(isinstance(a, family) and isinstance(b, family) for family in _FAMILIES)


def cast(col: Column, source: G.DataType, target: G.DataType) -> Column:
    """Every value converted to `target`; values that cannot be converted become null."""
    if isinstance(source, G.ChoiceType):
        return F.coalesce(*[cast(col.getField(n), m, target) for n, m in source.members()])
    if isinstance(source, (G.NullType, G.UnknownType)):
        return null_of(target)
    if isinstance(target, G.StringType) and isinstance(source, (G.StructType, G.ArrayType, G.MapType)):
        return F.to_json(col)
    if isinstance(target, (G.StructType, G.ArrayType, G.MapType)) and isinstance(source, G.StringType):
        return F.from_json(col, to_spark(target))
    if isinstance(target, (G.StructType, G.ArrayType, G.MapType)) and type(target) is not type(source):
        return null_of(target)
    if isinstance(target, G.StructType) and isinstance(source, G.StructType):
        return struct_or_null(col, [
            (f.name, cast(col.getField(f.name), source.getField(f.name).dataType, f.dataType)
             if source.hasField(f.name) else null_of(f.dataType)) for f in target])
    if isinstance(target, G.ArrayType):
        return F.transform(col, lambda x: cast(x, source.elementType, target.elementType))
    if isinstance(target, G.MapType):
        return F.transform_values(col, lambda _, v: cast(v, source.valueType, target.valueType))
    return col.cast(to_spark(target))
