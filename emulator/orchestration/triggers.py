"""Triggers: CreateTrigger, GetTrigger, GetTriggers, BatchGetTriggers, ListTriggers, UpdateTrigger,
DeleteTrigger, StartTrigger, StopTrigger.

A trigger is stored as the Trigger shape. States follow AWS: ON_DEMAND triggers stay CREATED
forever (StartTrigger fires them at once); SCHEDULED, CONDITIONAL and EVENT triggers do nothing
until activated (StartOnCreation or StartTrigger: ACTIVATED) and stop on StopTrigger (DEACTIVATED).
The transitional states (ACTIVATING, DEACTIVATING, ...) are never reported: the emulator changes
state at once. Firing is the engine's business (engine.py); the scheduler fires SCHEDULED ones.
"""

from __future__ import annotations

from typing import Any

from .. import tagging
from ..context import RequestContext
from ..errors import AlreadyExistsException, EntityNotFoundException, InvalidInputException
from ..jobs.definitions import JOB
from ..pagination import paginate
from . import cron
from .common import (
    START_TYPES,
    TRIGGER,
    require_trigger,
    require_workflow,
    trigger_arn,
    workflow_triggers,
)
from .crawls import crawler_exists
from .engine import Engine

# The only end states a condition may watch (the model's documentation of Condition).
WATCHABLE_JOB_STATES = ("SUCCEEDED", "STOPPED", "FAILED", "TIMEOUT")
WATCHABLE_CRAWL_STATES = ("SUCCEEDED", "FAILED", "CANCELLED")
# "Only two crawlers can be activated by a single trigger." (AWS Glue triggers page)
MAX_CRAWLERS_PER_TRIGGER = 2
_DEFINITION_MEMBERS = ("Description", "Schedule", "Actions", "Predicate", "EventBatchingCondition")


def _check_actions(actions: list[dict[str, Any]]) -> None:
    if not actions:
        raise InvalidInputException("Actions cannot be empty")
    for action in actions:
        job, crawler = action.get("JobName"), action.get("CrawlerName")
        if job is not None and crawler is not None:
            raise InvalidInputException("Both JobName and CrawlerName cannot be set together in an action")
        if job is None and crawler is None:
            raise InvalidInputException("Each action must specify exactly one of JobName and CrawlerName")
    if sum(1 for action in actions if "CrawlerName" in action) > MAX_CRAWLERS_PER_TRIGGER:
        raise InvalidInputException(f"A trigger can start at most {MAX_CRAWLERS_PER_TRIGGER} crawlers")


def _check_targets_exist(ctx: RequestContext, actions: list[dict[str, Any]]) -> None:
    """After the request's own checks (as AWS orders them): the jobs and crawlers the actions start exist."""
    for action in actions:
        job, crawler = action.get("JobName"), action.get("CrawlerName")
        if job is not None and ctx.store.get(ctx.scope, JOB, "", job) is None:
            raise EntityNotFoundException(f"Job with name: {job} not found")
        if crawler is not None and not crawler_exists(ctx, crawler):
            raise EntityNotFoundException(f"Crawler with name {crawler} not found")


def _check_predicate(predicate: dict[str, Any] | None) -> None:
    conditions = (predicate or {}).get("Conditions") or []
    if not conditions:
        raise InvalidInputException("Predicate cannot be null or empty")
    if len(conditions) > 1 and "Logical" not in predicate:  # type: ignore[operator]
        raise InvalidInputException("Logical must be specified when a predicate has more than one condition")
    for condition in conditions:
        if not condition.get("LogicalOperator"):
            raise InvalidInputException("Logical operator cannot be null or empty")
        job, crawler = condition.get("JobName"), condition.get("CrawlerName")
        if job is None and crawler is None:
            raise InvalidInputException("JobName or CrawlerName in condition cannot be null or empty")
        if job is not None and crawler is not None:
            raise InvalidInputException("Each condition must specify exactly one of JobName and CrawlerName")
        kind, state, watchable = ("job", "State", WATCHABLE_JOB_STATES) if job else ("crawler", "CrawlState",
                                                                                  WATCHABLE_CRAWL_STATES)
        if not condition.get(state):
            raise InvalidInputException(
                f"State cannot be null or empty, choose from one of the following {kind} state: "
                f"[{', '.join(watchable)}]"
            )
        if job is not None and condition.get("State") not in WATCHABLE_JOB_STATES:
            raise InvalidInputException(
                f"Condition on job {job}: State must be one of {', '.join(WATCHABLE_JOB_STATES)}"
            )
        if crawler is not None:
            check_crawler_condition(condition)


