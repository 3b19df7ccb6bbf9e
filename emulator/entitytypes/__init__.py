"""Custom entity types (custom patterns for sensitive-data detection): CreateCustomEntityType,
GetCustomEntityType, BatchGetCustomEntityTypes, ListCustomEntityTypes, DeleteCustomEntityType.

A custom entity type is a name, a RegexString (Java regular expression syntax, compiled as
emulator/runtime/awsglueml/_patterns.py says) and up to 20 ContextWords (the model bounds them: 1-20 words of
1-255 characters). As on AWS (https://docs.aws.amazon.com/glue/latest/webapi/API_CreateCustomEntityType.html)
the name is unique per
account (here per account and region, as all state), a RegexString that does not compile is refused with
InvalidInputException, and the record is stored as GetCustomEntityType returns it: {Name, RegexString,
ContextWords?}. Tags live under `arn:aws:glue:<region>:<account>:customEntityType/<name>`.

Detection itself (Glue Studio's "Detect Sensitive Data" node, `EntityDetector`) runs in job scripts
(emulator/runtime/awsglueml/), which read these records through BatchGetCustomEntityTypes.
"""

from __future__ import annotations

from typing import Any

from .. import tagging
from ..context import RequestContext
from ..errors import InvalidInputException
from ..records import (
    RecordKind,
    batch_get_records,
    create_tagged_record,
    delete_record,
    list_records,
    require_record,
)
from ..runtime.awsglueml._patterns import PatternError, compile_pattern

CUSTOM_ENTITY_TYPE = RecordKind("custom-entity-type", "CustomEntityType", page_cap=1000)


def entity_type_arn(ctx: RequestContext, name: str) -> str:
    return tagging.resource_arn(ctx, f"customEntityType/{name}")


def check_pattern(pattern: str) -> None:
    """InvalidInputException naming the compiler's complaint when RegexString does not compile."""
    try:
        compile_pattern(pattern)
    except PatternError as exc:
        raise InvalidInputException(f"RegexString is not a valid regular expression: {exc}") from None


def create_custom_entity_type(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Store a custom pattern: {Name}. AlreadyExistsException for a taken name, InvalidInputException for
    a RegexString that does not compile."""
    check_pattern(params["RegexString"])
    record = {"Name": params["Name"], "RegexString": params["RegexString"]}
    if params.get("ContextWords"):
        record["ContextWords"] = list(params["ContextWords"])
    create_tagged_record(ctx, CUSTOM_ENTITY_TYPE, params["Name"], record, entity_type_arn(ctx, params["Name"]),
                         params.get("Tags"))
    return {"Name": params["Name"]}


def get_custom_entity_type(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return require_record(ctx, CUSTOM_ENTITY_TYPE, params["Name"])


def batch_get_custom_entity_types(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found, missing = batch_get_records(ctx, CUSTOM_ENTITY_TYPE, params["Names"])
    return {"CustomEntityTypes": found, "CustomEntityTypesNotFound": missing}


def list_custom_entity_types(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """A page of custom entity types by name, keeping those that carry every tag of the Tags filter."""
    wanted = params.get("Tags") or {}

    def tagged(record: dict[str, Any]) -> bool:
        return wanted.items() <= tagging.tags_of(ctx, entity_type_arn(ctx, record["Name"])).items()

    page, token = list_records(ctx, CUSTOM_ENTITY_TYPE, params, where=tagged if wanted else None)
    return {"CustomEntityTypes": page, **({"NextToken": token} if token else {})}


def delete_custom_entity_type(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with ctx.store.transaction():
        delete_record(ctx, CUSTOM_ENTITY_TYPE, params["Name"])
        tagging.drop_tags(ctx, entity_type_arn(ctx, params["Name"]))
    return {"Name": params["Name"]}


def _entity_type_exists(ctx: RequestContext, account: str, path: list[str]) -> bool:
    return ctx.store.get(f"{account}/{ctx.region}", CUSTOM_ENTITY_TYPE.kind, "", "/".join(path)) is not None


tagging.register("customEntityType", _entity_type_exists)
