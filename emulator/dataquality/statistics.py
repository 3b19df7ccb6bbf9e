"""Data-quality statistics and their annotations: ListDataQualityStatistics, ListDataQualityStatisticAnnotations,
BatchPutDataQualityStatisticAnnotation, PutDataQualityProfileAnnotation.

Every stored result records its metrics as statistics (AWS: "Glue Data Quality ... statistics", the values
behind rules and analyzers). A result's ProfileId groups the statistics of one evaluation; a StatisticId names
one metric of one data source across evaluations (the same id in every profile of that table and metric), so
ListDataQualityStatistics with a StatisticId shows that metric's history. Metric names give the statistic's
level and columns: "Dataset.*.RowCount" (Dataset), "Column.price.Mean" (Column, [price]),
"Multicolumn.a,b.Uniqueness" (Multicolumn, [a, b]); a Dataset metric of a reference ("Dataset.ref.RowCount")
lists it in ReferencedDatasets. Annotations (INCLUDE/EXCLUDE) mark statistics for anomaly detection's
training; they are kept on the statistic (kind "dq_statistic", name = ProfileId and StatisticId joined by the
store's KEY_SEP).
"""

from __future__ import annotations

import uuid
from typing import Any

from ..clock import now
from ..context import RequestContext
from ..errors import EntityNotFoundException
from ..pagination import paginate
from ..store import key

STATISTIC = "dq_statistic"
_PAGE_CAP = 1000
_NAMESPACE = uuid.UUID("6f1c2a8e-5b7d-4c1e-9a3f-2d4b6c8e0f11")  # fixed: statistic ids are stable across restarts
_SUMMARY_MEMBERS = ("StatisticId", "ProfileId", "RunIdentifier", "StatisticName", "DoubleValue", "EvaluationLevel",
                    "ColumnsReferenced", "ReferencedDatasets", "StatisticProperties", "RecordedOn",
                    "InclusionAnnotation")


def _source_identity(result: dict[str, Any]) -> str:
    table = (result.get("DataSource") or {}).get("GlueTable") or {}
    if table:
        return f"table:{table.get('CatalogId', '')}.{table['DatabaseName']}.{table['TableName']}"
    return f"job:{result.get('JobName', '')}:{result.get('EvaluationContext', '')}"


def describe_metric(metric: str) -> tuple[str, str, list[str], list[str]]:
    """(EvaluationLevel, StatisticName, ColumnsReferenced, ReferencedDatasets) of a metric name."""
    level, _, rest = metric.partition(".")
    subject, _, name = rest.rpartition(".")
    if level == "Column":
        return "Column", name, [subject], []
    if level == "Multicolumn":
        return "Multicolumn", name, subject.split(","), []
    return "Dataset", name or metric, [], ([] if subject in ("*", "") else [subject])


def record_statistics(ctx: RequestContext, result: dict[str, Any], metrics: dict[str, float]) -> None:
    """Store a result's metrics as the statistics of its profile."""
    identity = _source_identity(result)
    run = {"JobRunId": result["JobRunId"]} if result.get("JobRunId") else \
        {"RunId": result.get("RulesetEvaluationRunId", result["ResultId"])}
    for metric, value in metrics.items():
        if value is None:
            continue
        level, name, columns, references = describe_metric(metric)
        statistic_id = str(uuid.uuid5(_NAMESPACE, f"{identity}\x1f{metric}"))
        doc = {"StatisticId": statistic_id, "ProfileId": result["ProfileId"], "RunIdentifier": run,
               "StatisticName": name, "DoubleValue": float(value), "EvaluationLevel": level,
               "ColumnsReferenced": columns, "ReferencedDatasets": references, "StatisticProperties": {},
               "RecordedOn": result.get("CompletedOn", result["StartedOn"])}
        ctx.store.put(ctx.scope, STATISTIC, "", key(result["ProfileId"], statistic_id), doc)


