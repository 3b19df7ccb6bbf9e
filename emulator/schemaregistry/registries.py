"""Registries: CreateRegistry, GetRegistry, ListRegistries, UpdateRegistry, DeleteRegistry.

AWS (API reference, "Schema registry"): a registry holds schemas; its name is 1-255 of letters, digits and
`-_$#.` (the model's pattern, checked by validation). DeleteRegistry removes the registry with all its schemas
and versions; AWS does it asynchronously and answers Status DELETING, after which the registry is gone. Here the
deletion is done before the answer, which still says DELETING. ListRegistries leaves out registries being
deleted and pages 25 at a time by default (at most 100).
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..records import all_records, create_tagged_record, delete_record, list_records, updating_record
from ..tagging import drop_tags, tags_of
from .ids import DEFAULT_PAGE, REGISTRIES, SCHEMAS, new_registry, registry_name, require_registry, timestamp
from .schemas import purge_schema


def create_registry(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """-> {RegistryArn, RegistryName, Description?, Tags?}; AlreadyExistsException for a taken name."""
    name = params["RegistryName"]
    record = new_registry(ctx, name, params.get("Description"))
    create_tagged_record(ctx, REGISTRIES, name, record, record["RegistryArn"], params.get("Tags"))
    answer = {key: record[key] for key in ("RegistryArn", "RegistryName", "Description") if key in record}
    tags = tags_of(ctx, record["RegistryArn"])
    return {**answer, "Tags": tags} if tags else answer


def get_registry(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """-> {RegistryName, RegistryArn, Description?, Status, CreatedTime, UpdatedTime}."""
    return require_registry(ctx, registry_name(ctx, params.get("RegistryId")))


def list_registries(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """-> {Registries: [registry], NextToken?}: 25 a page unless MaxResults (1-100) says otherwise."""
    page, token = list_records(ctx, REGISTRIES, {**params, "MaxResults": params.get("MaxResults") or DEFAULT_PAGE})
    return {"Registries": page, **({"NextToken": token} if token else {})}


def update_registry(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace the registry's Description -> {RegistryName, RegistryArn}."""
    name = registry_name(ctx, params.get("RegistryId"))
    require_registry(ctx, name)
    with updating_record(ctx, REGISTRIES, name) as record:
        record["Description"] = params["Description"]
        record["UpdatedTime"] = timestamp()
    return {"RegistryName": name, "RegistryArn": record["RegistryArn"]}


def delete_registry(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete the registry, its schemas and their versions -> {RegistryName, RegistryArn, Status: DELETING}."""
    name = registry_name(ctx, params.get("RegistryId"))
    record = require_registry(ctx, name)
    with ctx.store.transaction():
        for schema_name, _ in all_records(ctx, SCHEMAS, name):
            purge_schema(ctx, name, schema_name)
        delete_record(ctx, REGISTRIES, name)
        drop_tags(ctx, record["RegistryArn"])
    return {"RegistryName": name, "RegistryArn": record["RegistryArn"], "Status": "DELETING"}
