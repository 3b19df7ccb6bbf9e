"""Named queries (saved queries): CreateNamedQuery, GetNamedQuery, BatchGetNamedQuery, ListNamedQueries,
UpdateNamedQuery, DeleteNamedQuery.

A named query belongs to a work group (primary when none is named) and is addressed by a generated UUID;
ClientRequestToken makes a retried Create return the same id (Athena API reference, CreateNamedQuery).
"""

from __future__ import annotations

import uuid
from typing import Any

from ..context import RequestContext
from .common import NAMED_QUERY, PRIMARY, invalid_request, page
from .workgroups import require_work_group

_TOKENS = "athena_named_query_token"


def _require(ctx: RequestContext, query_id: str) -> dict[str, Any]:
    doc = ctx.store.get(ctx.scope, NAMED_QUERY, "", query_id)
    if doc is None:
        raise invalid_request(f"NamedQuery {query_id} was not found", "RESOURCE_NOT_FOUND")
    return doc


def create_named_query(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    work_group = params.get("WorkGroup") or PRIMARY
    require_work_group(ctx, work_group)
    token = params.get("ClientRequestToken")
    with ctx.store.transaction():
        if token:
            earlier = ctx.store.get(ctx.scope, _TOKENS, "", token)
            if earlier is not None:
                return {"NamedQueryId": earlier["NamedQueryId"]}
        query_id = str(uuid.uuid4())
        doc = {"NamedQueryId": query_id, "Name": params["Name"], "Database": params["Database"],
               "QueryString": params["QueryString"], "WorkGroup": work_group}
        if "Description" in params:
            doc["Description"] = params["Description"]
        ctx.store.put(ctx.scope, NAMED_QUERY, "", query_id, doc)
        if token:
            ctx.store.put(ctx.scope, _TOKENS, "", token, {"NamedQueryId": query_id})
    return {"NamedQueryId": query_id}


def get_named_query(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"NamedQuery": _require(ctx, params["NamedQueryId"])}


def batch_get_named_query(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found, missing = ctx.store.get_each(ctx.scope, NAMED_QUERY, "", list(dict.fromkeys(params["NamedQueryIds"])))
    return {"NamedQueries": found,
            "UnprocessedNamedQueryIds": [{"NamedQueryId": i, "ErrorCode": "INVALID_INPUT",
                                          "ErrorMessage": f"NamedQuery {i} was not found"} for i in missing]}


def list_named_queries(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    work_group = params.get("WorkGroup") or PRIMARY
    require_work_group(ctx, work_group)
    ids = [name for name, doc in ctx.store.list(ctx.scope, NAMED_QUERY, "") if doc["WorkGroup"] == work_group]
    chosen, token = page(ids, params.get("NextToken"), params.get("MaxResults"), 50)
    return {"NamedQueryIds": chosen, **({"NextToken": token} if token else {})}


def update_named_query(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with ctx.store.transaction():
        doc = _require(ctx, params["NamedQueryId"])
        doc.update(Name=params["Name"], QueryString=params["QueryString"])
        if "Description" in params:
            doc["Description"] = params["Description"]
        ctx.store.put(ctx.scope, NAMED_QUERY, "", doc["NamedQueryId"], doc)
    return {}


def delete_named_query(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if not ctx.store.delete(ctx.scope, NAMED_QUERY, "", params["NamedQueryId"]):
        raise invalid_request(f"NamedQuery {params['NamedQueryId']} was not found", "RESOURCE_NOT_FOUND")
    return {}
