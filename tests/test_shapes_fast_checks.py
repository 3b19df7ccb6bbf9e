"""The compiled shape checks never call a request valid that jsonschema refuses, and do call the
common valid requests valid (else every request would pay for jsonschema).

Over plain JSON values the checks are exact: they say True exactly when jsonschema finds no error. The one
known exception is NaN, which jsonschema's minimum/maximum let through and the checks send to jsonschema
(a body cannot hold NaN: parse_json refuses it)."""

from __future__ import annotations

import copy
import math
import random
import re
from typing import Any

import pytest

from emulator.shape_checks import ShapeChecks, _takes_printable_ascii
from emulator.shapes import ServiceShapes

_SAMPLES = {"string": ["", "a", "name_1", "x" * 300, "2024-01-01T00:00:00Z", "bad\u0000", "QUJD", "%%", "tab\tin",
                       "line\nbreak", "del\x7f", "caf\u00e9", "lone\ud83d", "\U0001f600", "\ufffe"],
            "number": [0, 1, -1, 5.0, 5.5, 1e20, float("nan"), True], "other": [None, [], {}, "s", 3]}


def _value(shapes: ServiceShapes, schema: dict[str, Any], rng: random.Random, depth: int) -> Any:
    if "$ref" in schema:
        schema = shapes.shape(schema["$ref"].rsplit("/", 1)[1])
    if depth > 4 or rng.random() < 0.05:
        return rng.choice(_SAMPLES["other"] + _SAMPLES["number"])
    kind = schema.get("type")
    kind = rng.choice(kind) if isinstance(kind, list) else kind
    if kind == "object":
        members = schema.get("properties", {})
        chosen = [name for name in members if name in schema.get("required", []) or rng.random() < 0.5]
        value = {name: _value(shapes, members[name], rng, depth + 1) for name in chosen}
        if isinstance(schema.get("additionalProperties"), dict):
            value.update({rng.choice(["k", "", "key"]): _value(shapes, schema["additionalProperties"], rng, depth + 1)})
        if rng.random() < 0.05:
            value["Unknown"] = 1
        return value
    if kind == "array":
        return [_value(shapes, schema.get("items", {}), rng, depth + 1) for _ in range(rng.choice([0, 1, 2, 3]))]
    if kind == "string":
        if "enum" in schema and rng.random() < 0.8:
            return rng.choice(schema["enum"])
        return rng.choice(_SAMPLES["string"])
    if kind in ("integer", "number"):
        return rng.choice(_SAMPLES["number"])
    if kind == "boolean":
        return rng.choice([True, False, 0])
    return None


def _holds_nan(value: Any) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, dict):
        return any(_holds_nan(v) for v in value.values())
    return isinstance(value, list) and any(_holds_nan(v) for v in value)


def _verdicts(shapes: ServiceShapes, shape: str, request: Any) -> tuple[bool, list[str]]:
    fast = shapes._checks.of(shape)(request)
    errors = [e.message for e in shapes._validator(shape).iter_errors(request)]
    if fast:
        assert not errors, (shape, request, errors[0])
    elif not _holds_nan(request):
        assert errors, (shape, request, "valid, yet the fast check asks jsonschema")
    return fast, errors


@pytest.mark.parametrize("service", ["glue", "logs", "athena"])
def test_fast_check_agrees_with_jsonschema_on_random_requests(service):
    shapes, rng = ServiceShapes(service), random.Random(19)
    verdicts = {True: 0, False: 0}
    for _, spec in sorted(shapes.operations.items()):
        for _ in range(12):
            fast, _ = _verdicts(shapes, spec["input"], _value(shapes, shapes.shape(spec["input"]), rng, 0))
            verdicts[fast] += 1
    # Both verdicts are common: the fast path is taken, and refusals are really tested.
    assert verdicts[True] > len(shapes.operations) and verdicts[False] > len(shapes.operations), verdicts


def _leaves(value: Any, path: tuple = ()) -> list[tuple]:
    """Paths to every member and element of a request (containers included)."""
    found = [path] if path else []
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for name, child in children:
        found += _leaves(child, path + (name,))
    return found


