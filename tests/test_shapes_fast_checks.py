"""The compiled shape checks never call a request valid that jsonschema refuses, and do call the
common valid requests valid (else every request would pay for jsonschema)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from emulator.shapes import ServiceShapes

_SAMPLES = {"string": ["", "a", "name_1", "x" * 300, "2024-01-01T00:00:00Z", "bad\u0000", "QUJD", "%%"],
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


@pytest.mark.parametrize("service", ["glue", "logs", "athena"])
def test_fast_check_is_never_more_lenient_than_jsonschema(service):
    shapes, rng = ServiceShapes(service), random.Random(19)
    agreed_valid = 0
    for operation, spec in sorted(shapes.operations.items()):
        for _ in range(12):
            request = _value(shapes, shapes.shape(spec["input"]), rng, 0)
            fast = shapes._checks.of(spec["input"])(request)
            errors = list(shapes._validator(spec["input"]).iter_errors(request))
            if fast:
                assert not errors, (operation, request, errors[0].message)
                agreed_valid += 1
    assert agreed_valid > len(shapes.operations)  # the fast path is taken, not only the slow one


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
