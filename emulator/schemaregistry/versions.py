"""Schema versions: RegisterSchemaVersion, GetSchemaVersion, ListSchemaVersions, DeleteSchemaVersions,
GetSchemaByDefinition, GetSchemaVersionsDiff, CheckSchemaVersionValidity.

AWS's rules (API reference, "Schema registry"; dg/schema-registry "Schema versioning and compatibility"):
- A definition is parsed in the schema's DataFormat; one that does not parse is refused (InvalidInputException).
- Registering a definition already stored as a version of the schema returns that version (same id, number,
  status). "Already stored" means the same canonical form (formats.Parsed.canonical): the JSON document with
  sorted keys for AVRO and JSON, the compiled descriptor for PROTOBUF, so layout and key order do not matter.
- DISABLED refuses any version after the first. NONE accepts every version unchecked. BACKWARD/FORWARD/FULL check
  the new version against the latest AVAILABLE version; the _ALL modes against every AVAILABLE version from the
  schema's checkpoint (SchemaCheckpoint) on. A version that fails the check is still stored, with its number, in
  Status FAILURE (AWS checks asynchronously and shows FAILURE through GetSchemaVersion; here the check is done
  before RegisterSchemaVersion answers, which then says FAILURE at once). FAILURE versions are never compared
  against later ones, nor are they ever the latest version (LatestSchemaVersion, {LatestVersion: true}): AWS keeps
  those on the last AVAILABLE version (terraform-provider-aws issue #35152). A FAILURE version keeps its number.
- DeleteSchemaVersions takes "N" or "N-M"; it refuses a range holding the checkpoint (AWS: a 409 conflict) or the
  first version (only DeleteSchema removes that), deletes the versions it finds with their metadata, and lists
  the numbers it did not find in SchemaVersionErrors.
"""

from __future__ import annotations

import uuid
from typing import Any

from ..context import RequestContext
from ..errors import ConcurrentModificationException, EntityNotFoundException, InvalidInputException
from ..records import Record, all_records, create_record, delete_record, list_records, put_record
from . import formats
from .ids import (
    DEFAULT_PAGE,
    SCHEMAS,
    VERSION_IDS,
    VERSIONS,
    require_schema,
    resolve_version,
    schema_names,
    schema_parent,
    selected_version,
    timestamp,
    version_key,
)

MAX_VERSION = 100000


def parse_definition(data_format: str, definition: str) -> formats.Parsed:
    """The parsed definition; InvalidInputException carrying the parser's message when it does not parse."""
    try:
        return formats.parse(data_format, definition)
    except formats.InvalidDefinition as exc:
        raise InvalidInputException(f"Schema definition of {data_format} data format is invalid: {exc}") from None


def _versions(ctx: RequestContext, schema: Record) -> list[Record]:
    """The schema's versions in version order."""
    return [record for _, record in all_records(ctx, VERSIONS, schema_parent(schema["RegistryName"],
                                                                             schema["SchemaName"]))]


def _checked_against(schema: Record, versions: list[Record]) -> list[Record]:
    """The versions a new one must be compatible with under the schema's mode (see the module's docstring)."""
    available = [version for version in versions if version["Status"] == "AVAILABLE"
                 and version["VersionNumber"] >= schema.get("SchemaCheckpoint", 1)]
    if schema["Compatibility"].endswith("_ALL"):
        return available
    return available[-1:]