_VALID = {
    "BatchCreatePartition": {"DatabaseName": "db", "TableName": "t", "PartitionInputList": [
        {"Values": ["2024", "01"], "LastAccessTime": 1700000000, "Parameters": {"k": "v"},
         "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "bigint", "Comment": "c"}], "Location": "s3://b/t/",
                               "NumberOfBuckets": 4, "Compressed": False, "BucketColumns": ["id"],
                               "SortColumns": [{"Column": "id", "SortOrder": 1}],
                               "SerdeInfo": {"SerializationLibrary": "x", "Parameters": {"k": "v"}}}}] * 3},
    "CreateTable": {"DatabaseName": "db", "TableInput": {
        "Name": "t", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "csv"},
        "PartitionKeys": [{"Name": "dt", "Type": "date"}], "Retention": 0,
        "StorageDescriptor": {"Columns": [{"Name": "a", "Type": "string"}], "Location": "s3://b/t/"}},
        "PartitionIndexes": [{"Keys": ["dt"], "IndexName": "by_dt"}]},
    "GetPartitions": {"DatabaseName": "db", "TableName": "t", "Expression": "dt > '2024'", "MaxResults": 10,
                      "Segment": {"SegmentNumber": 1, "TotalSegments": 4}, "ExcludeColumnSchema": True},
    "StartJobRun": {"JobName": "j", "Arguments": {"--k": "v"}, "Timeout": 10, "WorkerType": "G.1X",
                    "NumberOfWorkers": 2, "ExecutionClass": "STANDARD", "NotificationProperty": {"NotifyDelayAfter": 1}},
    "CreateTrigger": {"Name": "t", "Type": "CONDITIONAL", "Actions": [{"JobName": "j", "Arguments": {"a": "b"}}],
                      "Predicate": {"Logical": "AND", "Conditions": [
                          {"LogicalOperator": "EQUALS", "JobName": "k", "State": "SUCCEEDED"}]},
                      "Tags": {"team": "x"}, "StartOnCreation": True},
}
_REPLACEMENTS = [None, True, 0, -1, 2**31, 1.5, 4.0, "", "x" * 300, "\u0000", "\x7f", "\t", "caf\u00e9", "\ud800",
                 "SUCCEEDED", [], ["a"], {}, {"Unknown": 1}]


@pytest.mark.parametrize("operation", sorted(_VALID))
def test_fast_check_agrees_with_jsonschema_on_mutated_requests(operation):
    """Each member of a valid request replaced in turn, a member dropped, an unknown one added: the two agree."""
    shapes, rng = ServiceShapes("glue"), random.Random(operation)
    shape = shapes.operations[operation]["input"]
    assert _verdicts(shapes, shape, _VALID[operation]) == (True, [])
    verdicts = {True: 0, False: 0}
    for path in _leaves(_VALID[operation]):
        for replacement in rng.sample(_REPLACEMENTS, 8) + ["DROP", "EXTRA"]:
            request = copy.deepcopy(_VALID[operation])
            parent = request
            for step in path[:-1]:
                parent = parent[step]
            if replacement == "DROP":
                parent.pop(path[-1])
            elif replacement == "EXTRA":
                if not isinstance(parent, dict):
                    continue
                parent["NotAMember"] = "x"
            else:
                parent[path[-1]] = replacement
            verdicts[_verdicts(shapes, shape, request)[0]] += 1
    assert verdicts[True] and verdicts[False] > verdicts[True], verdicts


def test_recursive_shapes_call_each_other():
    """ApplyMapping's Mapping holds Mappings of Mappings, to any depth."""
    shapes = ServiceShapes("glue")
    leaf: dict[str, Any] = {"ToKey": "k", "ToType": "string", "Dropped": False}
    for _ in range(40):
        leaf = {"ToKey": "k", "Children": [leaf, {"FromPath": ["a"]}]}
    assert _verdicts(shapes, "Mapping", leaf) == (True, [])
    deepest = leaf
    while "Children" in deepest:
        deepest = deepest["Children"][0]
    deepest["Dropped"] = "no"
    assert not _verdicts(shapes, "Mapping", leaf)[0]


def test_printable_ascii_shortcut_only_for_one_class_holding_all_of_it():
    assert _takes_printable_ascii(r"^(?:[\u0020-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF\t]*)\Z")
    assert _takes_printable_ascii(r"^(?:[ -~]*)\Z")
    assert not _takes_printable_ascii(r"^(?:[a-z]*)\Z")  # a class without all of printable ASCII
    assert not _takes_printable_ascii(r"^(?:[^:*]*)\Z")  # a negated class
    assert not _takes_printable_ascii(r"^(?:[ -~]+)\Z")  # not `*`: "" does not match
    assert not _takes_printable_ascii(r"^(?:[ -~\]*)\Z")  # the bracket is escaped: not one class
    assert not _takes_printable_ascii(r"^(?:[ -~][ -~]*)\Z")  # two classes
    assert not _takes_printable_ascii(r"^(?:^[\x20-\x7E]*$)\Z")


@pytest.mark.parametrize("text", ["", "plain", " ~!", "tab\there", "cr\rlf\n", "del\x7f", "nul\x00", "caf\u00e9",
                                  "\ud800", "\U0001f600", "\x1f", "x" * 256])
def test_pattern_members_agree_with_jsonschema_on_any_character(text):
    """Strings that do and do not take the printable-ASCII shortcut, through shapes with character patterns."""
    shapes = ServiceShapes("glue")
    patterned = [name for name, schema in sorted(shapes._defs.items()) if "pattern" in schema
                 and re.search(r"\\u0020", schema["pattern"])]
    assert len(patterned) > 20
    for name in patterned:
        _verdicts(shapes, name, text)


