"""Ruleset evaluation runs: StartDataQualityRulesetEvaluationRun, GetDataQualityRulesetEvaluationRun,
ListDataQualityRulesetEvaluationRuns, CancelDataQualityRulesetEvaluationRun.

A run evaluates 1-10 rulesets on one catalog table (DataSource GlueTable, or DataQualityGlueTable with a
PreProcessingQuery) with the DQDL evaluator on the warm Spark pool (tasks.evaluate_rulesets). Its
AdditionalDataSources are the references rules such as ReferentialIntegrity and DatasetMatch name by alias.
AdditionalRunOptions are kept as given; ResultsS3Prefix also writes each result as JSON under that S3 prefix.
CompositeRuleEvaluationMethod combines composite rules as COLUMN (AWS's default: each operand's outcome over the
whole table) or ROW (each row must satisfy the composite; evaluation.py says which rules take it);
CloudWatchMetricsEnabled and CustomLogGroupPrefix have nothing to act on (no CloudWatch metrics here). Dynamic
rules (`last(k)`, ...) see the metrics of earlier results of the same ruleset on the same table. A run that
succeeds stores one result per ruleset (results.py), all of one profile, and lists their ids in ResultIds, in the
order of RulesetNames.
Errors as AWS documents them (API reference, StartDataQualityRulesetEvaluationRun): EntityNotFoundException for
an unknown table or ruleset, InvalidInputException for a DataSource that names no table.
"""

from __future__ import annotations

import uuid
from typing import Any

from ..catalog.common import require_table
from ..clock import now
from ..context import RequestContext
from ..errors import EntityNotFoundException, InvalidInputException
from ..jobs.spark_tasks import TaskOutcome
from ..pagination import paginate
from .results import history, new_result_id, same_source, store_result, table_of
from .rulesets import parse_ruleset, require_ruleset
from .runner import EVALUATION_RUN, DataQualityRunner, new_run_id

_PAGE_CAP = 1000
_TARGET = "emulator.dataquality.tasks:evaluate_rulesets"
_KEPT = ("DataSource", "Role", "NumberOfWorkers", "Timeout", "AdditionalRunOptions", "RulesetNames",
         "AdditionalDataSources")


def runner(ctx: RequestContext) -> DataQualityRunner:
    return ctx.emulator.component(DataQualityRunner)


def require_source(ctx: RequestContext, source: dict[str, Any], what: str = "DataSource") -> None:
    """The table a DataSource names must exist (EntityNotFoundException, as GetTable answers)."""
    table = table_of(source)
    if table is None:
        raise InvalidInputException(f"{what} must specify a GlueTable")
    database, name, catalog = table
    require_table(ctx, catalog or ctx.account, database, name)


def history_key(source: dict[str, Any], ruleset_name: str) -> list[str]:
    database, table, catalog = table_of(source) or ("", "", None)
    return ["table", catalog or "", database, table, ruleset_name]


