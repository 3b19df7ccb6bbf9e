"""Schemas: CreateSchema, GetSchema, ListSchemas, UpdateSchema, DeleteSchema.

AWS's rules (API reference, "Schema registry"):
- CreateSchema without RegistryId uses "default-registry", made on first use. With a SchemaDefinition it registers
  version 1 and sets the checkpoint to it; DISABLED still takes that first version. Compatibility defaults to
  BACKWARD (the mode the console and the serde libraries default to). DataFormat never changes afterwards.
- UpdateSchema changes the description, the compatibility mode and the checkpoint. A SchemaVersionNumber moves the
  checkpoint to that (AVAILABLE) version; a new Compatibility without one moves it to the latest version (AWS
  re:Post, "glue schema registry checkpoint definition"). The mode is not re-checked against stored versions.
- DeleteSchema removes the schema with all its versions and their metadata; AWS answers Status DELETING and
  finishes asynchronously, here it is done before the answer.
- ListSchemas lists one registry's schemas (RegistryId), or every registry's without one; 25 a page by default.
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import InvalidInputException
from ..pagination import paginate
from ..records import all_records, create_record, delete_record, find_record, updating_record
from ..tagging import drop_tags, set_tags, tags_of
from .ids import (
    DEFAULT_PAGE,
    DEFAULT_REGISTRY,
    REGISTRIES,
    SCHEMAS,
    new_registry,
    registry_name,
    require_registry,
    require_schema,
    schema_arn,
    schema_names,
    selected_version,
    timestamp,
)
from .versions import delete_versions_of, parse_definition, store_version

_LISTED = ("RegistryName", "SchemaName", "SchemaArn", "Description", "SchemaStatus", "CreatedTime", "UpdatedTime")


def _registry_for_create(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = registry_name(ctx, params.get("RegistryId"), default=DEFAULT_REGISTRY)
    if name == DEFAULT_REGISTRY and find_record(ctx, REGISTRIES, name) is None:
        return create_record(ctx, REGISTRIES, name, new_registry(ctx, name))
    return require_registry(ctx, name)


def create_schema(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """-> the schema (RegistryName, RegistryArn, SchemaName, SchemaArn, Description?, DataFormat, Compatibility,
    SchemaCheckpoint, LatestSchemaVersion, NextSchemaVersion, SchemaStatus, Tags?) with SchemaVersionId and
    SchemaVersionStatus of version 1 when a definition was given.

    EntityNotFoundException for a missing registry (other than default-registry); AlreadyExistsException for a
    taken name; InvalidInputException for a definition that does not parse in DataFormat.
    """
    data_format, definition = params["DataFormat"], params.get("SchemaDefinition")
    parsed = parse_definition(data_format, definition) if definition is not None else None
    with ctx.store.transaction():
        registry = _registry_for_create(ctx, params)
        name, created = params["SchemaName"], timestamp()
        schema = {"RegistryName": registry["RegistryName"], "RegistryArn": registry["RegistryArn"],
                  "SchemaName": name, "SchemaArn": schema_arn(ctx, registry["RegistryName"], name),
                  "DataFormat": data_format, "Compatibility": params.get("Compatibility") or "BACKWARD",
                  "NextSchemaVersion": 1, "SchemaStatus": "AVAILABLE", "CreatedTime": created,
                  "UpdatedTime": created}
        if params.get("Description") is not None:
            schema["Description"] = params["Description"]
        create_record(ctx, SCHEMAS, name, schema, registry["RegistryName"])
        answer: dict[str, Any] = {}
        if parsed is not None:
            version = store_version(ctx, schema, parsed, definition)
            answer = {"SchemaVersionId": version["SchemaVersionId"], "SchemaVersionStatus": version["Status"]}
        set_tags(ctx, schema["SchemaArn"], params.get("Tags"))
    tags = tags_of(ctx, schema["SchemaArn"])
    return {**_described(schema), **answer, **({"Tags": tags} if tags else {})}


def _described(schema: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in schema.items() if key != "CreatedTime" and key != "UpdatedTime"}


def get_schema(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """-> {RegistryName, RegistryArn, SchemaName, SchemaArn, Description?, DataFormat, Compatibility,
    SchemaCheckpoint, LatestSchemaVersion, NextSchemaVersion, SchemaStatus, CreatedTime, UpdatedTime}."""
    return require_schema(ctx, *schema_names(ctx, params["SchemaId"]))


def list_schemas(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """-> {Schemas: [{RegistryName, SchemaName, SchemaArn, Description?, SchemaStatus, CreatedTime, UpdatedTime}],
    NextToken?}, ordered by registry then schema name."""
    if params.get("RegistryId"):
        registries = [registry_name(ctx, params["RegistryId"])]
        require_registry(ctx, registries[0])
    else:
        registries = [name for name, _ in all_records(ctx, REGISTRIES)]
    # Keyed by [registry, schema]: a joined string would not sort as the rows do ("a-b/x" < "a/z").
    rows = sorted((([registry, name], schema) for registry in registries
                   for name, schema in all_records(ctx, SCHEMAS, registry)), key=lambda row: row[0])
    page, token = paginate(rows, params.get("NextToken"), params.get("MaxResults") or DEFAULT_PAGE,
                           SCHEMAS.page_cap, key=lambda row: row[0])
    items = [{key: schema[key] for key in _LISTED if key in schema} for _, schema in page]
    return {"Schemas": items, **({"NextToken": token} if token else {})}


def update_schema(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Description, Compatibility and/or checkpoint (SchemaVersionNumber) -> {SchemaArn, SchemaName, RegistryName}.

    InvalidInputException when none is given, or the checkpoint version is not AVAILABLE.
    """
    registry, name = schema_names(ctx, params["SchemaId"])
    selector, mode = params.get("SchemaVersionNumber"), params.get("Compatibility")
    if selector is None and mode is None and params.get("Description") is None:
        raise InvalidInputException("One of SchemaVersionNumber, Compatibility or Description has to be provided.")
    with ctx.store.transaction():
        require_schema(ctx, registry, name)
        with updating_record(ctx, SCHEMAS, name, registry) as schema:
            if selector is not None:
                version = selected_version(ctx, schema, selector)
                if version["Status"] != "AVAILABLE":
                    raise InvalidInputException(
                        f"Version {version['VersionNumber']} is {version['Status']}: only an AVAILABLE version "
                        "can be the checkpoint.")
                schema["SchemaCheckpoint"] = version["VersionNumber"]
            elif mode is not None and "LatestSchemaVersion" in schema:
                schema["SchemaCheckpoint"] = schema["LatestSchemaVersion"]
            if mode is not None:
                schema["Compatibility"] = mode
            if params.get("Description") is not None:
                schema["Description"] = params["Description"]
            schema["UpdatedTime"] = timestamp()
    return {"SchemaArn": schema["SchemaArn"], "SchemaName": name, "RegistryName": registry}


def purge_schema(ctx: RequestContext, registry: str, name: str) -> dict[str, Any]:
    """Delete the schema, its versions (with their metadata) and its tags; return the deleted record."""
    schema = require_schema(ctx, registry, name)
    delete_versions_of(ctx, schema)
    delete_record(ctx, SCHEMAS, name, registry)
    drop_tags(ctx, schema["SchemaArn"])
    return schema


def delete_schema(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """-> {SchemaArn, SchemaName, Status: DELETING}; EntityNotFoundException for a missing schema."""
    registry, name = schema_names(ctx, params["SchemaId"])
    with ctx.store.transaction():
        schema = purge_schema(ctx, registry, name)
    return {"SchemaArn": schema["SchemaArn"], "SchemaName": name, "Status": "DELETING"}
