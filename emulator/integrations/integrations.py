"""Integrations: CreateIntegration, ModifyIntegration, DeleteIntegration, DescribeIntegrations,
DescribeInboundIntegrations.

An integration is stored as the Integration shape (https://docs.aws.amazon.com/glue/latest/webapi/API_Integration.html)
under its IntegrationArn, `arn:aws:glue:<region>:<account>:integration:<uuid>`, which every operation takes as
IntegrationIdentifier. Checks as AWS makes them: the source and target must be ones zero-ETL supports and exist
(resources.py); IntegrationName is unique in the account (IntegrationConflictOperationFault);
AdditionalEncryptionContext needs a KmsKeyId (ValidationException); an unknown identifier is
IntegrationNotFoundFault. Tags live in the tag store under the IntegrationArn (TagResource, GetTags and
UntagResource work on it, and DescribeIntegrations shows them as they are now); a key starting with `aws:` is
InvalidInputException, as for every Glue resource (tagging.py).

Status, locally: CreateIntegration answers CREATING and ModifyIntegration MODIFYING, as AWS does, and the
integration is ACTIVE from then on (describe it and it is ACTIVE); DeleteIntegration answers DELETING and the
integration is gone. ACTIVE means here that the integration is defined and its ends exist: no data is ever
replicated from the source to the target.
"""

from __future__ import annotations

import uuid
from typing import Any

from .. import tagging
from ..clock import now
from ..context import RequestContext
from ..errors import InvalidInputException, ValidationException
from ..pagination import paginate
from ..records import RecordKind, all_records, find_record
from .filters import filtered
from .resources import (
    IntegrationConflictOperationFault,
    IntegrationNotFoundFault,
    check_source,
    check_target,
    tag_map,
)

INTEGRATION = RecordKind("integration", "Integration", page_cap=100)
# DescribeIntegrations' filters: filter name -> the member it matches.
_FILTERS = {"IntegrationName": "IntegrationName", "Status": "Status", "SourceArn": "SourceArn",
            "TargetArn": "TargetArn", "IntegrationArn": "IntegrationArn"}
_INBOUND_MEMBERS = ("SourceArn", "TargetArn", "IntegrationArn", "Status", "CreateTime", "IntegrationConfig",
                    "Errors")
_OPTIONAL = ("Description", "DataFilter", "KmsKeyId", "AdditionalEncryptionContext", "IntegrationConfig")


def _require(ctx: RequestContext, identifier: str) -> dict[str, Any]:
    record = find_record(ctx, INTEGRATION, identifier)
    if record is None:
        raise IntegrationNotFoundFault(f"Integration {identifier} not found.")
    return record


def _view(ctx: RequestContext, record: dict[str, Any]) -> dict[str, Any]:
    """The Integration shape: the record with its current tags as IntegrationTagsList ({key, value} items)."""
    tags = tagging.tags_of(ctx, record["IntegrationArn"])
    return {**record, "Tags": [{"key": k, "value": v} for k, v in tags.items()]} if tags else record


def _check_name_free(ctx: RequestContext, name: str, own_arn: str | None = None) -> None:
    for arn, record in all_records(ctx, INTEGRATION):
        if record["IntegrationName"] == name and arn != own_arn:
            raise IntegrationConflictOperationFault(f"An integration named {name} already exists.")