def start_data_quality_ruleset_evaluation_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Start a run: {RunId}. The run is RUNNING at once, then SUCCEEDED, FAILED, TIMEOUT or STOPPED."""
    require_source(ctx, params["DataSource"])
    for alias, source in (params.get("AdditionalDataSources") or {}).items():
        require_source(ctx, source, f"AdditionalDataSources.{alias}")
    names = params["RulesetNames"]
    if len(set(names)) != len(names):
        raise InvalidInputException("RulesetNames must not repeat a ruleset")
    texts = [require_ruleset(ctx, name)["Ruleset"] for name in names]
    for text in texts:
        parse_ruleset(text)
    options = params.get("AdditionalRunOptions") or {}
    prefix = options.get("ResultsS3Prefix")
    if prefix is not None and not prefix.startswith("s3://"):
        raise InvalidInputException(f"Invalid ResultsS3Prefix {prefix}: use s3://bucket/prefix")
    run = {"RunId": new_run_id(), **{member: params[member] for member in _KEPT if params.get(member) is not None}}
    result_ids = [new_result_id() for _ in names]
    payload = {
        "source": params["DataSource"],
        "references": params.get("AdditionalDataSources") or {},
        "rulesets": [{"name": name, "text": text, "history": history(ctx, history_key(params["DataSource"], name))}
                     for name, text in zip(names, texts, strict=True)],
        "results_s3_prefix": prefix,
        "result_ids": result_ids,
        "composite_method": options.get("CompositeRuleEvaluationMethod") or "COLUMN",
    }

    def finish(task_ctx: RequestContext, record: dict[str, Any], outcome: TaskOutcome) -> dict[str, Any]:
        profile = "dqprofile-" + uuid.uuid4().hex
        for name, result_id, answer in zip(names, result_ids, outcome.result["rulesets"], strict=True):
            result = build_result(answer, result_id=result_id, profile_id=profile, started=record["StartedOn"],
                                  DataSource=record["DataSource"], RulesetName=name,
                                  RulesetEvaluationRunId=record["RunId"])
            store_result(task_ctx, result, answer["metrics"], history_key(record["DataSource"], name))
        return {"ResultIds": result_ids}

    runner(ctx).start(ctx, EVALUATION_RUN, run, _TARGET, payload, finish)
    return {"RunId": run["RunId"]}


def build_result(answer: dict[str, Any], *, result_id: str, profile_id: str, started: float,
                 **members: Any) -> dict[str, Any]:
    """The GetDataQualityResult shape of one evaluation (an `answer` of tasks.evaluate_rulesets, or the same
    dict from a job's EvaluateDataQuality); `members` adds DataSource, RulesetName, JobName, ... as given."""
    rules = answer["rule_results"]
    passed = sum(1 for rule in rules if rule.get("Result") == "PASS")
    result: dict[str, Any] = {"ResultId": result_id, "ProfileId": profile_id}
    if answer.get("score") is not None:
        result["Score"] = answer["score"]
    result.update({name: value for name, value in members.items() if value is not None})
    result.update(StartedOn=started, CompletedOn=now(), RuleResults=rules,
                  AnalyzerResults=answer.get("analyzer_results") or [],
                  Observations=answer.get("observations") or [])
    aggregated = {"TotalRulesProcessed": float(len(rules)), "TotalRulesPassed": float(passed),
                  "TotalRulesFailed": float(len(rules) - passed)}
    if answer.get("rows") is not None:
        aggregated["TotalRowsProcessed"] = float(answer["rows"])
    result["AggregatedMetrics"] = aggregated
    return result


def require_run(ctx: RequestContext, kind: str, run_id: str, what: str) -> dict[str, Any]:
    """The stored run of `kind` (evaluation or recommendation); EntityNotFoundException "Cannot find <what> <id>"."""
    runner(ctx)  # settles runs a previous server left running before they are shown
    run = ctx.store.get(ctx.scope, kind, "", run_id)
    if run is None:
        raise EntityNotFoundException(f"Cannot find {what} {run_id}")
    return run


def _require_run(ctx: RequestContext, run_id: str) -> dict[str, Any]:
    return require_run(ctx, EVALUATION_RUN, run_id, "Data Quality ruleset evaluation run")


def get_data_quality_ruleset_evaluation_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The run record: RunId, DataSource, Role, Timeout, AdditionalRunOptions, Status, ErrorString, StartedOn,
    LastModifiedOn, CompletedOn, ExecutionTime (seconds), RulesetNames, ResultIds, AdditionalDataSources."""
    return _require_run(ctx, params["RunId"])


def cancel_data_quality_ruleset_evaluation_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Stop a run in flight (STOPPING, then STOPPED); InvalidInputException for a run that has ended."""
    run = _require_run(ctx, params["RunId"])
    if not runner(ctx).stop(ctx, EVALUATION_RUN, run["RunId"]):
        raise InvalidInputException(f"Run {run['RunId']} cannot be cancelled: it is {run['Status']}")
    return {}


def _newest_first(run: dict[str, Any]) -> list[Any]:
    return [-run["StartedOn"], run["RunId"]]


def list_runs(ctx: RequestContext, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run summaries {RunId, Status, StartedOn, DataSource}, newest first, filtered by Filter's DataSource,
    StartedBefore, StartedAfter (and RulesetName for evaluation runs); shared with recommendation runs."""
    runner(ctx)
    criteria = params.get("Filter") or {}
    runs = [run for _, run in ctx.store.list(ctx.scope, kind, "")]
    if criteria:
        runs = [run for run in runs if same_source(criteria["DataSource"], run["DataSource"])]
    if criteria.get("StartedBefore") is not None:
        runs = [run for run in runs if run["StartedOn"] < criteria["StartedBefore"]]
    if criteria.get("StartedAfter") is not None:
        runs = [run for run in runs if run["StartedOn"] > criteria["StartedAfter"]]
    if criteria.get("RulesetName") is not None:
        runs = [run for run in runs if criteria["RulesetName"] in run.get("RulesetNames", [])]
    runs.sort(key=_newest_first)
    page, token = paginate(runs, params.get("NextToken"), params.get("MaxResults"), _PAGE_CAP, key=_newest_first)
    answer: dict[str, Any] = {"Runs": [{member: run[member] for member in ("RunId", "Status", "StartedOn",
                                                                        "DataSource")} for run in page]}
    if token:
        answer["NextToken"] = token
    return answer


def list_data_quality_ruleset_evaluation_runs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return list_runs(ctx, EVALUATION_RUN, params)
