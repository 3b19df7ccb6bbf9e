"""Schema definitions per data format: parsing, the canonical form, compatibility and the syntax diff.

Glue's Schema Registry takes AVRO (Apache Avro 1.11), JSON (JSON Schema drafts 04, 06 and 07) and PROTOBUF
(proto2 and proto3, without extensions or groups) definitions (AWS: "AWS Glue Schema registry", dg/schema-registry).
Each format is handled by a maintained library, not by code of ours:

- AVRO: the Apache `avro` package parses (`avro.schema.parse`) and checks reader/writer compatibility
  (`avro.compatibility.ReaderWriterCompatibilityChecker`, Avro's own schema-resolution rules).
- JSON: `jsonschema` checks a definition against its draft's metaschema; `jsoncompat` decides whether every
  document one schema accepts is accepted by the other (its "deserializer" role: old data under the new schema).
- PROTOBUF: `protoxy` compiles the .proto text into descriptors (a protoc-compatible compiler); `protokit`
  compares the descriptors of each message and reports wire-level breaks with the direction of the reader at risk.

Compatibility, as Glue names it: BACKWARD means a consumer using the new version reads data written with the old
one (the new schema as reader, the old as writer); FORWARD the reverse; FULL both (dg/schema-registry, "Schema
versioning and compatibility").
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from typing import Any

import jsonpatch

# The largest error Glue returns (the model's SchemaValidationError is 1..5000 characters).
_ERROR_CAP = 5000


class InvalidDefinition(ValueError):
    """A definition its format's parser refuses; the message is the parser's."""


@dataclass(frozen=True)
class Parsed:
    """A definition parsed once: the library's object, its canonical text (what identical means) and a JSON view
    (what the syntax diff compares)."""

    data_format: str
    model: Any
    canonical: str
    document: Any


def _error(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:_ERROR_CAP]


# -- parsing ---------------------------------------------------------------------------------------------


def _parse_avro(definition: str) -> Parsed:
    import avro.errors
    import avro.schema

    try:
        document = json.loads(definition)
        model = avro.schema.parse(definition)
    except (ValueError, avro.errors.AvroException) as exc:
        raise InvalidDefinition(_error(exc)) from None
    return Parsed("AVRO", model, json.dumps(document, sort_keys=True, separators=(",", ":")), document)


def _parse_json(definition: str) -> Parsed:
    import jsonschema
    from jsonschema.validators import validator_for

    try:
        document = json.loads(definition)
    except ValueError as exc:
        raise InvalidDefinition(_error(exc)) from None
    if not isinstance(document, (dict, bool)):
        raise InvalidDefinition(f"A JSON schema is an object or a boolean, not {type(document).__name__}")
    # Glue validates with the Everit library: drafts 04, 06 and 07, draft 7 when $schema names none.
    validator = validator_for(document, default=jsonschema.Draft7Validator)
    try:
        validator.check_schema(document)
    except jsonschema.SchemaError as exc:
        raise InvalidDefinition(_error(exc).splitlines()[0]) from None
    return Parsed("JSON", document, json.dumps(document, sort_keys=True, separators=(",", ":")), document)


def _parse_protobuf(definition: str) -> Parsed:
    import protoxy
    from google.protobuf import descriptor_pool
    from google.protobuf.json_format import MessageToDict

    # protoxy compiles files: the definition is one file, imports of other files are not resolvable (Glue's
    # registry holds self-contained definitions too; well-known google/protobuf imports come with the compiler).
    with tempfile.TemporaryDirectory(prefix="glue-schema-") as folder:
        path = os.path.join(folder, "schema.proto")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(definition)
        try:
            files = protoxy.compile([path], includes=[folder], include_imports=True, include_source_info=False)
        except protoxy.ProtoxyError as exc:
            raise InvalidDefinition(_protobuf_error(exc, definition)) from None
        except ValueError as exc:
            raise InvalidDefinition(_error(exc).replace(folder + os.sep, "")) from None
    main = next(file for file in files.file if file.name == "schema.proto")
    _refuse_unsupported(main)
    _refuse_reserved_names(main)
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        pool.Add(file)
    document = MessageToDict(main, preserving_proto_field_name=True)
    return Parsed("PROTOBUF", (pool, main), json.dumps(document, sort_keys=True, separators=(",", ":")), document)


def _refuse_unsupported(file: Any) -> None:
    """Glue takes proto2 and proto3 "without support for extensions or groups" (dg/schema-registry)."""
    from google.protobuf.descriptor_pb2 import FieldDescriptorProto

    if len(file.extension):
        raise InvalidDefinition("Protobuf extensions are not supported")
    messages = list(file.message_type)
    while messages:
        message = messages.pop()
        if len(message.extension) or len(message.extension_range):
            raise InvalidDefinition(f"Protobuf extensions are not supported (message {message.name})")
        if any(field.type == FieldDescriptorProto.TYPE_GROUP for field in message.field):
            raise InvalidDefinition(f"Protobuf groups are not supported (message {message.name})")
        messages.extend(message.nested_type)


def _refuse_reserved_names(file: Any) -> None:
    """protoc refuses a field or enum value named as its message or enum reserved ("Field name "x" is reserved.");
    the compiler checks reserved numbers only."""
    messages, enums = list(file.message_type), list(file.enum_type)
    while messages:
        message = messages.pop(0)
        reserved = set(message.reserved_name)
        for field in message.field:
            if field.name in reserved:
                raise InvalidDefinition(f'Field name "{field.name}" is reserved (message {message.name}).')
        messages.extend(message.nested_type)
        enums.extend(message.enum_type)
    for enum in enums:
        reserved = set(enum.reserved_name)
        for value in enum.value:
            if value.name in reserved:
                raise InvalidDefinition(f'Enum value "{value.name}" is reserved (enum {enum.name}).')


def _protobuf_error(exc: Exception, definition: str) -> str:
    """The compiler's message with the line and column of its first label (its JSON details give an offset)."""
    try:
        labels = json.loads(exc.json_details)["labels"]  # type: ignore[attr-defined]
        offset = labels[0]["span"]["offset"]
    except (AttributeError, ValueError, KeyError, IndexError, TypeError):
        return _error(exc)
    before = definition.encode()[:offset].decode(errors="ignore")
    line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
    return _error(ValueError(f"{exc} (line {line}, column {column})"))


