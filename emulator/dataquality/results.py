"""Data-quality results: GetDataQualityResult, BatchGetDataQualityResult, ListDataQualityResults, and how a
result is stored by an evaluation run or by a job's EvaluateDataQuality.

A result (kind "dq_result", name = ResultId) keeps the shape GetDataQualityResult returns under "Result", the
metrics of its evaluation (`Evaluation.metrics()`: "Dataset.*.RowCount", "Column.<c>.Completeness", ...) under
"Metrics", and under "HistoryKey" what makes two results comparable for DQDL's dynamic rules (`last(k)` and
the like, https://docs.aws.amazon.com/glue/latest/dg/dqdl.html#dqdl-dynamic-rules): the same ruleset on the
same catalog table for evaluation runs, the same job and evaluation context for job results.
ListDataQualityResults lists newest first, as the console shows them; its filters are ANDed.
"""

from __future__ import annotations

import uuid
from typing import Any

from ..context import RequestContext
from ..errors import EntityNotFoundException, InvalidInputException
from ..events import glue as glue_events
from ..pagination import paginate
from .statistics import record_statistics

RESULT = "dq_result"
_PAGE_CAP = 1000
_HISTORY_DEPTH = 100  # earlier results a dynamic rule can look back over
_DESCRIPTION_MEMBERS = ("ResultId", "DataSource", "JobName", "JobRunId", "StartedOn")


def new_result_id() -> str:
    """A ResultId shaped as Glue's (`dqresult-` and 40 hex digits)."""
    return "dqresult-" + uuid.uuid4().hex + uuid.uuid4().hex[:8]


def table_of(source: dict[str, Any] | None) -> tuple[str, str, str | None] | None:
    """(database, table, catalog id) of a DataSource (GlueTable or DataQualityGlueTable), or None."""
    table = (source or {}).get("GlueTable") or (source or {}).get("DataQualityGlueTable")
    if not table:
        return None
    return table["DatabaseName"], table["TableName"], table.get("CatalogId")


def same_source(wanted: dict[str, Any], source: dict[str, Any] | None) -> bool:
    """Whether a DataSource filter names the table of `source` (a filter without CatalogId matches any)."""
    want, have = table_of(wanted), table_of(source)
    return want is not None and have is not None and want[:2] == have[:2] and want[2] in (None, have[2])


def store_result(ctx: RequestContext, result: dict[str, Any], metrics: dict[str, float],
                 history_key: list[str]) -> str:
    """Store one result (the GetDataQualityResult shape, ResultId and ProfileId given) with its metrics and its
    statistics (see statistics.py); its ResultId."""
    with ctx.store.transaction():
        ctx.store.put(ctx.scope, RESULT, "", result["ResultId"],
                      {"Result": result, "Metrics": metrics, "HistoryKey": history_key})
        record_statistics(ctx, result, metrics)
    glue_events.data_quality_result(ctx, result)
    return result["ResultId"]


def history(ctx: RequestContext, history_key: list[str]) -> dict[str, list[float]]:
    """The metrics of earlier results with this history key: metric name -> values, newest first."""
    earlier = [doc for _, doc in ctx.store.list(ctx.scope, RESULT, "") if doc["HistoryKey"] == history_key]
    earlier.sort(key=lambda doc: doc["Result"]["StartedOn"], reverse=True)
    values: dict[str, list[float]] = {}
    for doc in earlier[:_HISTORY_DEPTH]:
        for name, value in doc["Metrics"].items():
            values.setdefault(name, []).append(value)
    return values


def require_result(ctx: RequestContext, result_id: str) -> dict[str, Any]:
    doc = ctx.store.get(ctx.scope, RESULT, "", result_id)
    if doc is None:
        raise EntityNotFoundException(f"Cannot find Data Quality result {result_id}")
    return doc["Result"]


def get_data_quality_result(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The result as stored: ResultId, ProfileId, Score, DataSource, RulesetName, EvaluationContext, StartedOn,
    CompletedOn, JobName/JobRunId or RulesetEvaluationRunId, RuleResults, AnalyzerResults, Observations,
    AggregatedMetrics. EntityNotFoundException for an unknown id."""
    return require_result(ctx, params["ResultId"])


def batch_get_data_quality_result(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{Results, ResultsNotFound}: the ids found, in the order asked, and those not found."""
    found, missing = ctx.store.get_each(ctx.scope, RESULT, "", params["ResultIds"])
    answer: dict[str, Any] = {"Results": [doc["Result"] for doc in found]}
    if missing:
        answer["ResultsNotFound"] = missing
    return answer


def _matches(result: dict[str, Any], criteria: dict[str, Any]) -> bool:
    checks = (
        ("DataSource", lambda v: same_source(v, result.get("DataSource"))),
        ("JobName", lambda v: result.get("JobName") == v),
        ("JobRunId", lambda v: result.get("JobRunId") == v),
        ("StartedAfter", lambda v: result["StartedOn"] > v),
        ("StartedBefore", lambda v: result["StartedOn"] < v),
    )
    return all(check(criteria[member]) for member, check in checks if criteria.get(member) is not None)


def list_data_quality_results(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Result descriptions (ResultId, DataSource, JobName, JobRunId, StartedOn), newest first, filtered by Filter
    (DataSource, JobName, JobRunId, StartedAfter, StartedBefore); NextToken/MaxResults paging."""
    criteria = params.get("Filter") or {}
    if "DataSource" in criteria and table_of(criteria["DataSource"]) is None:
        raise InvalidInputException("DataSource must name a GlueTable")
    results = [doc["Result"] for _, doc in ctx.store.list(ctx.scope, RESULT, "")]
    results = sorted((r for r in results if _matches(r, criteria)), key=_newest_first)
    page, token = paginate(results, params.get("NextToken"), params.get("MaxResults"), _PAGE_CAP, key=_newest_first)
    answer: dict[str, Any] = {
        "Results": [{member: r[member] for member in _DESCRIPTION_MEMBERS if member in r} for r in page]}
    if token:
        answer["NextToken"] = token
    return answer


def _newest_first(result: dict[str, Any]) -> list[Any]:
    # A list, not a tuple: the page token carries it through JSON and is compared with it again.
    return [-result["StartedOn"], result["ResultId"]]