def test_common_requests_are_valid_without_jsonschema():
    shapes = ServiceShapes("glue")
    partition = {"Values": ["2024", "01"], "StorageDescriptor": {
        "Columns": [{"Name": "id", "Type": "bigint"}], "Location": "s3://b/t/year=2024/month=01/",
        "SerdeInfo": {"SerializationLibrary": "x", "Parameters": {"k": "v"}}}}
    requests = {
        "BatchCreatePartition": {"DatabaseName": "db", "TableName": "t", "PartitionInputList": [partition] * 100},
        "GetTable": {"DatabaseName": "db", "Name": "t"},
        "GetPartitions": {"DatabaseName": "db", "TableName": "t", "Expression": "year='2024'", "MaxResults": 10,
                          "Segment": {"SegmentNumber": 0, "TotalSegments": 2}},
        "UpdateTable": {"DatabaseName": "db", "TableInput": {"Name": "t", "LastAccessTime": 1700000000.5}},
    }
    for operation, request in requests.items():
        assert shapes._checks.of(shapes.operations[operation]["input"])(request), operation
    bad = dict(requests["GetPartitions"], MaxResults=0)
    assert not shapes._checks.of(shapes.operations["GetPartitions"]["input"])(bad)


def test_a_textual_shape_answers_a_repeat_at_once_and_still_refuses_what_differs():
    """Within one request, column lists, SerDe infos and string maps remember their last valid value: an equal
    one is valid at once; one differing anywhere, however deep, is checked."""
    shapes = ServiceShapes("glue")
    check = shapes._checks.of(shapes.operations["BatchCreatePartition"]["input"])
    columns = [{"Name": "id", "Type": "bigint", "Parameters": {"k": "v"}}, {"Name": "c", "Type": "string"}]

    def request(*column_lists: list[dict[str, Any]]) -> dict[str, Any]:
        return {"DatabaseName": "db", "TableName": "t", "PartitionInputList": [
            {"Values": [str(i)], "StorageDescriptor": {"Columns": copy.deepcopy(listed)}}
            for i, listed in enumerate(column_lists)]}

    assert check(request(columns, columns, columns))
    for change in ({"Name": "x" * 256}, {"Parameters": {"k": 1}}, {"Type": None}, {"Unknown": "u"}):
        changed = copy.deepcopy(columns)
        changed[1].update(change)
        assert not check(request(columns, columns, changed)), change
        assert not _verdicts(shapes, "ColumnList", changed)[0], change


def test_what_a_check_remembered_is_not_trusted_by_the_next():
    """A handler may change a checked request in place: a value the last request made valid, then changed to one
    the model refuses, must not vouch for an equal value in the next request."""
    shapes = ServiceShapes("glue")
    columns = [{"Name": "id", "Type": "bigint"}]
    assert _verdicts(shapes, "ColumnList", columns) == (True, [])
    columns[0]["Unknown"] = "added after the check"
    assert not _verdicts(shapes, "ColumnList", copy.deepcopy(columns))[0]


def test_shapes_holding_numbers_or_booleans_are_not_remembered():
    """`True == 1` and `1 == 1.0` in Python: a remembered valid value would let its look-alike of another type
    through, so shapes with numbers or booleans are always checked."""
    shapes = ServiceShapes("glue")
    descriptor = {"Columns": [{"Name": "id"}], "Compressed": True, "NumberOfBuckets": 1}
    assert _verdicts(shapes, "StorageDescriptor", descriptor) == (True, [])
    assert not _verdicts(shapes, "StorageDescriptor", dict(descriptor, Compressed=1))[0]
    assert not _verdicts(shapes, "StorageDescriptor", dict(descriptor, NumberOfBuckets=True))[0]
    assert "CALL.token" in shapes._checks.source("ColumnList")
    assert "CALL.token" not in shapes._checks.source("StorageDescriptor")
    assert "CALL.token" not in shapes._checks.source("PartitionInput")  # LastAccessTime: a number or text


def test_a_shape_reaching_a_number_through_a_cycle_is_not_remembered():
    """B holds only an A, and A holds a B and an integer: B's values reach a number through the cycle."""
    defs = {"A": {"type": "object", "properties": {"b": {"$ref": "#/$defs/B"}, "n": {"type": "integer"}}},
            "B": {"type": "object", "properties": {"a": {"$ref": "#/$defs/A"}}},
            "C": {"type": "object", "properties": {"c": {"$ref": "#/$defs/C"}, "s": {"type": "string"}}}}
    checks = ShapeChecks(defs)
    for first in ("A", "B"):  # whichever is compiled first
        checks = ShapeChecks(defs)
        checks.of(first)
        assert "CALL.token" not in checks.source("A") and "CALL.token" not in checks.source("B")
    assert "CALL.token" in checks.source("C")  # a cycle of strings only
    check = checks.of("B")
    assert check({"a": {"n": 1, "b": {"a": {"n": 2}}}})
    assert not check({"a": {"n": True, "b": {"a": {"n": 2}}}})
