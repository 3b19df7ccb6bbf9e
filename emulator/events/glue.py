"""Glue's own events: their detail-types and detail shapes as AWS documents them.

Source: "Automating AWS Glue with EventBridge" (https://docs.aws.amazon.com/glue/latest/dg/
automating-awsglue-with-cloudwatch-events.html) and the EventBridge event reference for Glue
(https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-glue.html):

- "Glue Job State Change" for runs ending SUCCEEDED, FAILED, TIMEOUT or STOPPED: {jobName, severity (INFO,
  ERROR for FAILED, WARN for TIMEOUT), state, jobRunId, message}; resources empty.
- "Glue Crawler State Change" for Started, Succeeded and Failed: {crawlerName, accountId, state, message,
  startTime | completionDate, the counts tables/partitions Created/Updated/Deleted and "runningTime (sec)" as
  strings, warningMessage, errorMessage, cloudWatchLogLink}.
- "Glue Data Catalog Database State Change" for CreateDatabase, DeleteDatabase, CreateTable, DeleteTable and
  BatchDeleteTable: {databaseName, typeOfChange (the operation), changedTables (at most 100 an event: more
  changed tables make more events)}; resources: the table ARNs (the database's ARN for database changes).
- "Data Quality Evaluation Results Available" (source "aws.glue-dataquality") for each stored data-quality
  result: see `data_quality_result`.
- "Glue Data Catalog Table State Change" for UpdateTable and the partition writes (CreatePartition,
  BatchCreatePartition, UpdatePartition, BatchUpdatePartition, DeletePartition, BatchDeletePartition):
  {databaseName, tableName, typeOfChange, changedPartitions: each partition's values as "[v1, v2]", at most 100
  an event (a crawl adding 250 partitions in one call sends 3 events)};
  resources: the table's ARN.

A run that never started (ERROR: its job was deleted) is not among the documented states and emits nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from ..context import RequestContext
from .bus import emit

JOB_STATE_CHANGE = "Glue Job State Change"
CRAWLER_STATE_CHANGE = "Glue Crawler State Change"
DATABASE_STATE_CHANGE = "Glue Data Catalog Database State Change"
TABLE_STATE_CHANGE = "Glue Data Catalog Table State Change"
PER_NOTIFICATION = 100  # changedTables / changedPartitions of one event, at most

# state -> (severity, the message of a run that left none)
_JOB_STATES = {
    "SUCCEEDED": ("INFO", "Job run succeeded"),
    "FAILED": ("ERROR", "Job run failed"),
    "TIMEOUT": ("WARN", "Job run timed out"),
    "STOPPED": ("INFO", "Job run stopped"),
}
_CRAWL_STATES = {"SUCCEEDED": "Succeeded", "FAILED": "Failed"}


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def job_run_ended(scope: str, run: dict[str, Any]) -> None:
    """A job run reached a final state (`run` is the JobRun as stored)."""
    documented = _JOB_STATES.get(run["JobRunState"])
    if documented is None:
        return
    severity, default_message = documented
    detail = {"jobName": run["JobName"], "severity": severity, "state": run["JobRunState"],
              "jobRunId": run["Id"], "message": run.get("ErrorMessage") or default_message}
    emit(scope, JOB_STATE_CHANGE, detail, [])


def _crawler_detail(ctx: RequestContext, name: str, state: str, message: str) -> dict[str, Any]:
    link = (f"https://{ctx.region}.console.aws.amazon.com/cloudwatch/home?region={ctx.region}"
            f"#logEventViewer:group=/aws-glue/crawlers;stream={name}")
    return {"crawlerName": name, "accountId": ctx.account, "state": state, "message": message,
            "cloudWatchLogLink": link}


def crawler_started(ctx: RequestContext, name: str, started: float) -> None:
    emit(ctx, CRAWLER_STATE_CHANGE, {**_crawler_detail(ctx, name, "Started", "Crawler Started"),
                                     "startTime": _iso(started)}, [])


def crawler_ended(ctx: RequestContext, name: str, status: str, error: str | None, summary: Any,
                  started: float, ended: float) -> None:
    """A crawl ended SUCCEEDED or FAILED (a CANCELLED crawl is not among the documented states).

    `summary` has `tables` and `partitions`, each with the `add`, `update` and `delete` counts of the crawl
    (crawlers/writer.py's Summary); `started` and `ended` are epoch seconds.
    """
    state = _CRAWL_STATES.get(status)
    if state is None:
        return
    detail = _crawler_detail(ctx, name, state, f"Crawler {state}")
    if state == "Failed":
        detail["errorMessage"] = error or "Internal Service Exception"
    else:
        for noun in ("tables", "partitions"):
            counts = getattr(summary, noun)
            for change, verb in (("add", "Created"), ("update", "Updated"), ("delete", "Deleted")):
                detail[f"{noun}{verb}"] = str(getattr(counts, change))
        detail.update({"warningMessage": "N/A", "runningTime (sec)": str(round(ended - started)),
                       "completionDate": _iso(ended)})
    emit(ctx, CRAWLER_STATE_CHANGE, detail, [])


def _arn(ctx: RequestContext, resource: str) -> str:
    return ctx.arn("glue", resource)


def database_changed(ctx: RequestContext, database: str, change: str, tables: Iterable[str] = ()) -> None:
    """A database or its tables changed (`change` is the operation: CreateTable, BatchDeleteTable, ...)."""
    tables = list(tables)
    if change.endswith("Table") and not tables:  # a batch that changed nothing
        return
    for chunk in _chunks(tables) if tables else [[]]:
        resources = [_arn(ctx, f"table/{database}/{t}") for t in chunk] or [_arn(ctx, f"database/{database}")]
        emit(ctx, DATABASE_STATE_CHANGE, {"databaseName": database, "typeOfChange": change, "changedTables": chunk},
             resources)


def _chunks(items: Sequence[Any]) -> list[list[Any]]:
    """AWS names at most 100 changed tables or partitions in one notification, sending more notifications."""
    return [list(items[start:start + PER_NOTIFICATION]) for start in range(0, len(items), PER_NOTIFICATION)]


def table_changed(ctx: RequestContext, database: str, table: str, change: str,
                  partitions: Sequence[Sequence[str]] | None = None) -> None:
    """A table or its partitions changed; `partitions` are the changed partitions' values (None: UpdateTable)."""
    detail: dict[str, Any] = {"databaseName": database, "tableName": table, "typeOfChange": change}
    resources = [_arn(ctx, f"table/{database}/{table}")]
    if partitions is None:
        emit(ctx, TABLE_STATE_CHANGE, detail, resources)
        return
    for chunk in _chunks(partitions):  # nothing for a batch that changed nothing
        emit(ctx, TABLE_STATE_CHANGE, {**detail, "changedPartitions": [f"[{', '.join(values)}]" for values in chunk]},
             resources)


DATA_QUALITY_SOURCE = "aws.glue-dataquality"
DATA_QUALITY_RESULTS = "Data Quality Evaluation Results Available"


def data_quality_result(ctx: RequestContext, result: dict[str, Any]) -> None:
    """A data-quality result was stored (`result`: the GetDataQualityResult shape).

    Source "aws.glue-dataquality"; detail {context: {contextType GLUE_DATA_CATALOG, runId, databaseName,
    tableName, catalogId} for an evaluation run, or {contextType GLUE_JOB, jobName, jobRunId, evaluationContext}
    for a job's EvaluateDataQuality; resultId, rulesetNames, state (FAILED when a rule did not pass, else
    SUCCEEDED), score, rulesSucceeded, rulesFailed, rulesSkipped}.
    """
    rules = result.get("RuleResults") or []
    outcomes = [rule.get("Result") for rule in rules]
    table = (result.get("DataSource") or {}).get("GlueTable")
    if table is not None:
        context = {"contextType": "GLUE_DATA_CATALOG", "runId": result.get("RulesetEvaluationRunId"),
                   "databaseName": table["DatabaseName"], "tableName": table["TableName"],
                   "catalogId": table.get("CatalogId") or ctx.account}
    else:
        context = {"contextType": "GLUE_JOB", "jobName": result.get("JobName"), "jobRunId": result.get("JobRunId"),
                   "evaluationContext": result.get("EvaluationContext")}
    failed = sum(1 for outcome in outcomes if outcome in ("FAIL", "ERROR"))
    detail = {"context": {key: value for key, value in context.items() if value is not None},
              "resultId": result["ResultId"], "rulesetNames": [result["RulesetName"]] if result.get("RulesetName") else [],
              "state": "FAILED" if failed else "SUCCEEDED", "score": result.get("Score"),
              "rulesSucceeded": outcomes.count("PASS"), "rulesFailed": failed,
              "rulesSkipped": len(outcomes) - outcomes.count("PASS") - failed}
    emit(ctx, DATA_QUALITY_RESULTS, detail, [], source=DATA_QUALITY_SOURCE)
