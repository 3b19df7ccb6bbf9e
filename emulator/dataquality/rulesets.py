"""Data-quality rulesets: CreateDataQualityRuleset, GetDataQualityRuleset, UpdateDataQualityRuleset,
DeleteDataQualityRuleset, ListDataQualityRulesets.

A ruleset is stored as the shape GetDataQualityRuleset returns (kind "dq_ruleset", name = ruleset name):
Name, Description, Ruleset (DQDL text), TargetTable, CreatedOn, LastModifiedOn, RecommendationRunId and
DataQualitySecurityConfiguration. Every DQDL text is parsed on the way in: an invalid ruleset is refused with
InvalidInputException carrying the parser's message, as AWS refuses it at creation (the DQDL reference,
https://docs.aws.amazon.com/glue/latest/dg/dqdl.html). Tags live under the ruleset's ARN
`arn:aws:glue:<region>:<account>:dataQualityRuleset/<name>` (TagResource/GetTags work on it).
ListDataQualityRulesets shows each ruleset's RuleCount, the number of top-level rules of its DQDL.
"""

from __future__ import annotations

from typing import Any

from .. import tagging
from ..clock import now
from ..context import RequestContext
from ..errors import AlreadyExistsException, EntityNotFoundException, InvalidInputException
from ..pagination import paginate
from .dqdl import DqdlError, Ruleset, parse

RULESET = "dq_ruleset"
_PAGE_CAP = 1000
_SUMMARY_MEMBERS = ("Name", "Description", "CreatedOn", "LastModifiedOn", "TargetTable", "RecommendationRunId")


def ruleset_arn(ctx: RequestContext, name: str) -> str:
    return tagging.resource_arn(ctx, f"dataQualityRuleset/{name}")


def parse_ruleset(text: str) -> Ruleset:
    """The parsed DQDL of a ruleset; InvalidInputException with the parser's message when it is not valid."""
    try:
        return parse(text)
    except DqdlError as exc:
        raise InvalidInputException(str(exc)) from None


def require_ruleset(ctx: RequestContext, name: str) -> dict[str, Any]:
    """The stored ruleset, or EntityNotFoundException as AWS answers for an unknown name."""
    ruleset = ctx.store.get(ctx.scope, RULESET, "", name)
    if ruleset is None:
        raise EntityNotFoundException(f"Cannot find Data Quality Ruleset in account {ctx.account} with name {name}")
    return ruleset


def store_ruleset(ctx: RequestContext, doc: dict[str, Any], tags: dict[str, str] | None = None) -> None:
    """Create a ruleset document (also used by recommendation runs with CreatedRulesetName)."""
    if not ctx.store.insert(ctx.scope, RULESET, "", doc["Name"], doc):
        raise AlreadyExistsException(f"Data Quality Ruleset with name {doc['Name']} already exists")
    tagging.set_tags(ctx, ruleset_arn(ctx, doc["Name"]), tags)


def create_data_quality_ruleset(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a ruleset: {Name}. AlreadyExistsException for a taken name, InvalidInputException for bad DQDL."""
    parse_ruleset(params["Ruleset"])
    tagging.check_tags(params.get("Tags"))  # before the insert: a refused tag must not leave the ruleset
    created = now()
    doc: dict[str, Any] = {"Name": params["Name"], "Ruleset": params["Ruleset"], "CreatedOn": created,
                           "LastModifiedOn": created}
    for member in ("Description", "TargetTable", "DataQualitySecurityConfiguration"):
        if params.get(member) is not None:
            doc[member] = params[member]
    store_ruleset(ctx, doc, params.get("Tags"))
    return {"Name": params["Name"]}


def get_data_quality_ruleset(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return require_ruleset(ctx, params["Name"])


def update_data_quality_ruleset(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace the Description and/or the DQDL text; answers {Name, Description, Ruleset} as updated."""
    if params.get("Ruleset") is not None:
        parse_ruleset(params["Ruleset"])
    with ctx.store.transaction():
        doc = require_ruleset(ctx, params["Name"])
        for member in ("Description", "Ruleset"):
            if params.get(member) is not None:
                doc[member] = params[member]
        doc["LastModifiedOn"] = now()
        ctx.store.put(ctx.scope, RULESET, "", doc["Name"], doc)
    return {member: doc[member] for member in ("Name", "Description", "Ruleset") if member in doc}


def delete_data_quality_ruleset(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if not ctx.store.delete(ctx.scope, RULESET, "", params["Name"]):
        require_ruleset(ctx, params["Name"])
    tagging.drop_tags(ctx, ruleset_arn(ctx, params["Name"]))
    return {}


def _same_table(wanted: dict[str, Any], table: dict[str, Any] | None) -> bool:
    if table is None:
        return False
    return (table["DatabaseName"], table["TableName"]) == (wanted["DatabaseName"], wanted["TableName"]) \
        and wanted.get("CatalogId") in (None, table.get("CatalogId"))


def _matches(doc: dict[str, Any], criteria: dict[str, Any]) -> bool:
    """ListDataQualityRulesets' Filter: every criterion given must hold (names and descriptions match exactly)."""
    checks = (
        ("Name", lambda v: doc["Name"] == v),
        ("Description", lambda v: doc.get("Description") == v),
        ("CreatedBefore", lambda v: doc["CreatedOn"] < v),
        ("CreatedAfter", lambda v: doc["CreatedOn"] > v),
        ("LastModifiedBefore", lambda v: doc["LastModifiedOn"] < v),
        ("LastModifiedAfter", lambda v: doc["LastModifiedOn"] > v),
        ("TargetTable", lambda v: _same_table(v, doc.get("TargetTable"))),
    )
    return all(check(criteria[member]) for member, check in checks if criteria.get(member) is not None)


def _summary(doc: dict[str, Any]) -> dict[str, Any]:
    summary = {member: doc[member] for member in _SUMMARY_MEMBERS if member in doc}
    summary["RuleCount"] = len(parse_ruleset(doc["Ruleset"]).rules)
    return summary


def list_data_quality_rulesets(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Ruleset summaries (with RuleCount) by name, filtered by Filter and Tags; NextToken/MaxResults paging."""
    criteria = params.get("Filter") or {}
    docs = [doc for _, doc in ctx.store.list(ctx.scope, RULESET, "") if _matches(doc, criteria)]
    names = set(tagging.having_tags(ctx, [doc["Name"] for doc in docs], params.get("Tags"), ruleset_arn))
    docs = [doc for doc in docs if doc["Name"] in names]
    page, token = paginate(docs, params.get("NextToken"), params.get("MaxResults"), _PAGE_CAP,
                           key=lambda doc: doc["Name"])
    result: dict[str, Any] = {"Rulesets": [_summary(doc) for doc in page]}
    if token:
        result["NextToken"] = token
    return result


def _ruleset_exists(ctx: RequestContext, account: str, parts: list[str]) -> bool:
    return account == ctx.account and len(parts) == 1 and ctx.store.get(ctx.scope, RULESET, "", parts[0]) is not None


tagging.register("dataQualityRuleset", _ruleset_exists)
