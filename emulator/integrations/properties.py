"""Integration resource properties and table properties: Create/Get/Update/DeleteIntegrationResourceProperty,
ListIntegrationResourceProperties, Create/Get/Update/DeleteIntegrationTableProperties.

A resource property (https://docs.aws.amazon.com/glue/latest/webapi/API_CreateIntegrationResourceProperty.html)
holds the role (and for a target the KMS key, VPC connection and event bus) an integration uses at one end: it
is keyed by that end's ResourceArn, which must exist (resources.py), and gets a ResourcePropertyArn
`arn:aws:glue:<region>:<account>:integrationresourceproperty/<uuid>`. A second one for the same ResourceArn is
ConflictException. Table properties configure how one table is replicated (source fields, filter, primary key;
target unnesting, partitioning, name) and are keyed by (ResourceArn, TableName); a second Create for the same
pair is InvalidInputException. Unknown ones are EntityNotFoundException. Nothing is replicated locally, so
these settings are kept and returned, never applied.
"""

from __future__ import annotations

import uuid
from typing import Any

from .. import tagging
from ..context import RequestContext
from ..errors import EntityNotFoundException, InvalidInputException
from ..pagination import paginate
from ..records import RecordKind, all_records, find_record, updating_record
from .filters import filtered
from .resources import ConflictException, check_property_resource, tag_map

RESOURCE_PROPERTY = RecordKind("integration-resource-property", "IntegrationResourceProperty")
TABLE_PROPERTIES = RecordKind("integration-table-properties", "IntegrationTableProperties")
_PROCESSING = ("SourceProcessingProperties", "TargetProcessingProperties")
_TABLE_CONFIGS = ("SourceTableConfig", "TargetTableConfig")
# ListIntegrationResourceProperties' filters: filter name -> the member it matches.
_FILTERS = {"ResourceArn": "ResourceArn", "ResourcePropertyArn": "ResourcePropertyArn"}
_PAGE_CAP = 1000


def create_integration_resource_property(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Set the properties of an integration's source or target: the IntegrationResourceProperty."""
    arn = params["ResourceArn"]
    tags = tag_map(params.get("Tags"))
    check_property_resource(ctx, arn)
    record: dict[str, Any] = {"ResourceArn": arn,
                              "ResourcePropertyArn": ctx.arn("glue", f"integrationresourceproperty/{uuid.uuid4()}")}
    record.update({member: params[member] for member in _PROCESSING if params.get(member) is not None})
    with ctx.store.transaction():
        if not ctx.store.insert(ctx.scope, RESOURCE_PROPERTY.kind, "", arn, record):
            raise ConflictException(f"Integration resource property for {arn} already exists.")
        tagging.set_tags(ctx, record["ResourcePropertyArn"], tags)
    return record


def get_integration_resource_property(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _require_property(ctx, params["ResourceArn"])


def update_integration_resource_property(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace the processing properties given: the IntegrationResourceProperty as updated."""
    _require_property(ctx, params["ResourceArn"])
    with updating_record(ctx, RESOURCE_PROPERTY, params["ResourceArn"]) as record:
        record.update({member: params[member] for member in _PROCESSING if params.get(member) is not None})
    return record


def delete_integration_resource_property(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with ctx.store.transaction():
        record = _require_property(ctx, params["ResourceArn"])
        ctx.store.delete(ctx.scope, RESOURCE_PROPERTY.kind, "", params["ResourceArn"])
        tagging.drop_tags(ctx, record["ResourcePropertyArn"])
    return {}


def list_integration_resource_properties(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The resource properties by ResourceArn, kept by Filters (ResourceArn, ResourcePropertyArn; another name
    is InvalidInputException), paged by Marker/MaxRecords."""
    items = [record for _, record in all_records(ctx, RESOURCE_PROPERTY)]
    items = filtered(items, params.get("Filters"), _FILTERS)
    page, marker = paginate(items, params.get("Marker"), params.get("MaxRecords"), _PAGE_CAP,
                            key=lambda item: item["ResourceArn"])
    return {"IntegrationResourcePropertyList": page, **({"Marker": marker} if marker else {})}


def _require_property(ctx: RequestContext, arn: str) -> dict[str, Any]:
    record = find_record(ctx, RESOURCE_PROPERTY, arn)
    if record is None:
        raise EntityNotFoundException(f"Integration resource property for {arn} not found.")
    return record


# -- table properties ----------------------------------------------------------------------------------


def create_integration_table_properties(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Set how one table of an integration's source or target is replicated: {}."""
    arn, table = params["ResourceArn"], params["TableName"]
    check_property_resource(ctx, arn)
    record: dict[str, Any] = {"ResourceArn": arn, "TableName": table}
    record.update({member: params[member] for member in _TABLE_CONFIGS if params.get(member) is not None})
    if not ctx.store.insert(ctx.scope, TABLE_PROPERTIES.kind, arn, table, record):
        raise InvalidInputException(f"Integration table properties for table {table} of {arn} already exist.")
    return {}


def get_integration_table_properties(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _require_table(ctx, params["ResourceArn"], params["TableName"])


def update_integration_table_properties(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace the table configurations given: {}."""
    _require_table(ctx, params["ResourceArn"], params["TableName"])
    with updating_record(ctx, TABLE_PROPERTIES, params["TableName"], parent=params["ResourceArn"]) as record:
        record.update({member: params[member] for member in _TABLE_CONFIGS if params.get(member) is not None})
    return {}


def delete_integration_table_properties(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _require_table(ctx, params["ResourceArn"], params["TableName"])
    ctx.store.delete(ctx.scope, TABLE_PROPERTIES.kind, params["ResourceArn"], params["TableName"])
    return {}


def _require_table(ctx: RequestContext, arn: str, table: str) -> dict[str, Any]:
    record = find_record(ctx, TABLE_PROPERTIES, table, parent=arn)
    if record is None:
        raise EntityNotFoundException(f"Integration table properties for table {table} of {arn} not found.")
    return record


def _resource_property_exists(ctx: RequestContext, account: str, path: list[str]) -> bool:
    arn = f"arn:aws:glue:{ctx.region}:{account}:integrationresourceproperty/{'/'.join(path)}"
    return any(record["ResourcePropertyArn"] == arn
               for _, record in ctx.store.list(f"{account}/{ctx.region}", RESOURCE_PROPERTY.kind, ""))


tagging.register("integrationresourceproperty", _resource_property_exists)
