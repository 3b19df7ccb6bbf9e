"""Resource policies of the Data Catalog: PutResourcePolicy, GetResourcePolicy, GetResourcePolicies,
DeleteResourcePolicy.

A policy is kept per resource ARN: the catalog's (`arn:aws:glue:<region>:<account>:catalog`, used when
ResourceArn is not given, as the API reference says) or one of its databases or tables
(`database/<db>`, `table/<db>/<table>`), which must exist (EntityNotFoundException). It is stored as
GetResourcePolicy returns it: PolicyInJson (as given), PolicyHash, CreateTime, UpdateTime; its ResourceArn and
EnableHybrid are kept but no operation returns them. The policy of a deleted database or table is not listed. PolicyHash is a hash of the policy text (base64 of its MD5: AWS's algorithm is not
documented, only that Put returns it and later calls pass it back).

PutResourcePolicy's conditions (API reference): PolicyExistsCondition MUST_EXIST updates a policy and NOT_EXIST
creates one, NONE or none ignores existence; PolicyHashCondition must equal the current policy's hash. A failed
condition is ConditionCheckFailureException and changes nothing; DeleteResourcePolicy checks PolicyHashCondition
the same way. The policy must be a JSON object with a Statement (an object or a non-empty list of objects, each
with Effect Allow or Deny): anything else is InvalidInputException (the model has no
MalformedPolicyDocumentException for Glue). Policies are not enforced: the emulator only obeys its user.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

from ..catalog.common import require_database, require_table
from ..clock import now
from ..context import RequestContext
from ..errors import AwsError, EntityNotFoundException, InvalidInputException
from ..records import RecordKind, delete_record, find_record, list_records, put_record

RESOURCE_POLICY = RecordKind("resource-policy", "Policy")
_ARN = re.compile(r"^arn:aws[a-z-]*:glue:([a-z0-9-]+):(\d{12}):(catalog|database/[^/]+|table/[^/]+/[^/]+)$")


class ConditionCheckFailureException(AwsError):
    """A PolicyHashCondition or PolicyExistsCondition that does not hold."""

    code = "ConditionCheckFailureException"


def policy_hash(policy: str) -> str:
    """The PolicyHash of a policy text: base64 of its MD5 digest (24 characters)."""
    return base64.b64encode(hashlib.md5(policy.encode()).digest()).decode()


def _check_policy(policy: str) -> None:
    try:
        document = json.loads(policy)
    except ValueError as exc:
        raise InvalidInputException(f"PolicyInJson is not valid JSON: {exc}.") from None
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise InvalidInputException("PolicyInJson must be a JSON object with a Statement.")
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") not in ("Allow", "Deny"):
            raise InvalidInputException("Each Statement of PolicyInJson must be an object with Effect Allow or Deny.")


def _resource(ctx: RequestContext, params: dict[str, Any]) -> str:
    """The policy's resource ARN (the catalog's when not given, names lower-cased); its database or table must
    exist."""
    arn = params.get("ResourceArn") or ctx.arn("glue", "catalog")
    match = _ARN.match(arn)
    if match is None:
        raise InvalidInputException(f"Invalid resource ARN for a resource policy: {arn}. Expected the catalog, "
                                    "a database or a table.")
    region, account, resource = match.groups()
    if (region, account) != (ctx.region, ctx.account):
        raise EntityNotFoundException(f"Resource {arn} not found.")
    kind, *names = resource.split("/")
    if kind == "database":
        require_database(ctx, account, names[0])
    elif kind == "table":
        require_table(ctx, account, names[0], names[1])
    # Catalog names are case-insensitive: any spelling of a database or table names the same policy.
    return ctx.arn("glue", "/".join([kind, *(name.lower() for name in names)]))


def _still_there(ctx: RequestContext, arn: str) -> bool:
    """Whether a policy's database or table still exists (a deleted one's policy is not listed)."""
    try:
        _resource(ctx, {"ResourceArn": arn})
    except EntityNotFoundException:
        return False
    return True


def _check_hash(current: dict[str, Any] | None, wanted: str | None) -> None:
    if wanted is not None and (current is None or current["PolicyHash"] != wanted):
        raise ConditionCheckFailureException("The PolicyHashCondition does not match the current policy's hash.")


def put_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{PolicyHash}; ConditionCheckFailureException when a condition fails, InvalidInputException for a bad policy."""
    policy = params["PolicyInJson"]
    _check_policy(policy)
    arn = _resource(ctx, params)
    with ctx.store.transaction():
        current = find_record(ctx, RESOURCE_POLICY, arn)
        exists_condition = params.get("PolicyExistsCondition") or "NONE"
        if exists_condition == "MUST_EXIST" and current is None:
            raise ConditionCheckFailureException("PolicyExistsCondition MUST_EXIST: there is no policy to update.")
        if exists_condition == "NOT_EXIST" and current is not None:
            raise ConditionCheckFailureException("PolicyExistsCondition NOT_EXIST: a policy already exists.")
        _check_hash(current, params.get("PolicyHashCondition"))
        changed = now()
        record = {"ResourceArn": arn, "PolicyInJson": policy, "PolicyHash": policy_hash(policy),
                  "CreateTime": current["CreateTime"] if current else changed, "UpdateTime": changed,
                  "EnableHybrid": params.get("EnableHybrid") or "FALSE"}
        put_record(ctx, RESOURCE_POLICY, arn, record)
    return {"PolicyHash": record["PolicyHash"]}


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {member: record[member] for member in ("PolicyInJson", "PolicyHash", "CreateTime", "UpdateTime")}


def get_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = _resource(ctx, params)
    record = find_record(ctx, RESOURCE_POLICY, arn)
    if record is None:
        raise EntityNotFoundException(f"Policy not found for resource {arn}.")
    return _public(record)


def get_resource_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Every policy of the caller's catalog and its existing resources, ordered by resource ARN, paged."""
    page, token = list_records(ctx, RESOURCE_POLICY, params, where=lambda record: _still_there(ctx, record["ResourceArn"]))
    result: dict[str, Any] = {"GetResourcePoliciesResponseList": [_public(record) for record in page]}
    if token:
        result["NextToken"] = token
    return result


def delete_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = _resource(ctx, params)
    with ctx.store.transaction():
        current = find_record(ctx, RESOURCE_POLICY, arn)
        if current is None:
            raise EntityNotFoundException(f"Policy not found for resource {arn}.")
        _check_hash(current, params.get("PolicyHashCondition"))
        delete_record(ctx, RESOURCE_POLICY, arn)
    return {}