def create_integration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Define an integration: the Integration, Status CREATING (ACTIVE when next described)."""
    if params.get("AdditionalEncryptionContext") and not params.get("KmsKeyId"):
        raise ValidationException("AdditionalEncryptionContext can only be provided with a KmsKeyId.")
    tags = tag_map(params.get("Tags"))
    tagging.check_tags(tags)
    check_source(ctx, params["SourceArn"])
    check_target(ctx, params["TargetArn"])
    arn = ctx.arn("glue", f"integration:{uuid.uuid4()}")
    record: dict[str, Any] = {"SourceArn": params["SourceArn"], "TargetArn": params["TargetArn"],
                              "IntegrationName": params["IntegrationName"], "IntegrationArn": arn}
    record.update({member: params[member] for member in _OPTIONAL if params.get(member) is not None})
    record.update(Status="ACTIVE", CreateTime=now())
    with ctx.store.transaction():
        _check_name_free(ctx, params["IntegrationName"])
        ctx.store.insert(ctx.scope, INTEGRATION.kind, "", arn, record)
        tagging.set_tags(ctx, arn, tags)
    return {**_view(ctx, record), "Status": "CREATING"}


def modify_integration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Change the Description, DataFilter, IntegrationConfig or IntegrationName: the Integration, MODIFYING."""
    identifier = params["IntegrationIdentifier"]
    with ctx.store.transaction():
        record = _require(ctx, identifier)
        if params.get("IntegrationName") is not None:
            _check_name_free(ctx, params["IntegrationName"], own_arn=identifier)
            record["IntegrationName"] = params["IntegrationName"]
        for member in ("Description", "DataFilter", "IntegrationConfig"):
            if params.get(member) is not None:
                record[member] = params[member]
        ctx.store.put(ctx.scope, INTEGRATION.kind, "", identifier, record)
    return {**_view(ctx, record), "Status": "MODIFYING"}


def delete_integration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete an integration: the Integration as it was, Status DELETING."""
    identifier = params["IntegrationIdentifier"]
    with ctx.store.transaction():
        record = _view(ctx, _require(ctx, identifier))
        ctx.store.delete(ctx.scope, INTEGRATION.kind, "", identifier)
        tagging.drop_tags(ctx, identifier)
    record.pop("IntegrationConfig", None)  # not a member of DeleteIntegration's answer
    return {**record, "Status": "DELETING"}


def _page(items: list[dict[str, Any]], params: dict[str, Any]) -> tuple[list[Any], str | None]:
    max_records = params.get("MaxRecords")
    if max_records is not None and not 1 <= max_records <= INTEGRATION.page_cap:
        raise InvalidInputException(f"MaxRecords must be between 1 and {INTEGRATION.page_cap}.")
    # Keyed by the ARN's uuid (its only varying part, so the same order): a whole ARN makes a Marker longer
    # than the model's 128 characters.
    return paginate(items, params.get("Marker"), max_records, INTEGRATION.page_cap,
                    key=lambda item: item["IntegrationArn"].rsplit(":", 1)[-1])


def describe_integrations(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The integrations (one when IntegrationIdentifier is given), kept by Filters, paged by Marker/MaxRecords.

    A filter's Name is one of IntegrationName, Status, SourceArn, TargetArn, IntegrationArn (else
    InvalidInputException); an integration passes when its member is one of the filter's Values.
    """
    if params.get("IntegrationIdentifier"):
        items = [_require(ctx, params["IntegrationIdentifier"])]
    else:
        items = [record for _, record in all_records(ctx, INTEGRATION)]
    items = [_view(ctx, item) for item in filtered(items, params.get("Filters"), _FILTERS)]
    page, marker = _page(items, params)
    return {"Integrations": page, **({"Marker": marker} if marker else {})}


def describe_inbound_integrations(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The integrations writing into this account's resources, as InboundIntegration records, kept by
    IntegrationArn and TargetArn when given (IntegrationNotFoundFault for an unknown IntegrationArn)."""
    if params.get("IntegrationArn"):
        items = [_require(ctx, params["IntegrationArn"])]
    else:
        items = [record for _, record in all_records(ctx, INTEGRATION)]
    if params.get("TargetArn"):
        items = [item for item in items if item["TargetArn"] == params["TargetArn"]]
    inbound = [{member: item[member] for member in _INBOUND_MEMBERS if member in item} for item in items]
    page, marker = _page(inbound, params)
    return {"InboundIntegrations": page, **({"Marker": marker} if marker else {})}


def _integration_exists(ctx: RequestContext, account: str, path: list[str]) -> bool:
    arn = f"arn:aws:glue:{ctx.region}:{account}:integration:{'/'.join(path)}"
    return ctx.store.get(f"{account}/{ctx.region}", INTEGRATION.kind, "", arn) is not None


tagging.register("integration", _integration_exists, separator=":")