def check_crawler_condition(condition: dict[str, Any]) -> None:
    """A condition on a crawler watches CrawlState; without one of the end states there (State, the
    member job conditions use, does not count) AWS answers with this message (as reported by users)."""
    if condition.get("CrawlState") not in WATCHABLE_CRAWL_STATES:
        raise InvalidInputException("State cannot be null or empty, choose from one of the following crawler state: "
                                    f"[{', '.join(WATCHABLE_CRAWL_STATES)}]")


def _check_schedule(expression: str | None) -> None:
    """A SCHEDULED trigger needs a valid AWS cron expression (worded as the crawlers word it)."""
    if not expression:
        raise InvalidInputException("Schedule is required for a SCHEDULED trigger")
    cron.check_schedule(expression)


def _check_definition(ctx: RequestContext, trigger_type: str, spec: dict[str, Any]) -> None:
    """AWS's rules for a trigger's definition, shared by CreateTrigger and UpdateTrigger."""
    _check_actions(spec.get("Actions") or [])
    if trigger_type == "SCHEDULED":
        _check_schedule(spec.get("Schedule"))
    elif trigger_type == "CONDITIONAL":
        _check_predicate(spec.get("Predicate"))
    _check_targets_exist(ctx, spec.get("Actions") or [])


def _check_workflow(ctx: RequestContext, name: str, trigger_type: str, workflow: str | None) -> None:
    """A trigger belongs to an existing workflow, which has at most one start trigger.

    EVENT triggers only ever start workflows (EventBridge targets a workflow), so they need one.
    """
    if workflow is None:
        if trigger_type == "EVENT":
            raise InvalidInputException("An EVENT trigger must belong to a workflow: set WorkflowName")
        return
    require_workflow(ctx, workflow)
    if trigger_type in START_TYPES:
        for other in workflow_triggers(ctx.store, ctx.scope, workflow):
            if other["Type"] in START_TYPES and other["Name"] != name:
                raise InvalidInputException(
                    f"Workflow {workflow} already has a start trigger ({other['Name']}); only one is allowed"
                )