def store_version(ctx: RequestContext, schema: Record, parsed: formats.Parsed, definition: str) -> Record:
    """Register `definition` (already parsed) as the schema's next version, or return the identical one stored.

    Updates the schema record (NextSchemaVersion; LatestSchemaVersion when the new version is AVAILABLE;
    SchemaCheckpoint for a first version) in place and in the store. InvalidInputException when the schema's Compatibility is DISABLED and it has versions.
    """
    versions = _versions(ctx, schema)
    same = next((version for version in versions if version["Canonical"] == parsed.canonical), None)
    if same is not None:
        return same
    mode = schema["Compatibility"]
    if versions and mode == "DISABLED":
        raise InvalidInputException(
            f"Compatibility DISABLED does not allow versioning. SchemaName: {schema['SchemaName']}")
    problems: list[str] = []
    if mode != "NONE" and versions:
        olds = [parse_definition(schema["DataFormat"], old["SchemaDefinition"])
                for old in _checked_against(schema, versions)]
        problems = formats.incompatibilities(mode, parsed, olds)
    number = schema["NextSchemaVersion"]
    version = {"SchemaVersionId": str(uuid.uuid4()), "VersionNumber": number,
               "Status": "FAILURE" if problems else "AVAILABLE", "SchemaDefinition": definition,
               "CreatedTime": timestamp(), "Canonical": parsed.canonical, "Metadata": {}}
    registry, name = schema["RegistryName"], schema["SchemaName"]
    create_record(ctx, VERSIONS, version_key(number), version, schema_parent(registry, name))
    create_record(ctx, VERSION_IDS, version["SchemaVersionId"],
                  {"RegistryName": registry, "SchemaName": name, "VersionNumber": number})
    schema.update(NextSchemaVersion=number + 1, UpdatedTime=version["CreatedTime"])
    if version["Status"] == "AVAILABLE":
        # The latest version is the latest AVAILABLE one: on AWS a FAILURE version never becomes LatestVersion
        # (terraform-provider-aws #35152: GetSchemaVersion {LatestVersion} answered the previous version).
        schema["LatestSchemaVersion"] = number
    schema.setdefault("SchemaCheckpoint", number)
    put_record(ctx, SCHEMAS, name, schema, registry)
    return version


def delete_versions_of(ctx: RequestContext, schema: Record) -> None:
    """Forget every version of the schema (DeleteSchema, DeleteRegistry)."""
    parent = schema_parent(schema["RegistryName"], schema["SchemaName"])
    for key, version in all_records(ctx, VERSIONS, parent):
        delete_record(ctx, VERSIONS, key, parent)
        delete_record(ctx, VERSION_IDS, version["SchemaVersionId"])


def register_schema_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """-> {SchemaVersionId, VersionNumber, Status: AVAILABLE | FAILURE}; EntityNotFoundException for no schema."""
    registry, name = schema_names(ctx, params["SchemaId"])
    with ctx.store.transaction():
        schema = require_schema(ctx, registry, name)
        parsed = parse_definition(schema["DataFormat"], params["SchemaDefinition"])
        version = store_version(ctx, schema, parsed, params["SchemaDefinition"])
    return {key: version[key] for key in ("SchemaVersionId", "VersionNumber", "Status")}


def _answer(schema: Record, version: Record) -> dict[str, Any]:
    return {"SchemaVersionId": version["SchemaVersionId"], "SchemaDefinition": version["SchemaDefinition"],
            "DataFormat": schema["DataFormat"], "SchemaArn": schema["SchemaArn"],
            "VersionNumber": version["VersionNumber"], "Status": version["Status"],
            "CreatedTime": version["CreatedTime"]}


def get_schema_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """By SchemaVersionId, or SchemaId + SchemaVersionNumber ({LatestVersion: true} or {VersionNumber}) ->
    {SchemaVersionId, SchemaDefinition, DataFormat, SchemaArn, VersionNumber, Status, CreatedTime}."""
    schema, version = resolve_version(ctx, params)
    return _answer(schema, version)


def list_schema_versions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """-> {Schemas: [{SchemaArn, SchemaVersionId, VersionNumber, Status, CreatedTime}], NextToken?} in version
    order, 25 a page unless MaxResults (1-100) says otherwise."""
    registry, name = schema_names(ctx, params["SchemaId"])
    schema = require_schema(ctx, registry, name)
    page, token = list_records(ctx, VERSIONS, {**params, "MaxResults": params.get("MaxResults") or DEFAULT_PAGE},
                               schema_parent(registry, name))
    items = [{"SchemaArn": schema["SchemaArn"], **{key: version[key] for key in
              ("SchemaVersionId", "VersionNumber", "Status", "CreatedTime")}} for version in page]
    return {"Schemas": items, **({"NextToken": token} if token else {})}