_PARSERS = {"AVRO": _parse_avro, "JSON": _parse_json, "PROTOBUF": _parse_protobuf}


def parse(data_format: str, definition: str) -> Parsed:
    """Parse a definition of `data_format` (AVRO | JSON | PROTOBUF); InvalidDefinition with the parser's message."""
    return _PARSERS[data_format](definition)


def validity(data_format: str, definition: str) -> str | None:
    """None when the definition parses, else the parser's error (CheckSchemaVersionValidity's Error)."""
    try:
        parse(data_format, definition)
    except InvalidDefinition as exc:
        return str(exc)
    return None


# -- compatibility ---------------------------------------------------------------------------------------


def _avro_reads(reader: Parsed, writer: Parsed) -> list[str]:
    from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

    result = ReaderWriterCompatibilityChecker().get_compatibility(reader=reader.model, writer=writer.model)
    if result.compatibility is SchemaCompatibilityType.compatible:
        return []
    kinds = sorted(kind.value for kind in result.incompatibilities)
    where = ", ".join(sorted(result.locations))
    return [f"{', '.join(kinds)} at {where}: {', '.join(sorted(map(str, result.messages)))}"]


_ONE_SCHEMA = ("additionalProperties", "contains", "propertyNames", "not", "if", "then", "else")
_SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "$defs")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")