def create_trigger(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name, trigger_type, workflow = params["Name"], params["Type"], params.get("WorkflowName")
    start = params.get("StartOnCreation", False)
    if start and trigger_type == "ON_DEMAND":
        raise InvalidInputException("StartOnCreation is not supported for ON_DEMAND triggers")
    trigger: dict[str, Any] = {"Name": name}
    if workflow is not None:
        trigger["WorkflowName"] = workflow
    trigger.update(Type=trigger_type, State="ACTIVATED" if start else "CREATED")
    trigger.update({m: params[m] for m in _DEFINITION_MEMBERS if m in params})
    with ctx.store.transaction():
        if ctx.store.get(ctx.scope, TRIGGER, "", name) is not None:
            raise AlreadyExistsException(f"Trigger with name {name} already exists")
        _check_workflow(ctx, name, trigger_type, workflow)
        _check_definition(ctx, trigger_type, trigger)
        ctx.store.put(ctx.scope, TRIGGER, "", name, trigger)
        tagging.set_tags(ctx, trigger_arn(ctx, name), params.get("Tags"))
    return {"Name": name}


def get_trigger(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Trigger": require_trigger(ctx, params["Name"])}


def _dependent(triggers: list[dict[str, Any]], job_name: str | None) -> list[dict[str, Any]]:
    """DependentJobName as AWS documents it: the triggers that can start the job, else all of them."""
    if job_name is None:
        return triggers
    starting = [t for t in triggers if any(a.get("JobName") == job_name for a in t["Actions"])]
    return starting or triggers


def _page(items: list[Any], params: dict[str, Any], key: Any) -> tuple[list[Any], str | None]:
    return paginate(items, params.get("NextToken"), params.get("MaxResults"), 200, key=key)


def get_triggers(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    triggers = _dependent([t for _, t in ctx.store.list(ctx.scope, TRIGGER, "")], params.get("DependentJobName"))
    page, token = _page(triggers, params, key=lambda t: t["Name"])
    result: dict[str, Any] = {"Triggers": page}
    if token:
        result["NextToken"] = token
    return result


def list_triggers(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    triggers = _dependent([t for _, t in ctx.store.list(ctx.scope, TRIGGER, "")], params.get("DependentJobName"))
    names = tagging.having_tags(ctx, [t["Name"] for t in triggers], params.get("Tags"), trigger_arn)
    page, token = _page(names, params, key=lambda n: n)
    result: dict[str, Any] = {"TriggerNames": page}
    if token:
        result["NextToken"] = token
    return result


def batch_get_triggers(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found, missing = ctx.store.get_each(ctx.scope, TRIGGER, "", params["TriggerNames"])
    return {"Triggers": found, "TriggersNotFound": missing}


def update_trigger(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Overwrite the definition completely (as AWS documents); name, type, workflow and state stay.

    A conditional trigger outside workflows forgets what it had seen: it now watches other things.
    Workflow runs already started keep the definition they froze at their start.
    """
    name, spec = params["Name"], params["TriggerUpdate"]
    with ctx.store.transaction():
        current = require_trigger(ctx, name)
        trigger = {m: current[m] for m in ("Name", "WorkflowName", "Type", "State") if m in current}
        trigger.update({m: spec[m] for m in _DEFINITION_MEMBERS if m in spec})
        _check_definition(ctx, trigger["Type"], trigger)
        ctx.store.put(ctx.scope, TRIGGER, "", name, trigger)
        _engine(ctx).forget_trigger(ctx, name)
    return {"Trigger": trigger}


def drop_trigger(ctx: RequestContext, name: str) -> None:
    """Delete a trigger with its tags and what it was holding (seen ends, batched events)."""
    with ctx.store.transaction():
        ctx.store.delete(ctx.scope, TRIGGER, "", name)
        tagging.drop_tags(ctx, trigger_arn(ctx, name))
        _engine(ctx).forget_trigger(ctx, name)


def delete_trigger(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Idempotent, as on AWS: deleting a missing trigger is no error."""
    drop_trigger(ctx, params["Name"])
    return {"Name": params["Name"]}


def start_trigger(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """ON_DEMAND: fire now (a workflow's start trigger starts a workflow run); others: activate."""
    name = params["Name"]
    trigger = require_trigger(ctx, name)
    if trigger["Type"] == "EVENT":  # AWS's answer: an EVENT trigger is started by its events only
        raise InvalidInputException("Trigger Type EVENT cannot be started")
    if trigger["Type"] == "ON_DEMAND":
        _engine(ctx).fire_on_demand(ctx, trigger)
        return {"Name": name}
    with ctx.store.transaction():
        trigger = require_trigger(ctx, name)
        if trigger["State"] != "ACTIVATED":
            trigger["State"] = "ACTIVATED"
            ctx.store.put(ctx.scope, TRIGGER, "", name, trigger)
            _engine(ctx).forget_trigger(ctx, name)
    return {"Name": name}


def stop_trigger(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Deactivate. A trigger still CREATED (never activated, as ON_DEMAND ones always are) is refused as on AWS."""
    name = params["Name"]
    with ctx.store.transaction():
        trigger = require_trigger(ctx, name)
        if trigger["State"] == "CREATED":
            raise InvalidInputException(f"The operation is not allowed when trigger is in state: {trigger['State']}")
        if trigger["State"] != "DEACTIVATED":
            trigger["State"] = "DEACTIVATED"
            ctx.store.put(ctx.scope, TRIGGER, "", name, trigger)
            _engine(ctx).forget_trigger(ctx, name)
    return {"Name": name}


def _engine(ctx: RequestContext) -> Engine:
    return ctx.emulator.component(Engine)
