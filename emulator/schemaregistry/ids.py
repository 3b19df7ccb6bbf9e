"""How the Schema Registry's operations name their resources: RegistryId, SchemaId, version selectors, ARNs.

Records (emulator/records.py) under the caller's scope:
- registry: kind "schema-registry", parent "", name = registry name;
- schema: kind "schema-registry-schema", parent = registry name, name = schema name;
- version: kind "schema-registry-version", parent = "<registry>/<schema>", name = the version number zero-padded
  (so the store's name order is version order);
- kind "schema-registry-version-id", parent "", name = SchemaVersionId -> where that version lives (GetSchemaVersion
  and the metadata operations may name a version by its id alone).

ARNs (AWS, CreateRegistry/CreateSchema responses): arn:aws:glue:<region>:<account>:registry/<registry> and
arn:aws:glue:<region>:<account>:schema/<registry>/<schema>. A SchemaId without RegistryName, and a CreateSchema
without RegistryId, mean the registry "default-registry" (AWS: CreateSchema, GetSchemaByDefinition).
Messages for missing entities follow AWS's wording ("Schema is not found.", "Schema version is not found.",
which the aws-glue-schema-registry serde library matches on to decide between CreateSchema and
RegisterSchemaVersion).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from ..clock import now
from ..context import RequestContext
from ..errors import EntityNotFoundException, InvalidInputException
from ..records import Record, RecordKind, find_record

DEFAULT_REGISTRY = "default-registry"
REGISTRIES = RecordKind("schema-registry", "Registry", page_cap=100)
SCHEMAS = RecordKind("schema-registry-schema", "Schema", page_cap=100)
VERSIONS = RecordKind("schema-registry-version", "Schema version", page_cap=100)
VERSION_IDS = RecordKind("schema-registry-version-id", "Schema version")
# List operations default to 25 a page (the model's MaxResults documentation).
DEFAULT_PAGE = 25

_REGISTRY_ARN = re.compile(r"^arn:aws[a-z-]*:glue:([a-z0-9-]+):(\d{12}):registry/([^/]+)$")
_SCHEMA_ARN = re.compile(r"^arn:aws[a-z-]*:glue:([a-z0-9-]+):(\d{12}):schema/([^/]+)/([^/]+)$")


def timestamp() -> str:
    """Registry timestamps are strings (the model's CreatedTimestamp), ISO 8601 with milliseconds in UTC."""
    return datetime.fromtimestamp(now(), UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def registry_arn(ctx: RequestContext, registry: str) -> str:
    return ctx.arn("glue", f"registry/{registry}")


def schema_arn(ctx: RequestContext, registry: str, schema: str) -> str:
    return ctx.arn("glue", f"schema/{registry}/{schema}")


def version_key(number: int) -> str:
    return f"{number:06d}"


def schema_parent(registry: str, schema: str) -> str:
    return f"{registry}/{schema}"


def new_registry(ctx: RequestContext, name: str, description: str | None = None) -> dict[str, Any]:
    """The record of a registry made now (CreateRegistry, and CreateSchema's default-registry)."""
    created = timestamp()
    record = {"RegistryName": name, "RegistryArn": registry_arn(ctx, name), "Status": "AVAILABLE",
              "CreatedTime": created, "UpdatedTime": created}
    if description is not None:
        record["Description"] = description
    return record


def _own(ctx: RequestContext, match: re.Match[str], arn: str, entity: str) -> None:
    """An ARN of another account or region names nothing the caller can see."""
    if (match.group(1), match.group(2)) != (ctx.region, ctx.account):
        raise EntityNotFoundException(f"{entity} is not found. {entity}Arn: {arn}")


def registry_name(ctx: RequestContext, registry_id: dict[str, Any] | None, default: str | None = None) -> str:
    """The registry a RegistryId names (RegistryName or RegistryArn, exactly one); `default` when it is absent.

    InvalidInputException for both, neither, or an ARN that is not a registry's.
    """
    if not registry_id:
        if default is None:
            raise InvalidInputException("RegistryId is required.")
        return default
    name, arn = registry_id.get("RegistryName"), registry_id.get("RegistryArn")
    if (name is None) == (arn is None):
        raise InvalidInputException("One of RegistryName or RegistryArn has to be provided, not both.")
    if arn is None:
        return name
    match = _REGISTRY_ARN.match(arn)
    if match is None:
        raise InvalidInputException(f"Invalid RegistryArn: {arn}")
    _own(ctx, match, arn, "Registry")
    return match.group(3)


def schema_names(ctx: RequestContext, schema_id: dict[str, Any] | None) -> tuple[str, str]:
    """(registry, schema) of a SchemaId: its SchemaArn, or SchemaName in RegistryName (default-registry).

    InvalidInputException for none or both of SchemaArn and SchemaName, or an ARN that is not a schema's.
    """
    schema_id = schema_id or {}
    name, arn = schema_id.get("SchemaName"), schema_id.get("SchemaArn")
    if (name is None) == (arn is None):
        raise InvalidInputException("One of SchemaArn or SchemaName has to be provided, not both.")
    if arn is None:
        return schema_id.get("RegistryName") or DEFAULT_REGISTRY, name
    if schema_id.get("RegistryName") is not None:
        raise InvalidInputException("RegistryName cannot be provided with SchemaArn.")
    match = _SCHEMA_ARN.match(arn)
    if match is None:
        raise InvalidInputException(f"Invalid SchemaArn: {arn}")
    _own(ctx, match, arn, "Schema")
    return match.group(3), match.group(4)


def require_registry(ctx: RequestContext, registry: str) -> Record:
    record = find_record(ctx, REGISTRIES, registry)
    if record is None:
        raise EntityNotFoundException(f"Registry is not found. RegistryName: {registry}")
    return record


def require_schema(ctx: RequestContext, registry: str, schema: str) -> Record:
    record = find_record(ctx, SCHEMAS, schema, registry)
    if record is None:
        raise EntityNotFoundException(f"Schema is not found. RegistryName: {registry}, SchemaName: {schema}")
    return record


def find_version(ctx: RequestContext, registry: str, schema: str, number: int) -> Record | None:
    return find_record(ctx, VERSIONS, version_key(number), schema_parent(registry, schema))


def _version_number(selector: dict[str, Any], schema: Record) -> int:
    latest, number = selector.get("LatestVersion"), selector.get("VersionNumber")
    if latest and number is not None:
        raise InvalidInputException("LatestVersion and VersionNumber cannot both be provided.")
    if latest:
        if "LatestSchemaVersion" not in schema:  # a schema created without a definition has no version yet
            raise EntityNotFoundException(f"Schema version is not found. SchemaName: {schema['SchemaName']}")
        return schema["LatestSchemaVersion"]
    if number is None:
        raise InvalidInputException("One of LatestVersion or VersionNumber has to be provided.")
    return number


def resolve_version(ctx: RequestContext, params: dict[str, Any]) -> tuple[Record, Record]:
    """(schema, version) named by SchemaVersionId, or by SchemaId with SchemaVersionNumber.

    The shape shared by GetSchemaVersion and the metadata operations: exactly one of SchemaVersionId and
    SchemaId (InvalidInputException otherwise); EntityNotFoundException when the schema or version is missing.
    """
    version_id, schema_id = params.get("SchemaVersionId"), params.get("SchemaId")
    if (version_id is None) == (schema_id is None):
        raise InvalidInputException("One of SchemaVersionId or SchemaId has to be provided, not both.")
    if version_id is not None:
        where = find_record(ctx, VERSION_IDS, version_id)
        version = where and find_version(ctx, where["RegistryName"], where["SchemaName"], where["VersionNumber"])
        if version is None:
            raise EntityNotFoundException(f"Schema version is not found. SchemaVersionId: {version_id}")
        return require_schema(ctx, where["RegistryName"], where["SchemaName"]), version
    registry, name = schema_names(ctx, schema_id)
    schema = require_schema(ctx, registry, name)
    selector = params.get("SchemaVersionNumber")
    if selector is None:
        raise InvalidInputException("SchemaVersionNumber is required with SchemaId.")
    number = _version_number(selector, schema)
    return schema, require_version(ctx, schema, number)


def require_version(ctx: RequestContext, schema: Record, number: int) -> Record:
    version = find_version(ctx, schema["RegistryName"], schema["SchemaName"], number)
    if version is None:
        raise EntityNotFoundException(
            f"Schema version is not found. SchemaName: {schema['SchemaName']}, VersionNumber: {number}")
    return version


def selected_version(ctx: RequestContext, schema: Record, selector: dict[str, Any]) -> Record:
    """The version a SchemaVersionNumber ({LatestVersion} or {VersionNumber}) names in `schema`."""
    return require_version(ctx, schema, _version_number(selector, schema))