def _version_range(text: str) -> range:
    """"N" or "N-M" as the numbers it names; version numbers are 1..100000 (the model's VersionLongNumber)."""
    first, _, last = text.partition("-")
    start, end = int(first), int(last or first)
    if end < start or end > MAX_VERSION:
        raise InvalidInputException(f"Invalid version range: {text}")
    return range(start, end + 1)


def delete_schema_versions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete the versions "N" or "N-M" -> {SchemaVersionErrors: [{VersionNumber, ErrorDetails}]} for the numbers
    not found. ConcurrentModificationException when the range holds the checkpoint; InvalidInputException when it
    holds version 1."""
    registry, name = schema_names(ctx, params["SchemaId"])
    numbers = _version_range(params["Versions"])
    errors = []
    with ctx.store.transaction():
        schema = require_schema(ctx, registry, name)
        if schema.get("SchemaCheckpoint") in numbers:
            raise ConcurrentModificationException(
                f"The range holds the checkpoint version {schema['SchemaCheckpoint']}: move the checkpoint first "
                "(UpdateSchema).")
        if 1 in numbers:
            raise InvalidInputException("The first schema version can only be deleted with DeleteSchema.")
        parent = schema_parent(registry, name)
        stored = {version["VersionNumber"]: version for version in _versions(ctx, schema)}
        for number in numbers:
            version = stored.get(number)
            if version is None:
                errors.append({"VersionNumber": number, "ErrorDetails": {
                    "ErrorCode": "EntityNotFoundException", "ErrorMessage": "Schema version is not found."}})
                continue
            delete_record(ctx, VERSIONS, version_key(number), parent)
            delete_record(ctx, VERSION_IDS, version["SchemaVersionId"])
        remaining = _versions(ctx, schema)
        if len(errors) < len(numbers):
            available = [version for version in remaining if version["Status"] == "AVAILABLE"]
            schema.update(LatestSchemaVersion=available[-1]["VersionNumber"], UpdatedTime=timestamp())
            put_record(ctx, SCHEMAS, name, schema, registry)
    return {"SchemaVersionErrors": errors}


def get_schema_by_definition(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The version of the schema whose canonical form equals the definition's ->
    {SchemaVersionId, SchemaArn, DataFormat, Status, CreatedTime}; EntityNotFoundException "Schema version is not
    found." when none does (and "Schema is not found." when the schema itself is missing)."""
    registry, name = schema_names(ctx, params["SchemaId"])
    schema = require_schema(ctx, registry, name)
    parsed = parse_definition(schema["DataFormat"], params["SchemaDefinition"])
    for version in _versions(ctx, schema):
        if version["Canonical"] == parsed.canonical:
            answer = _answer(schema, version)
            return {key: answer[key] for key in ("SchemaVersionId", "SchemaArn", "DataFormat", "Status",
                                                 "CreatedTime")}
    raise EntityNotFoundException(f"Schema version is not found. SchemaName: {name}, RegistryName: {registry}")


def get_schema_versions_diff(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """-> {Diff}: the JSON Patch (RFC 6902) from the first version to the second (formats.syntax_diff)."""
    registry, name = schema_names(ctx, params["SchemaId"])
    schema = require_schema(ctx, registry, name)
    first = selected_version(ctx, schema, params["FirstSchemaVersionNumber"])
    second = selected_version(ctx, schema, params["SecondSchemaVersionNumber"])
    data_format = schema["DataFormat"]
    diff = formats.syntax_diff(parse_definition(data_format, first["SchemaDefinition"]),
                               parse_definition(data_format, second["SchemaDefinition"]))
    return {"Diff": diff}


def check_schema_version_validity(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Parse the definition in DataFormat -> {Valid: true} or {Valid: false, Error: the parser's message}."""
    error = formats.validity(params["DataFormat"], params["SchemaDefinition"])
    return {"Valid": True} if error is None else {"Valid": False, "Error": error}
