"""Schema version metadata: PutSchemaVersionMetadata, QuerySchemaVersionMetadata, RemoveSchemaVersionMetadata.

AWS's rules (API reference, "Schema registry"): a version carries key-value pairs, at most 10 pairs
(ResourceNumberLimitExceededException past that), added over one or more calls; a key may hold several values
(the same pair twice is AlreadyExistsException). A query answers a MetadataInfoMap: per key its latest value with
CreatedTime, the key's other values in OtherMetadataValueList; MetadataList narrows it to keys (and values), and
it pages 25 keys at a time by default (MaxResults at most 50). Removing a pair that is not there is
EntityNotFoundException. The version is named as in GetSchemaVersion (SchemaVersionId, or SchemaId with
SchemaVersionNumber); DeleteSchemaVersions and DeleteSchema drop its metadata with it.
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import (
    AlreadyExistsException,
    EntityNotFoundException,
    InvalidInputException,
    ResourceNumberLimitExceededException,
)
from ..pagination import paginate
from ..records import Record, updating_record
from .ids import VERSIONS, resolve_version, schema_parent, timestamp, version_key

MAX_PAIRS = 10
_PAGE, _PAGE_CAP = 25, 50


def _pair(params: dict[str, Any]) -> tuple[str, str]:
    """The request's MetadataKeyValue: both members are needed (the model leaves them optional)."""
    pair = params["MetadataKeyValue"]
    if pair.get("MetadataKey") is None or pair.get("MetadataValue") is None:
        raise InvalidInputException("MetadataKeyValue needs both MetadataKey and MetadataValue.")
    return pair["MetadataKey"], pair["MetadataValue"]


def _answer(schema: Record, version: Record, key: str, value: str) -> dict[str, Any]:
    return {"SchemaArn": schema["SchemaArn"], "SchemaName": schema["SchemaName"],
            "RegistryName": schema["RegistryName"],
            "LatestVersion": version["VersionNumber"] == schema["LatestSchemaVersion"],
            "VersionNumber": version["VersionNumber"], "SchemaVersionId": version["SchemaVersionId"],
            "MetadataKey": key, "MetadataValue": value}


def _updating(ctx: RequestContext, schema: Record, version: Record) -> Any:
    parent = schema_parent(schema["RegistryName"], schema["SchemaName"])
    return updating_record(ctx, VERSIONS, version_key(version["VersionNumber"]), parent)


def put_schema_version_metadata(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Add one pair -> {SchemaArn, SchemaName, RegistryName, LatestVersion, VersionNumber, SchemaVersionId,
    MetadataKey, MetadataValue}."""
    key, value = _pair(params)
    with ctx.store.transaction():
        schema, version = resolve_version(ctx, params)
        with _updating(ctx, schema, version) as record:
            values = record["Metadata"].setdefault(key, [])
            if any(item["MetadataValue"] == value for item in values):
                raise AlreadyExistsException(f"Metadata key {key} with value {value} already exists.")
            if sum(len(items) for items in record["Metadata"].values()) >= MAX_PAIRS:
                raise ResourceNumberLimitExceededException(
                    f"A schema version can have at most {MAX_PAIRS} metadata key-value pairs.")
            values.append({"MetadataValue": value, "CreatedTime": timestamp()})
    return _answer(schema, version, key, value)


def _matches(key: str, values: list[dict[str, str]], wanted: list[dict[str, Any]]) -> str | None:
    """The value to show first for `key` when it passes the MetadataList filter (None when it does not)."""
    if not wanted:
        return values[-1]["MetadataValue"]
    for item in wanted:
        if item.get("MetadataKey") not in (None, key):
            continue
        value = item.get("MetadataValue")
        if value is None:
            return values[-1]["MetadataValue"]
        if any(entry["MetadataValue"] == value for entry in values):
            return value
    return None


def query_schema_version_metadata(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """-> {MetadataInfoMap: {key: {MetadataValue, CreatedTime, OtherMetadataValueList}}, SchemaVersionId,
    NextToken?}."""
    _, version = resolve_version(ctx, params)
    wanted = params.get("MetadataList") or []
    infos = []
    for key, values in sorted(version["Metadata"].items()):
        first = _matches(key, values, wanted) if values else None
        if first is None:
            continue
        main = next(entry for entry in values if entry["MetadataValue"] == first)
        others = [entry for entry in values if entry is not main]
        infos.append((key, {**main, "OtherMetadataValueList": others}))
    page, token = paginate(infos, params.get("NextToken"), params.get("MaxResults") or _PAGE, _PAGE_CAP,
                           key=lambda row: row[0])
    return {"MetadataInfoMap": dict(page), "SchemaVersionId": version["SchemaVersionId"],
            **({"NextToken": token} if token else {})}


def remove_schema_version_metadata(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Remove one pair -> the same members as PutSchemaVersionMetadata; EntityNotFoundException when absent."""
    key, value = _pair(params)
    with ctx.store.transaction():
        schema, version = resolve_version(ctx, params)
        with _updating(ctx, schema, version) as record:
            values = record["Metadata"].get(key, [])
            kept = [entry for entry in values if entry["MetadataValue"] != value]
            if len(kept) == len(values):
                raise EntityNotFoundException(f"Metadata key {key} with value {value} is not found.")
            if kept:
                record["Metadata"][key] = kept
            else:
                del record["Metadata"][key]
    return _answer(schema, version, key, value)
