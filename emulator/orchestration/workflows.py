"""Workflows and their runs: CreateWorkflow, GetWorkflow, UpdateWorkflow, DeleteWorkflow, ListWorkflows,
BatchGetWorkflows, StartWorkflowRun, GetWorkflowRun, GetWorkflowRuns, GetWorkflowRunProperties,
PutWorkflowRunProperties, ResumeWorkflowRun, StopWorkflowRun.

A workflow is stored as the Workflow shape without LastRun and Graph, which are computed when read:
the graph from the workflow's triggers (graph.py), LastRun from its newest run. Runs are driven by
the engine (engine.py); these handlers read them and hand it the changes.
"""

from __future__ import annotations

from typing import Any

from .. import tagging
from ..clock import now
from ..context import RequestContext
from ..errors import AlreadyExistsException
from ..pagination import paginate
from .common import WORKFLOW, WORKFLOW_RUN, require_workflow, workflow_arn, workflow_triggers
from .engine import Engine
from .graph import graph, run_details, statistics
from .triggers import drop_trigger

_DEFINITION_MEMBERS = ("Description", "DefaultRunProperties", "MaxConcurrentRuns")


def _engine(ctx: RequestContext) -> Engine:
    return ctx.emulator.component(Engine)


def _run_view(ctx: RequestContext, doc: dict[str, Any], include_graph: bool) -> dict[str, Any]:
    """The WorkflowRun shape of a stored run: its record, Statistics, and the Graph when asked."""
    run = dict(doc["Run"])
    run["Statistics"] = statistics(ctx.store, ctx.scope, doc)
    if include_graph:
        details = run_details(ctx.store, ctx.scope, doc)
        run["Graph"] = graph(ctx.scope, run["Name"], doc["Triggers"], details)
    return run


def _runs_newest_first(ctx: RequestContext, name: str) -> list[dict[str, Any]]:
    docs = [doc for _, doc in ctx.store.list(ctx.scope, WORKFLOW_RUN, name)]
    return sorted(docs, key=lambda d: (-d["Run"]["StartedOn"], d["Run"]["WorkflowRunId"]))


def _workflow_view(ctx: RequestContext, workflow: dict[str, Any], include_graph: bool) -> dict[str, Any]:
    view = dict(workflow)
    runs = _runs_newest_first(ctx, workflow["Name"])
    if runs:
        view["LastRun"] = _run_view(ctx, runs[0], include_graph=False)
    if include_graph:
        view["Graph"] = graph(ctx.scope, workflow["Name"], workflow_triggers(ctx.store, ctx.scope, workflow["Name"]))
    return view


def create_workflow(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["Name"]
    stamp = now()
    workflow: dict[str, Any] = {"Name": name}
    workflow.update({m: params[m] for m in _DEFINITION_MEMBERS if m in params})
    workflow.update(CreatedOn=stamp, LastModifiedOn=stamp)
    with ctx.store.transaction():
        if not ctx.store.insert(ctx.scope, WORKFLOW, "", name, workflow):
            raise AlreadyExistsException(f"Workflow with name {name} already exists")
        tagging.set_tags(ctx, workflow_arn(ctx, name), params.get("Tags"))
    return {"Name": name}


def get_workflow(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    workflow = require_workflow(ctx, params["Name"])
    return {"Workflow": _workflow_view(ctx, workflow, bool(params.get("IncludeGraph")))}


def update_workflow(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Change the members given; the others keep their values.

    AWS documents no overwrite for UpdateWorkflow (unlike UpdateJob and UpdateTrigger), so a call
    setting only MaxConcurrentRuns does not drop the description or the default run properties.
    """
    name = params["Name"]
    with ctx.store.transaction():
        workflow = require_workflow(ctx, name)
        workflow.update({m: params[m] for m in _DEFINITION_MEMBERS if m in params})
        workflow["LastModifiedOn"] = now()
        ctx.store.put(ctx.scope, WORKFLOW, "", name, workflow)
    return {"Name": name}


def delete_workflow(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete a workflow with its triggers and run history (its jobs and crawlers stay).

    No error for a missing workflow: AWS models none for DeleteWorkflow.
    """
    name = params["Name"]
    for trigger in workflow_triggers(ctx.store, ctx.scope, name):
        drop_trigger(ctx, trigger["Name"])
    with ctx.store.transaction():
        ctx.store.delete(ctx.scope, WORKFLOW, "", name)
        ctx.store.delete_under(ctx.scope, WORKFLOW_RUN, name)
        tagging.drop_tags(ctx, workflow_arn(ctx, name))
    return {"Name": name}


def list_workflows(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    names = [name for name, _ in ctx.store.list(ctx.scope, WORKFLOW, "")]
    page, token = paginate(names, params.get("NextToken"), params.get("MaxResults"), 25, key=lambda n: n)
    result: dict[str, Any] = {"Workflows": page}
    if token:
        result["NextToken"] = token
    return result


def batch_get_workflows(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    docs, missing = ctx.store.get_each(ctx.scope, WORKFLOW, "", params["Names"])
    found = [_workflow_view(ctx, workflow, bool(params.get("IncludeGraph"))) for workflow in docs]
    return {"Workflows": found, "MissingWorkflows": missing}


def start_workflow_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    run_id = _engine(ctx).start_workflow_run(ctx, params["Name"], params.get("RunProperties"))
    return {"RunId": run_id}


def get_workflow_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = _engine(ctx).require_run(ctx, params["Name"], params["RunId"])
    return {"Run": _run_view(ctx, doc, bool(params.get("IncludeGraph")))}


def get_workflow_runs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Runs newest first, at most 1000 a page."""
    name = params["Name"]
    require_workflow(ctx, name)
    order = lambda d: [-d["Run"]["StartedOn"], d["Run"]["WorkflowRunId"]]
    page, token = paginate(
        _runs_newest_first(ctx, name), params.get("NextToken"), params.get("MaxResults"), 1000, key=order
    )
    result: dict[str, Any] = {"Runs": [_run_view(ctx, doc, bool(params.get("IncludeGraph"))) for doc in page]}
    if token:
        result["NextToken"] = token
    return result


def get_workflow_run_properties(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = _engine(ctx).require_run(ctx, params["Name"], params["RunId"])
    return {"RunProperties": doc["Run"].get("WorkflowRunProperties", {})}


def put_workflow_run_properties(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _engine(ctx).put_properties(ctx, params["Name"], params["RunId"], params["RunProperties"])
    return {}


def resume_workflow_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    run_id, node_ids = _engine(ctx).resume_workflow_run(ctx, params["Name"], params["RunId"], params["NodeIds"])
    return {"RunId": run_id, "NodeIds": node_ids}


def stop_workflow_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _engine(ctx).stop_workflow_run(ctx, params["Name"], params["RunId"])
    return {}
