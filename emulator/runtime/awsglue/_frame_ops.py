"""What DynamicFrame's field transforms are built from: mapping tuples, choice actions, paths, nulls.

Pure helpers over _columns nodes and plain records (no DynamicFrame state), kept apart from
dynamicframe.py so that it holds the frame's API and this module the rules behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from awsglue import _columns as C
from awsglue import gluetypes as G
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F


def _one_column_per_name(df: DataFrame) -> DataFrame:
    names = df.columns
    if len(set(names)) == len(names):
        return df
    positional = df.toDF(*[f"_{i}" for i in range(len(names))])  # duplicate names cannot be selected
    firsts: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        firsts.setdefault(name, []).append(i)
    return positional.select(*[
        (F.coalesce(*[F.col(f"_{i}") for i in reversed(at)]) if len(at) > 1 else F.col(f"_{at[0]}")).alias(name)
        for name, at in firsts.items()])


def _mapping_parts(mapping: Any) -> tuple[str, str | None, str, str | None]:
    """(source, source type, target, target type) of a 2-, 3- or 4-tuple mapping.

    Emulator decision: a 2-tuple is (source, target) with the type kept, a 3-tuple (source, target,
    target type); Amazon's Python passes these to its jar undocumented.
    """
    if not isinstance(mapping, tuple):
        raise TypeError("Mapping must be specified as a tuple. Got " + str(mapping))
    if len(mapping) == 2:
        return mapping[0], None, mapping[1], None
    if len(mapping) == 3:
        return mapping[0], None, mapping[1], mapping[2]
    if len(mapping) == 4:
        return mapping[0], mapping[1], mapping[2], mapping[3]
    raise ValueError("Mapping tuple must be of length 2, 3, or 4Got tuple of length " + str(len(mapping)))


def _is_bare(glue_type: G.DataType) -> bool:
    """`array`, `struct` or `map` named without element types: keep whatever the data has."""
    return ((isinstance(glue_type, G.ArrayType) and isinstance(glue_type.elementType, G.UnknownType))
            or (isinstance(glue_type, G.StructType) and not glue_type.fields)
            or (isinstance(glue_type, G.MapType) and isinstance(glue_type.valueType, G.UnknownType)))


def _mapped_value(node: C.Node, src_type: str | None, dst_type: str | None) -> tuple[Column, G.DataType]:
    col, actual = node.col, node.type
    if src_type is not None:
        declared = G.parse_type_name(src_type)
        if isinstance(actual, G.ChoiceType):
            member = next((n for n, m in actual.members() if C.same_family(m, declared)), None)
            if member is None:
                target = G.parse_type_name(dst_type) if dst_type else declared
                return C.null_of(target), target
            col, actual = col.getField(member), actual.choices[member]
        elif not _is_bare(declared) and not C.same_family(actual, declared) \
                and not isinstance(actual, (G.NullType, G.UnknownType)):
            target = G.parse_type_name(dst_type) if dst_type else declared
            target = actual if _is_bare(target) else target
            return C.null_of(target), target
    if dst_type is None:
        return col, actual
    target = G.parse_type_name(dst_type)
    if _is_bare(target):
        if type(target) is type(actual) or isinstance(actual, G.NullType):
            return col, actual
        if isinstance(actual, G.ChoiceType) and isinstance(target, G.StructType):
            return col, G.StructType([G.Field(n, m) for n, m in actual.members()])
        return C.null_of(G.StringType()), G.StringType()
    return C.cast(col, actual, target), target


def _project(node: C.Node, target: G.DataType) -> Column:
    """Only the values that already have the target type; the others become null.

    On a field that is not a choice, project converts like cast (the DynamicFrame page's reading)."""
    if not isinstance(node.type, G.ChoiceType):
        return C.cast(node.col, node.type, target)
    member = node.type.choices.get(target.typeName())
    if member is None:
        return C.null_of(target)
    return C.cast(node.col.getField(target.typeName()), member, target)


def _parse_action(action: str) -> tuple[str, Any]:
    action = action.strip()
    for kind in ("cast", "project"):
        if action.startswith(kind + ":"):
            return kind, G.parse_type_name(action[len(kind) + 1:].strip())
    if action in ("make_cols", "make_struct", "match_catalog"):
        return action, None
    raise ValueError(f"Invalid choice resolution action: {action}")


def _choice_paths(glue_type: G.DataType, prefix: list) -> list[list]:
    """Paths of every choice field, through structs and array elements (`[]`)."""
    if isinstance(glue_type, G.ChoiceType):
        return [prefix]
    if isinstance(glue_type, G.StructType):
        return [p for f in glue_type for p in _choice_paths(f.dataType, prefix + [f.name])]
    if isinstance(glue_type, G.ArrayType):
        return _choice_paths(glue_type.elementType, prefix + [C.ARRAY])
    return []


def _catalog_type(catalog: G.StructType | None, segments: list) -> G.DataType | None:
    current: G.DataType | None = catalog
    for seg in segments:
        if seg is C.ARRAY:
            current = current.elementType if isinstance(current, G.ArrayType) else None
        elif isinstance(current, G.StructType):
            match = next((f for f in current if f.name.lower() == seg.lower()), None)
            current = match.dataType if match else None
        else:
            return None
    return current


def _prune(nodes: list[C.Node], paths: list[list]) -> list[C.Node]:
    kept = []
    for node in nodes:
        if any(len(p) == 1 and p[0] == node.name for p in paths):
            kept.append(node)
        elif isinstance(node.type, G.StructType):
            inner = [p[1:] for p in paths if len(p) > 1 and p[0] == node.name]
            if inner:
                children = _prune(C.child_nodes(node), inner)
                if children:
                    kept.append(C.struct_node(node.name, node.col, children))
    return kept


def _bound_nodes(df: DataFrame, schema: G.StructType) -> list[C.Node]:
    """Top-level fields as columns bound to one (aliased) side of a join."""
    return [C.Node(f.name, df["`" + f.name.replace("`", "``") + "`"], f.dataType) for f in schema]


def _key_col(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _laid_out(frame: Any, schema: G.StructType) -> DataFrame:
    return frame.with_frame_schema(schema)._df


def _update_path(record: Any, segments: list, fn: Callable[[Any], Any]) -> None:
    """Apply fn to the value(s) at a path of a record, in place (through `[]` into list elements)."""
    head, rest = segments[0], segments[1:]
    if head is C.ARRAY:
        if isinstance(record, list):
            for i, item in enumerate(record):
                if rest:
                    _update_path(item, rest, fn)
                else:
                    record[i] = fn(item)
        return
    if not isinstance(record, dict) or head not in record:
        return
    if rest:
        _update_path(record[head], rest, fn)
    else:
        record[head] = fn(record[head])


def _all_null_paths(frame: Any) -> list[list]:
    """Fields (at any struct depth) with a null type or no non-null value in any record."""
    leaves = [p for p in C.leaf_paths(frame.schema())]
    nodes = frame._nodes()
    checks = []
    for path in leaves:
        node = C.find_node(nodes, path)
        checks.append(F.max(node.col.isNotNull().cast("int")).alias(str(len(checks))))
    if not checks:
        return []
    counts = frame._df.agg(*checks).first()
    paths = [p for i, p in enumerate(leaves) if not counts[i]]
    paths += [p + q for p in leaves for q in _null_type_paths(C.find_node(nodes, p).type)]
    return paths


def _null_type_paths(glue_type: G.DataType) -> list[list]:
    """NullType fields inside the structs of array elements (the whole-field case is counted by data)."""
    if isinstance(glue_type, G.ArrayType):
        return [[C.ARRAY] + p for p in _null_type_paths(glue_type.elementType)]
    if isinstance(glue_type, G.StructType):
        out = []
        for f in glue_type:
            if isinstance(f.dataType, G.NullType):
                out.append([f.name])
            else:
                out.extend([f.name] + p for p in _null_type_paths(f.dataType))
        return out
    return []


def _ddb_value(value: Any) -> Any:
    if not isinstance(value, dict) or len(value) != 1:
        return value
    (kind, inner), = value.items()
    if kind == "S" or kind == "B":
        return inner
    if kind == "N":
        number = float(inner)
        return int(number) if number.is_integer() and "." not in str(inner) else number
    if kind == "BOOL":
        return bool(inner)
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: _ddb_value(v) for k, v in inner.items()}
    if kind == "L":
        return [_ddb_value(v) for v in inner]
    if kind in ("SS", "BS"):
        return list(inner)
    if kind == "NS":
        return [_ddb_value({"N": v}) for v in inner]
    return value
