"""Prepared statements of a work group: Create/Get/List/Update/Delete/BatchGetPreparedStatement.

A statement's text holds `?` placeholders that `EXECUTE <name> USING v1, v2` (or StartQueryExecution's
ExecutionParameters) fill in order (Athena user guide, "Querying with prepared statements"). A missing
statement is ResourceNotFoundException on Get/Update/Delete, as the model's errors say.
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import AwsError
from .common import PREPARED_STATEMENT, invalid_request, now, page, unprocessed
from .workgroups import require_work_group


def _missing(name: str) -> AwsError:
    return AwsError(f"Prepared statement {name} was not found.", code="ResourceNotFoundException",
                    ResourceName=name)


def require_prepared_statement(ctx: RequestContext, work_group: str, name: str) -> dict[str, Any]:
    """The statement; ResourceNotFoundException when the work group has none of that name."""
    doc = ctx.store.get(ctx.scope, PREPARED_STATEMENT, work_group, name)
    if doc is None:
        raise _missing(name)
    return doc


def _doc(params: dict[str, Any]) -> dict[str, Any]:
    doc = {"StatementName": params["StatementName"], "QueryStatement": params["QueryStatement"],
           "WorkGroupName": params["WorkGroup"], "LastModifiedTime": now()}
    if "Description" in params:
        doc["Description"] = params["Description"]
    return doc


def create_prepared_statement(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    require_work_group(ctx, params["WorkGroup"])
    if not ctx.store.insert(ctx.scope, PREPARED_STATEMENT, params["WorkGroup"], params["StatementName"],
                            _doc(params)):
        raise invalid_request(f"Prepared statement {params['StatementName']} already exists",
                              "RESOURCE_ALREADY_EXISTS")
    return {}


def put_prepared_statement(ctx: RequestContext, work_group: str, name: str, sql: str) -> None:
    """SQL's `PREPARE name FROM sql`: the work group's statement of that name, created or replaced."""
    ctx.store.put(ctx.scope, PREPARED_STATEMENT, work_group, name,
                  _doc({"StatementName": name, "QueryStatement": sql, "WorkGroup": work_group}))


def deallocate_prepared_statement(ctx: RequestContext, work_group: str, name: str) -> bool:
    """SQL's `DEALLOCATE PREPARE name`: False when the work group has no statement of that name."""
    return ctx.store.delete(ctx.scope, PREPARED_STATEMENT, work_group, name)


def get_prepared_statement(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    require_work_group(ctx, params["WorkGroup"])
    return {"PreparedStatement": require_prepared_statement(ctx, params["WorkGroup"], params["StatementName"])}


def batch_get_prepared_statement(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    require_work_group(ctx, params["WorkGroup"])
    names = list(dict.fromkeys(params["PreparedStatementNames"]))
    found, missing = ctx.store.get_each(ctx.scope, PREPARED_STATEMENT, params["WorkGroup"], names)
    return {"PreparedStatements": found,
            "UnprocessedPreparedStatementNames": unprocessed(missing, "StatementName",
                                                             "Prepared statement {} was not found.")}


def list_prepared_statements(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    require_work_group(ctx, params["WorkGroup"])
    rows = ctx.store.list(ctx.scope, PREPARED_STATEMENT, params["WorkGroup"])
    chosen, token = page(rows, params.get("NextToken"), params.get("MaxResults"), 50)
    return {"PreparedStatements": [{"StatementName": n, "LastModifiedTime": d["LastModifiedTime"]}
                                   for n, d in chosen], **({"NextToken": token} if token else {})}


def update_prepared_statement(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with ctx.store.transaction():
        require_prepared_statement(ctx, params["WorkGroup"], params["StatementName"])
        ctx.store.put(ctx.scope, PREPARED_STATEMENT, params["WorkGroup"], params["StatementName"], _doc(params))
    return {}


def delete_prepared_statement(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    require_work_group(ctx, params["WorkGroup"])
    if not deallocate_prepared_statement(ctx, params["WorkGroup"], params["StatementName"]):
        raise _missing(params["StatementName"])
    return {}
