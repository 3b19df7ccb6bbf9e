"""Query executions: StartQueryExecution, GetQueryExecution, BatchGetQueryExecution, ListQueryExecutions,
StopQueryExecution, GetQueryResults.

The output location is the work group's when it enforces its configuration, else the request's, else the work
group's; with none, StartQueryExecution is refused ("No output location provided..."), as Athena does. A query's
result object is `<location>/<id>.csv` (`.txt` for DDL, no extension for CTAS/INSERT, whose manifest is
`<id>-manifest.csv`). ClientRequestToken makes a retried start return the first id. ListQueryExecutions lists a
work group's executions newest first. GetQueryResults answers only a SUCCEEDED execution (InvalidRequestException
"Query has not yet finished. Current state: RUNNING" otherwise), MaxResults at most 1000 rows a page.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from ..context import RequestContext
from .common import PRIMARY, QUERY, invalid_request, next_token, now, page, token_position
from .results import read_lines, read_rows
from .runner import FINAL, AthenaRunner
from .workgroups import require_work_group

_TOKENS = "athena_query_token"
_PUBLIC = ("QueryExecutionId", "Query", "StatementType", "SubstatementType", "ResultConfiguration",
           "QueryExecutionContext", "Status", "Statistics", "WorkGroup", "EngineVersion", "ExecutionParameters",
           "ResultReuseConfiguration")
_DDL = re.compile(r"(?is)^\s*(CREATE|DROP|ALTER|MSCK)\b")
_UTILITY = re.compile(r"(?is)^\s*(SHOW|DESCRIBE)\b")
_CTAS = re.compile(r"(?is)^\s*CREATE\s+TABLE\b.*\bAS\b\s*(\(|SELECT|WITH|VALUES)")
_INSERT = re.compile(r"(?is)^\s*INSERT\b")


def _kinds(query: str) -> tuple[str, str, str]:
    """(StatementType, SubstatementType, result object suffix) of a query text."""
    if _CTAS.match(query):
        return "DDL", "CREATE_TABLE_AS_SELECT", ""
    if _INSERT.match(query):
        return "DML", "INSERT", ""
    if utility := _UTILITY.match(query):
        return "UTILITY", utility.group(1).upper(), ".txt"
    match = _DDL.match(query)
    if match:
        return "DDL", match.group(1).upper() + "_" + "STATEMENT", ".txt"
    if re.match(r"(?is)^\s*EXECUTE\b", query):
        return "DML", "EXECUTE", ".csv"
    return "DML", "SELECT", ".csv"


def _require(ctx: RequestContext, query_id: str) -> dict[str, Any]:
    ctx.emulator.component(AthenaRunner)  # started, it has failed what a previous server left running
    doc = ctx.store.get(ctx.scope, QUERY, "", query_id)
    if doc is None:
        raise invalid_request(f"QueryExecution {query_id} was not found", "INVALID_INPUT")
    return doc


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: doc[k] for k in _PUBLIC if k in doc}


def _output_location(work_group: dict[str, Any], params: dict[str, Any]) -> str:
    config = work_group["Configuration"]
    own = (config.get("ResultConfiguration") or {}).get("OutputLocation")
    asked = (params.get("ResultConfiguration") or {}).get("OutputLocation")
    location = own if config.get("EnforceWorkGroupConfiguration") and own else asked or own
    if not location:
        raise invalid_request("No output location provided. An output location is required either through the "
                              "Workgroup result configuration setting or as an API input.")
    return location


def start_query_execution(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    runner = ctx.emulator.component(AthenaRunner)  # first: starting, it fails what a previous server left running
    name = params.get("WorkGroup") or PRIMARY
    work_group = require_work_group(ctx, name)
    if work_group["State"] != "ENABLED":
        raise invalid_request(f"WorkGroup {name} is disabled.")
    token = params.get("ClientRequestToken")
    if token:
        earlier = ctx.store.get(ctx.scope, _TOKENS, "", token)
        if earlier is not None:
            return {"QueryExecutionId": earlier["QueryExecutionId"]}
    location = _output_location(work_group, params)
    query_id = str(uuid.uuid4())
    statement_type, substatement, suffix = _kinds(params["QueryString"])
    context = dict(params.get("QueryExecutionContext") or {})
    doc: dict[str, Any] = {
        "QueryExecutionId": query_id, "Query": params["QueryString"], "StatementType": statement_type,
        "SubstatementType": substatement, "WorkGroup": name,
        "ResultConfiguration": {"OutputLocation": f"{location.rstrip('/')}/{query_id}{suffix}"},
        "QueryExecutionContext": context, "Status": {"State": "QUEUED", "SubmissionDateTime": now()},
        "Statistics": {"DataScannedInBytes": 0}, "EngineVersion": work_group["Configuration"]["EngineVersion"],
    }
    if params.get("ExecutionParameters"):
        doc["ExecutionParameters"] = params["ExecutionParameters"]
    with ctx.store.transaction():
        ctx.store.put(ctx.scope, QUERY, "", query_id, doc)
        if token:
            ctx.store.put(ctx.scope, _TOKENS, "", token, {"QueryExecutionId": query_id})
    runner.submit(ctx, query_id)
    return {"QueryExecutionId": query_id}


def get_query_execution(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"QueryExecution": _public(_require(ctx, params["QueryExecutionId"]))}


def batch_get_query_execution(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ids = list(dict.fromkeys(params["QueryExecutionIds"]))
    found, missing = ctx.store.get_each(ctx.scope, QUERY, "", ids)
    return {"QueryExecutions": [_public(d) for d in found],
            "UnprocessedQueryExecutionIds": [{"QueryExecutionId": i, "ErrorCode": "INVALID_INPUT",
                                              "ErrorMessage": f"QueryExecution {i} was not found"} for i in missing]}


def list_query_executions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("WorkGroup") or PRIMARY
    require_work_group(ctx, name)
    docs = [d for _, d in ctx.store.list(ctx.scope, QUERY, "") if d["WorkGroup"] == name]
    docs.sort(key=lambda d: d["Status"]["SubmissionDateTime"], reverse=True)
    chosen, token = page([d["QueryExecutionId"] for d in docs], params.get("NextToken"), params.get("MaxResults"),
                         50)
    return {"QueryExecutionIds": chosen, **({"NextToken": token} if token else {})}


def stop_query_execution(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    query_id = params["QueryExecutionId"]
    with ctx.store.transaction():
        doc = _require(ctx, query_id)
        if doc["Status"]["State"] in FINAL:
            return {}  # stopping a finished query changes nothing, as in Athena
        doc["Status"].update(State="CANCELLED", CompletionDateTime=now(),
                             StateChangeReason="Query cancelled by user")
        ctx.store.put(ctx.scope, QUERY, "", query_id, doc)
    ctx.emulator.component(AthenaRunner).interrupt(query_id)
    return {}


def get_query_results(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = _require(ctx, params["QueryExecutionId"])
    state = doc["Status"]["State"]
    if state in ("QUEUED", "RUNNING"):
        raise invalid_request(f"Query has not yet finished. Current state: {state}")
    if state != "SUCCEEDED":
        reason = doc["Status"].get("StateChangeReason", "")
        raise invalid_request(f"Query did not finish successfully. Final query state: {state}"
                              + (f". {reason}" if reason else ""))
    result = doc.get("_result") or {}
    columns = result.get("columns") or []
    out: dict[str, Any] = {"ResultSet": {"Rows": [], "ResultSetMetadata": {"ColumnInfo": columns}}}
    if "update_count" in result:
        out["UpdateCount"] = result["update_count"]
    if not result.get("header") and not result.get("lines"):
        return out
    size = params.get("MaxResults") or 1000
    start = token_position(params.get("NextToken"))
    location = doc["ResultConfiguration"]["OutputLocation"]
    rows, more = read_lines(ctx, location, start, size) if result.get("lines") else \
        read_rows(ctx, location, start, size)
    out["ResultSet"]["Rows"] = [{"Data": [{} if v is None else {"VarCharValue": v} for v in row]} for row in rows]
    if more:
        out["NextToken"] = next_token(start + size)
    return out
