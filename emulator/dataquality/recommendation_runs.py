"""Rule recommendation runs: StartDataQualityRuleRecommendationRun, GetDataQualityRuleRecommendationRun,
ListDataQualityRuleRecommendationRuns, CancelDataQualityRuleRecommendationRun.

A run profiles one catalog table on the warm Spark pool (tasks.recommend_ruleset, which calls the recommender)
and answers the proposed DQDL as RecommendedRuleset once SUCCEEDED. With CreatedRulesetName the proposal is also
saved as a ruleset of that name, with the table as TargetTable and the run's id as RecommendationRunId (AWS:
"A name for the ruleset", GetDataQualityRuleset then shows RecommendationRunId). A name already taken is refused
at the start; one taken while the run ran fails the run.
"""

from __future__ import annotations

from typing import Any

from ..clock import now
from ..context import RequestContext
from ..errors import InvalidInputException
from ..jobs.spark_tasks import TaskOutcome
from .evaluation_runs import list_runs, require_run, require_source, runner
from .results import table_of
from .rulesets import RULESET, store_ruleset
from .runner import RECOMMENDATION_RUN, new_run_id

_TARGET = "emulator.dataquality.tasks:recommend_ruleset"
_KEPT = ("DataSource", "Role", "NumberOfWorkers", "Timeout", "CreatedRulesetName", "DataQualitySecurityConfiguration")


def start_data_quality_rule_recommendation_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Start a run: {RunId}. RUNNING at once, then SUCCEEDED (with RecommendedRuleset), FAILED, TIMEOUT or
    STOPPED."""
    require_source(ctx, params["DataSource"])
    name = params.get("CreatedRulesetName")
    if name and ctx.store.get(ctx.scope, RULESET, "", name) is not None:
        raise InvalidInputException(f"Data Quality Ruleset with name {name} already exists")
    run = {"RunId": new_run_id(), **{member: params[member] for member in _KEPT if params.get(member) is not None}}

    def finish(task_ctx: RequestContext, record: dict[str, Any], outcome: TaskOutcome) -> dict[str, Any]:
        text = outcome.result["ruleset"]
        if name:
            database, table, catalog = table_of(record["DataSource"]) or ("", "", None)
            target = {"DatabaseName": database, "TableName": table, **({"CatalogId": catalog} if catalog else {})}
            created = now()
            doc = {"Name": name, "Ruleset": text, "TargetTable": target, "CreatedOn": created,
                   "LastModifiedOn": created, "RecommendationRunId": record["RunId"]}
            if task_ctx.store.get(task_ctx.scope, RULESET, "", name) is not None:
                return {"Status": "FAILED", "RecommendedRuleset": text,
                        "ErrorString": f"Data Quality Ruleset with name {name} already exists"}
            store_ruleset(task_ctx, doc)
        return {"RecommendedRuleset": text}

    runner(ctx).start(ctx, RECOMMENDATION_RUN, run, _TARGET, {"source": params["DataSource"]}, finish)
    return {"RunId": run["RunId"]}


def _require_run(ctx: RequestContext, run_id: str) -> dict[str, Any]:
    return require_run(ctx, RECOMMENDATION_RUN, run_id, "Data Quality rule recommendation run")


def get_data_quality_rule_recommendation_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The run record: RunId, DataSource, Role, Timeout, Status, ErrorString, StartedOn, LastModifiedOn,
    CompletedOn, ExecutionTime (seconds), RecommendedRuleset, CreatedRulesetName."""
    return _require_run(ctx, params["RunId"])


def cancel_data_quality_rule_recommendation_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Stop a run in flight (STOPPING, then STOPPED); InvalidInputException for a run that has ended."""
    run = _require_run(ctx, params["RunId"])
    if not runner(ctx).stop(ctx, RECOMMENDATION_RUN, run["RunId"]):
        raise InvalidInputException(f"Run {run['RunId']} cannot be cancelled: it is {run['Status']}")
    return {}


def list_data_quality_rule_recommendation_runs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Run summaries {RunId, Status, StartedOn, DataSource}, newest first; Filter DataSource/StartedBefore/After."""
    return list_runs(ctx, RECOMMENDATION_RUN, params)
