"""Glue's IAM Identity Center configuration: CreateGlueIdentityCenterConfiguration,
GetGlueIdentityCenterConfiguration, UpdateGlueIdentityCenterConfiguration, DeleteGlueIdentityCenterConfiguration.

An account (here: an account and region, as all state) has at most one configuration, so the operations name
none: a second Create answers AlreadyExistsException, Get/Update/Delete without one EntityNotFoundException
(https://docs.aws.amazon.com/glue/latest/webapi/API_CreateGlueIdentityCenterConfiguration.html). On AWS,
Create registers a Glue application in the Identity Center instance and answers its ApplicationArn; here the
ARN is made in Identity Center's form, `arn:aws:sso::<account>:application/<instance id>/apl-<16 hex>`, and no
Identity Center is reached: the record is what Get returns, {ApplicationArn, InstanceArn, Scopes (when
given), UserBackgroundSessionsEnabled}. InstanceArn must be an Identity Center instance ARN
(`arn:aws:sso:::instance/ssoins-<id>`), else InvalidInputException.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from ..context import RequestContext
from ..errors import AlreadyExistsException, EntityNotFoundException, InvalidInputException
from ..records import RecordKind, delete_record, find_record, updating_record

IDENTITY_CENTER = RecordKind("identity-center-configuration", "GlueIdentityCenterConfiguration")
# One configuration per account and region: the record's fixed name.
_THE_CONFIGURATION = "configuration"
_INSTANCE_ARN = re.compile(r"^arn:aws[a-z-]*:sso:::instance/(ssoins-[a-zA-Z0-9-.]{16,1200})$")


def create_glue_identity_center_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Register Glue with an Identity Center instance: {ApplicationArn}. AlreadyExistsException when the account
    has a configuration; InvalidInputException for an InstanceArn that is not an instance's."""
    match = _INSTANCE_ARN.match(params["InstanceArn"])
    if match is None:
        raise InvalidInputException(
            f"InstanceArn {params['InstanceArn']} is not an IAM Identity Center instance ARN "
            "(arn:aws:sso:::instance/ssoins-...)."
        )
    application = f"arn:aws:sso::{ctx.account}:application/{match.group(1)}/apl-{secrets.token_hex(8)}"
    record = {
        "ApplicationArn": application,
        "InstanceArn": params["InstanceArn"],
        "UserBackgroundSessionsEnabled": bool(params.get("UserBackgroundSessionsEnabled", False)),
    }
    if params.get("Scopes"):
        record["Scopes"] = list(params["Scopes"])
    if not ctx.store.insert(ctx.scope, IDENTITY_CENTER.kind, "", _THE_CONFIGURATION, record):
        raise AlreadyExistsException("A Glue Identity Center configuration already exists for this account.")
    return {"ApplicationArn": application}


def get_glue_identity_center_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _require(ctx)


def update_glue_identity_center_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace the Scopes and/or UserBackgroundSessionsEnabled given; the instance and application stay."""
    _require(ctx)  # the message of a missing configuration, not the records' generic one
    with updating_record(ctx, IDENTITY_CENTER, _THE_CONFIGURATION) as record:
        if "Scopes" in params:
            record["Scopes"] = list(params["Scopes"])
        if "UserBackgroundSessionsEnabled" in params:
            record["UserBackgroundSessionsEnabled"] = params["UserBackgroundSessionsEnabled"]
    return {}


def delete_glue_identity_center_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _require(ctx)
    delete_record(ctx, IDENTITY_CENTER, _THE_CONFIGURATION)
    return {}


def _require(ctx: RequestContext) -> dict[str, Any]:
    """The account's configuration; EntityNotFoundException when it has none."""
    record = find_record(ctx, IDENTITY_CENTER, _THE_CONFIGURATION)
    if record is None:
        raise EntityNotFoundException("No Glue Identity Center configuration exists for this account.")
    return record
