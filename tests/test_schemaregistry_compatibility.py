"""Compatibility of schema versions: every mode, the three formats, against the latest or all versions.

Unit tests of emulator/schemaregistry/formats.py (the libraries' verdicts per change and direction), then the
modes on a live server through boto3: a version breaking its mode is stored with Status FAILURE, a FAILURE version
is never compared with later ones, the _ALL modes check every AVAILABLE version from the checkpoint on.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.schemaregistry import formats


def _record(*fields: dict[str, Any]) -> str:
    return json.dumps({"type": "record", "name": "User", "namespace": "acme", "fields": list(fields)})


A = {"name": "a", "type": "int"}
B_DEFAULT = {"name": "b", "type": "string", "default": ""}
B = {"name": "b", "type": "string"}
C_DEFAULT = {"name": "c", "type": "long", "default": 0}

# (format, old, new, new reads old data [BACKWARD], old reads new data [FORWARD])
CHANGES: dict[str, tuple[str, str, str, bool, bool]] = {
    "avro: add a field without default": ("AVRO", _record(A), _record(A, B), False, True),
    "avro: add a field with a default": ("AVRO", _record(A), _record(A, B_DEFAULT), True, True),
    "avro: remove a field without default": ("AVRO", _record(A, B), _record(A), True, False),
    "avro: int promoted to long": ("AVRO", _record(A), _record({"name": "a", "type": "long"}), True, False),
    "json: add an optional property to a closed object": (
        "JSON", json.dumps({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False}),
        json.dumps({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
                    "additionalProperties": False}), True, False),
    "json: add a required property": (
        "JSON", json.dumps({"type": "object", "properties": {"a": {"type": "string"}}}),
        json.dumps({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
                    "required": ["b"]}), False, True),
    "json: integer widened to number": ("JSON", '{"type": "integer"}', '{"type": "number"}', True, False),
    # Glue takes drafts 04, 06 and 07; the checker reads 2020-12 (formats._as_2020_12 respells them).
    "json draft-04: an inclusive maximum made exclusive": (
        "JSON", json.dumps({"$schema": "http://json-schema.org/draft-04/schema#", "type": "number", "maximum": 5}),
        json.dumps({"$schema": "http://json-schema.org/draft-04/schema#", "type": "number", "maximum": 5,
                    "exclusiveMaximum": True}), False, True),
    "json draft-07: a tuple closed to more items": (
        "JSON", json.dumps({"$schema": "http://json-schema.org/draft-07/schema#", "type": "array",
                            "items": [{"type": "string"}]}),
        json.dumps({"$schema": "http://json-schema.org/draft-07/schema#", "type": "array",
                    "items": [{"type": "string"}], "additionalItems": False}), False, True),
    "json draft-07: a property made required through definitions": (
        "JSON", json.dumps({"$schema": "http://json-schema.org/draft-07/schema#", "definitions": {
            "qty": {"type": "integer"}}, "type": "object", "properties": {"qty": {"$ref": "#/definitions/qty"}}}),
        json.dumps({"$schema": "http://json-schema.org/draft-07/schema#", "definitions": {
            "qty": {"type": "integer"}}, "type": "object", "properties": {"qty": {"$ref": "#/definitions/qty"}},
            "required": ["qty"]}), False, True),
    "protobuf: add a field": ("PROTOBUF", 'syntax = "proto3"; package p; message M { string a = 1; }',
                              'syntax = "proto3"; package p; message M { string a = 1; int64 b = 2; }', True, True),
    "protobuf: change a field's wire type": ("PROTOBUF", 'syntax = "proto3"; package p; message M { string a = 1; }',
                                             'syntax = "proto3"; package p; message M { int32 a = 1; }', False, False),
    "protobuf: renumber a field": ("PROTOBUF", 'syntax = "proto3"; message M { string a = 1; }',
                                   'syntax = "proto3"; message M { string a = 2; }', False, False),
    "protobuf: add a proto2 required field": (
        "PROTOBUF", 'syntax = "proto2"; message M { optional string a = 1; }',
        'syntax = "proto2"; message M { optional string a = 1; required int32 b = 2; }', False, True),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_each_library_judges_each_direction(change: str) -> None:
    data_format, old, new, backward, forward = CHANGES[change]
    old_parsed, new_parsed = formats.parse(data_format, old), formats.parse(data_format, new)
    assert (formats.reads(new_parsed, old_parsed) == []) is backward
    assert (formats.reads(old_parsed, new_parsed) == []) is forward
    full = formats.incompatibilities("FULL", new_parsed, [old_parsed])
    assert (full == []) is (backward and forward)


def test_the_canonical_form_ignores_layout_not_content() -> None:
    one = formats.parse("AVRO", _record(A, B_DEFAULT))
    relaid = formats.parse("AVRO", json.dumps(json.loads(_record(A, B_DEFAULT)), indent=2, sort_keys=True))
    assert one.canonical == relaid.canonical
    assert one.canonical != formats.parse("AVRO", _record(A, B)).canonical  # a default is content
    spaced = formats.parse("PROTOBUF", 'syntax="proto3";\n\nmessage M {\n  string a = 1;  // note\n}\n')
    assert spaced.canonical == formats.parse("PROTOBUF", 'syntax = "proto3"; message M { string a = 1; }').canonical


def test_what_the_json_checker_cannot_decide_is_incompatible() -> None:
    remote = formats.parse("JSON", '{"$ref": "https://example.com/remote.json"}')
    problems = formats.reads(remote, formats.parse("JSON", '{"type": "string"}'))
    assert len(problems) == 1 and problems[0].startswith("the compatibility could not be decided")


def test_invalid_definitions_carry_the_parsers_message() -> None:
    assert formats.validity("PROTOBUF", 'syntax = "proto3";\nmessage M { Foo a = 1; }') == (
        "name 'Foo' is not defined (line 2, column 13)")
    assert formats.validity("PROTOBUF", 'syntax = "proto3"; message M { string a = 1 }') == (
        "expected ';' or '[', but found '}' (line 1, column 45)")
    missing = formats.validity("PROTOBUF", 'syntax = "proto3"; import "other.proto"; message M { string a = 1; }')
    assert "'other.proto' not found (line 1, column 20)" in (missing or "")  # a definition is one self-contained file
    assert formats.validity("PROTOBUF", 'syntax = "proto2"; message M { optional int32 a = 1; extensions 9 to 99; }'
                            ) == "Protobuf extensions are not supported (message M)"
    assert formats.validity("PROTOBUF", 'syntax = "proto2"; message M { optional group G = 1 { optional int32 x = 2; } }'
                            ) == "Protobuf groups are not supported (message M)"
    assert formats.validity("JSON", "[1, 2]") is not None
    assert formats.validity("JSON", '{"type": "object", "required": "a"}') is not None
    assert formats.validity("AVRO", '{"type": "enum", "name": "E", "symbols": ["A", "A"]}') is not None
    assert formats.validity("AVRO", '"string"') is None


# -- the modes on a live server ----------------------------------------------------------------------------

MODE_EXPECTATIONS = [  # (mode, change, expected status of the new version)
    ("NONE", "avro: add a field without default", "AVAILABLE"),
    ("BACKWARD", "avro: add a field without default", "FAILURE"),
    ("FORWARD", "avro: add a field without default", "AVAILABLE"),
    ("FULL", "avro: add a field without default", "FAILURE"),
    ("FULL", "avro: add a field with a default", "AVAILABLE"),
    ("BACKWARD", "json: add a required property", "FAILURE"),
    ("FORWARD_ALL", "json: add a required property", "AVAILABLE"),
    ("BACKWARD_ALL", "json: add an optional property to a closed object", "AVAILABLE"),
    ("FULL_ALL", "json: add an optional property to a closed object", "FAILURE"),
    ("BACKWARD", "json draft-07: a property made required through definitions", "FAILURE"),
    ("FORWARD", "json draft-07: a property made required through definitions", "AVAILABLE"),
    ("BACKWARD", "protobuf: add a field", "AVAILABLE"),
    ("FORWARD", "protobuf: change a field's wire type", "FAILURE"),
    ("BACKWARD", "protobuf: add a proto2 required field", "FAILURE"),
    ("FORWARD", "protobuf: add a proto2 required field", "AVAILABLE"),
]


@pytest.mark.parametrize(("mode", "change", "status"), MODE_EXPECTATIONS)
def test_a_version_breaking_its_mode_is_stored_as_failure(glue: Any, mode: str, change: str, status: str) -> None:
    data_format, old, new, _, _ = CHANGES[change]
    glue.create_schema(SchemaName="s", DataFormat=data_format, Compatibility=mode, SchemaDefinition=old)
    answer = glue.register_schema_version(SchemaId={"SchemaName": "s"}, SchemaDefinition=new)
    assert (answer["VersionNumber"], answer["Status"]) == (2, status)
    assert glue.get_schema_version(SchemaVersionId=answer["SchemaVersionId"])["Status"] == status
    assert glue.get_schema(SchemaId={"SchemaName": "s"})["NextSchemaVersion"] == 3  # the number is used either way


def _register(glue: Any, *fields: dict[str, Any]) -> dict[str, Any]:
    return glue.register_schema_version(SchemaId={"SchemaName": "s"}, SchemaDefinition=_record(*fields))


@pytest.mark.parametrize(("mode", "status"), [("BACKWARD", "AVAILABLE"), ("BACKWARD_ALL", "FAILURE")])
def test_all_modes_check_every_version_the_others_only_the_latest(glue: Any, mode: str, status: str) -> None:
    glue.create_schema(SchemaName="s", DataFormat="AVRO", Compatibility=mode, SchemaDefinition=_record(A))
    assert _register(glue, A, B_DEFAULT)["Status"] == "AVAILABLE"
    # A reader of v3 reads v2's data (b is there) but not v1's (b missing, no default).
    assert _register(glue, A, B)["Status"] == status


def test_failed_versions_are_not_compared_with_later_ones(glue: Any) -> None:
    glue.create_schema(SchemaName="s", DataFormat="AVRO", Compatibility="BACKWARD", SchemaDefinition=_record(A))
    assert _register(glue, A, B)["Status"] == "FAILURE"
    # Compared with v1 (the latest AVAILABLE), not with the failed v2 (which it could not read: b has no default).
    third = _register(glue, A, C_DEFAULT)
    assert (third["VersionNumber"], third["Status"]) == (3, "AVAILABLE")
    assert glue.get_schema(SchemaId={"SchemaName": "s"})["LatestSchemaVersion"] == 3


def test_the_checkpoint_bounds_the_all_modes(glue: Any) -> None:
    glue.create_schema(SchemaName="s", DataFormat="AVRO", Compatibility="NONE", SchemaDefinition=_record(A))
    assert _register(glue, B)["Status"] == "AVAILABLE"  # NONE: unchecked
    glue.update_schema(SchemaId={"SchemaName": "s"}, Compatibility="BACKWARD_ALL")  # checkpoint -> v2
    assert glue.get_schema(SchemaId={"SchemaName": "s"})["SchemaCheckpoint"] == 2
    assert _register(glue, B, C_DEFAULT)["Status"] == "AVAILABLE"  # v1 (no b) is before the checkpoint
    glue.update_schema(SchemaId={"SchemaName": "s"}, SchemaVersionNumber={"VersionNumber": 1})
    assert _register(glue, B, C_DEFAULT, {"name": "d", "type": "int", "default": 1})["Status"] == "FAILURE"