def _selected(ctx: RequestContext, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Statistics of ProfileId and/or StatisticId, within TimestampFilter, newest first."""
    profile, statistic = params.get("ProfileId"), params.get("StatisticId")
    window = params.get("TimestampFilter") or {}
    docs = [doc for doc in _statistics(ctx)
            if (not profile or doc["ProfileId"] == profile) and (not statistic or doc["StatisticId"] == statistic)
            and (window.get("RecordedBefore") is None or doc["RecordedOn"] < window["RecordedBefore"])
            and (window.get("RecordedAfter") is None or doc["RecordedOn"] > window["RecordedAfter"])]
    return sorted(docs, key=_order)


def _statistics(ctx: RequestContext) -> list[dict[str, Any]]:
    return [doc for _, doc in ctx.store.list(ctx.scope, STATISTIC, "")]


def _order(doc: dict[str, Any]) -> list[Any]:
    return [-doc["RecordedOn"], doc["ProfileId"], doc["StatisticId"]]


def _page(params: dict[str, Any], docs: list[dict[str, Any]], member: str, shape: Any) -> dict[str, Any]:
    page, token = paginate(docs, params.get("NextToken"), params.get("MaxResults"), _PAGE_CAP, key=_order)
    answer: dict[str, Any] = {member: [shape(doc) for doc in page]}
    if token:
        answer["NextToken"] = token
    return answer


def list_data_quality_statistics(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Statistic summaries of a profile and/or of one statistic across profiles, newest first."""
    return _page(params, _selected(ctx, params), "Statistics",
                 lambda doc: {member: doc[member] for member in _SUMMARY_MEMBERS if member in doc})


def list_data_quality_statistic_annotations(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The annotations of the selected statistics (those that have one), newest first."""
    annotated = [doc for doc in _selected(ctx, params) if "InclusionAnnotation" in doc]
    return _page(params, annotated, "Annotations", lambda doc: {
        "ProfileId": doc["ProfileId"], "StatisticId": doc["StatisticId"], "StatisticRecordedOn": doc["RecordedOn"],
        "InclusionAnnotation": doc["InclusionAnnotation"]})


def _annotate(ctx: RequestContext, doc: dict[str, Any], value: str) -> None:
    doc["InclusionAnnotation"] = {"Value": value, "LastModifiedOn": now()}
    ctx.store.put(ctx.scope, STATISTIC, "", key(doc["ProfileId"], doc["StatisticId"]), doc)


def batch_put_data_quality_statistic_annotation(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Annotate statistics one by one; those that do not exist come back in FailedInclusionAnnotations."""
    failed = []
    with ctx.store.transaction():
        for item in params["InclusionAnnotations"]:
            profile, statistic = item.get("ProfileId"), item.get("StatisticId")
            doc = ctx.store.get(ctx.scope, STATISTIC, "", key(profile, statistic)) if profile and statistic else None
            if doc is None or "InclusionAnnotation" not in item:
                failed.append({"ProfileId": profile or "", "StatisticId": statistic or "",
                               "FailureReason": "Statistic not found" if doc is None else "No annotation given"})
                continue
            _annotate(ctx, doc, item["InclusionAnnotation"])
    return {"FailedInclusionAnnotations": failed}


def put_data_quality_profile_annotation(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Annotate every statistic of a profile; EntityNotFoundException for a profile with none."""
    with ctx.store.transaction():
        docs = [doc for doc in _statistics(ctx) if doc["ProfileId"] == params["ProfileId"]]
        if not docs:
            raise EntityNotFoundException(f"Cannot find Data Quality profile {params['ProfileId']}")
        for doc in docs:
            _annotate(ctx, doc, params["InclusionAnnotation"])
    return {}


def require_profile_statistic(ctx: RequestContext, profile_id: str, statistic_id: str | None) -> None:
    """EntityNotFoundException unless the profile (and the statistic in it, when given) exists."""
    if statistic_id is not None:
        found = ctx.store.get(ctx.scope, STATISTIC, "", key(profile_id, statistic_id)) is not None
    else:
        found = any(doc["ProfileId"] == profile_id for doc in _statistics(ctx))
    if not found:
        what = f"statistic {statistic_id} in profile {profile_id}" if statistic_id else f"profile {profile_id}"
        raise EntityNotFoundException(f"Cannot find Data Quality {what}")
