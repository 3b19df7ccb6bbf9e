"""Unfiltered reads for query engines: GetUnfilteredTableMetadata, GetUnfilteredPartitionMetadata,
GetUnfilteredPartitionsMetadata.

AWS (API reference; Lake Formation guide, "Application integration for full table access"): an engine that
enforces Lake Formation permissions itself reads the table or partitions with these operations and gets, beside
what GetTable / GetPartition / GetPartitions return, what the caller may see: AuthorizedColumns, CellFilters and
IsRegisteredWithLakeFormation. SupportedPermissionTypes tells which kinds of permission the engine can enforce
(PermissionTypeMismatchException when a permission of another kind applies). The IAM action is glue:GetTable /
glue:GetPartition / glue:GetPartitions.

Here no table is registered with Lake Formation, so AWS's answer for such tables applies: every column is
authorized (the table's columns then its partition keys), no cell filters, IsRegisteredWithLakeFormation false,
and no permission can mismatch the engine's types (the model checks the list: 1 to 255 of the four types).
Region, when given, reads the catalog of that region of the same account, as AWS documents for base tables of
another region. Permissions asked for are granted (IAM decides, and the emulator grants everything).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..context import RequestContext
from .common import catalog_id, require_table
from .partitions import get_partition, get_partitions
from .tables import table_arn


def _in_region(ctx: RequestContext, params: dict[str, Any]) -> RequestContext:
    """The context of the catalog addressed: the request's region, or Region when the base table is elsewhere."""
    region = params.get("Region")
    return replace(ctx, region=region) if region and region != ctx.region else ctx


def _authorized_columns(table: dict[str, Any]) -> list[str]:
    columns = (table.get("StorageDescriptor") or {}).get("Columns") or []
    return [c["Name"] for c in columns + (table.get("PartitionKeys") or [])]


def get_unfiltered_table_metadata(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"Table", "AuthorizedColumns", "IsRegisteredWithLakeFormation": false, "CellFilters": [], "ResourceArn",
    "IsMultiDialectView", "IsMaterializedView", "IsProtected", "QueryAuthorizationId"?, "Permissions"?};
    EntityNotFoundException for a missing database or table."""
    ctx = _in_region(ctx, params)
    catalog = catalog_id(ctx, params)
    table = require_table(ctx, catalog, params["DatabaseName"], params["Name"])
    view = table.get("ViewDefinition") or {}
    result: dict[str, Any] = {
        "Table": table, "AuthorizedColumns": _authorized_columns(table), "IsRegisteredWithLakeFormation": False,
        "CellFilters": [], "ResourceArn": table_arn(ctx, catalog, table["DatabaseName"], table["Name"]),
        "IsMultiDialectView": len(view.get("Representations") or []) > 1,
        "IsMaterializedView": bool(table.get("IsMaterializedView")), "IsProtected": bool(view.get("IsProtected")),
    }
    authorization = (params.get("QuerySessionContext") or {}).get("QueryAuthorizationId")
    if authorization:
        result["QueryAuthorizationId"] = authorization
    if params.get("Permissions"):
        result["Permissions"] = params["Permissions"]
    return result


def get_unfiltered_partition_metadata(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"Partition", "AuthorizedColumns", "IsRegisteredWithLakeFormation": false}; EntityNotFoundException for a
    missing database, table or partition."""
    ctx = _in_region(ctx, params)
    table = require_table(ctx, catalog_id(ctx, params), params["DatabaseName"], params["TableName"])
    partition = get_partition(ctx, params)["Partition"]
    return {"Partition": partition, "AuthorizedColumns": _authorized_columns(table),
            "IsRegisteredWithLakeFormation": False}


def get_unfiltered_partitions_metadata(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"UnfilteredPartitions": [{"Partition", "AuthorizedColumns", "IsRegisteredWithLakeFormation"}],
    "NextToken"?}: GetPartitions' selection (Expression, Segment, MaxResults, NextToken) with what each allows."""
    ctx = _in_region(ctx, params)
    table = require_table(ctx, catalog_id(ctx, params), params["DatabaseName"], params["TableName"])
    columns = _authorized_columns(table)
    page = get_partitions(ctx, params)
    result: dict[str, Any] = {"UnfilteredPartitions": [
        {"Partition": partition, "AuthorizedColumns": columns, "IsRegisteredWithLakeFormation": False}
        for partition in page["Partitions"]
    ]}
    if page.get("NextToken"):
        result["NextToken"] = page["NextToken"]
    return result