def _as_2020_12(schema: Any) -> Any:
    """A draft 04/06/07 schema (what Glue takes) in draft 2020-12's keywords (what jsoncompat reads).

    Only spelling changes, no meaning: tuple `items` + `additionalItems` become `prefixItems` + `items`, draft 04's
    boolean exclusiveMinimum/Maximum become the numeric form, `dependencies` splits into dependentRequired and
    dependentSchemas; `$schema` and `id`/`$id` go (references stay local JSON pointers, which jsoncompat resolves).
    """
    if not isinstance(schema, dict):
        return schema
    out = {key: value for key, value in schema.items() if key not in ("$schema", "id", "$id")}
    for key in _ONE_SCHEMA:
        if key in out:
            out[key] = _as_2020_12(out[key])
    for key in _SCHEMA_MAPS:
        if isinstance(out.get(key), dict):
            out[key] = {name: _as_2020_12(value) for name, value in out[key].items()}
    for key in _SCHEMA_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [_as_2020_12(value) for value in out[key]]
    items, additional = out.pop("items", None), out.pop("additionalItems", None)
    if isinstance(items, list):
        out["prefixItems"] = [_as_2020_12(value) for value in items]
        if additional is not None:
            out["items"] = _as_2020_12(additional)
    elif items is not None:
        out["items"] = _as_2020_12(items)
    for bound in ("Minimum", "Maximum"):
        exclusive, plain = out.get(f"exclusive{bound}"), bound.lower()
        if isinstance(exclusive, bool):
            del out[f"exclusive{bound}"]
            if exclusive and plain in out:
                out[f"exclusive{bound}"] = out.pop(plain)
    dependencies = out.pop("dependencies", None)
    if isinstance(dependencies, dict):
        required = {name: value for name, value in dependencies.items() if isinstance(value, list)}
        schemas = {name: _as_2020_12(value) for name, value in dependencies.items() if not isinstance(value, list)}
        if required:
            out["dependentRequired"] = required
        if schemas:
            out["dependentSchemas"] = schemas
    return out


def _json_reads(reader: Parsed, writer: Parsed) -> list[str]:
    from jsoncompat import check_compat

    old, new = json.dumps(_as_2020_12(writer.document)), json.dumps(_as_2020_12(reader.document))
    try:
        # "deserializer": does a consumer validating with the new schema accept everything the old one accepted?
        compatible = check_compat(old, new, "deserializer")
    except ValueError as exc:  # a construct the checker cannot reason about (e.g. a remote $ref)
        return [f"the compatibility could not be decided: {_error(exc)}"]
    return [] if compatible else ["a document valid under the writer's schema is rejected by the reader's schema"]


def _protobuf_reads(reader: Parsed, writer: Parsed) -> list[str]:
    from protokit.schema import CompatibilityLevel, check_compatibility

    reader_pool, reader_file = reader.model
    writer_pool, writer_file = writer.model
    package = f"{writer_file.package}." if writer_file.package else ""
    problems = []
    reader_types = {message.name for message in reader_file.message_type}
    for message in writer_file.message_type:
        if message.name not in reader_types:
            continue  # a message type the new version dropped: no reader of it remains to break
        name = package + message.name
        # protokit's directions name the reader at risk; the new reader of old data is its "producer-safe" side.
        report = check_compatibility(writer_pool, name, reader_pool, name, level=CompatibilityLevel.PRODUCER_SAFE)
        problems += [f"{name}.{finding.path}: {finding.message}" for finding in report.findings
                     if finding.severity.value == "WIRE"]
    return problems


_READS = {"AVRO": _avro_reads, "JSON": _json_reads, "PROTOBUF": _protobuf_reads}


def reads(reader: Parsed, writer: Parsed) -> list[str]:
    """Why a consumer using `reader` cannot read data written with `writer` (empty when it can)."""
    return _READS[reader.data_format](reader, writer)


def incompatibilities(mode: str, new: Parsed, olds: list[Parsed]) -> list[str]:
    """Why `new` breaks `mode` (BACKWARD/FORWARD/FULL, with or without _ALL) against the versions `olds`.

    The caller picks `olds`: the latest available version, or all of them since the checkpoint for the _ALL modes.
    """
    base = mode.removesuffix("_ALL")
    problems: list[str] = []
    for old in olds:
        if base in ("BACKWARD", "FULL"):
            problems += [f"BACKWARD: {problem}" for problem in reads(new, old)]
        if base in ("FORWARD", "FULL"):
            problems += [f"FORWARD: {problem}" for problem in reads(old, new)]
    return problems


# -- diff ------------------------------------------------------------------------------------------------


def syntax_diff(first: Parsed, second: Parsed) -> str:
    """The RFC 6902 JSON Patch that turns the first definition's JSON form into the second's (GetSchemaVersionsDiff
    answers "the difference between schemas as a string in JsonPatch format"). PROTOBUF definitions are compared
    as their compiled FileDescriptorProto in JSON form."""
    return jsonpatch.make_patch(first.document, second.document).to_string()
