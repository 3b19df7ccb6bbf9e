"""What the orchestration modules share: store kinds, lookups worded as AWS words them, node ids."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .. import tagging
from ..context import RequestContext
from ..errors import EntityNotFoundException

if TYPE_CHECKING:
    from ..core import Emulator

# Store kinds. Triggers and workflows are stored as the shapes Get* return; a workflow run document
# holds the WorkflowRun shape ("Run") next to the engine's bookkeeping (see engine.py).
TRIGGER = "trigger"
WORKFLOW = "workflow"
WORKFLOW_RUN = "workflow_run"
# What a conditional trigger outside any workflow has seen since it last fired (engine.py).
TRIGGER_MEMORY = "trigger_memory"
# Events an EVENT trigger holds until its batch condition is met (events.py).
EVENT_BATCH = "event_batch"
# Which trigger (and workflow run) started a crawler's current crawl (engine.py).
CRAWL_ORIGIN = "crawl_origin"

JOB_NODE, CRAWLER_NODE, TRIGGER_NODE = "JOB", "CRAWLER", "TRIGGER"
START_TYPES = ("ON_DEMAND", "SCHEDULED", "EVENT")  # a workflow's start trigger is one of these


class Clock:
    """The time schedules and event batch windows are judged by (a component).

    The wall clock, sped up `time_scale` times from the server's start (GLUE_EMULATOR_TIME_SCALE),
    so a test sees a 5-minute schedule or a 15-minute batch window pass within a second.
    """

    def __init__(self, emulator: Emulator):
        self.scale = emulator.settings.time_scale
        self._origin = time.time()

    def now(self) -> datetime:
        real = time.time()
        return datetime.fromtimestamp(self._origin + (real - self._origin) * self.scale, UTC)


def context_for(emulator: Emulator, scope: str) -> RequestContext:
    """A context for work the server does on its own (firing triggers) in a scope "account/region"."""
    account, _, region = scope.partition("/")
    return RequestContext(account, region, str(uuid.uuid4()), emulator)


def require_trigger(ctx: RequestContext, name: str) -> dict[str, Any]:
    trigger = ctx.store.get(ctx.scope, TRIGGER, "", name)
    if trigger is None:
        raise EntityNotFoundException(f"Trigger with name {name} not found")
    return trigger


def require_workflow(ctx: RequestContext, name: str) -> dict[str, Any]:
    workflow = ctx.store.get(ctx.scope, WORKFLOW, "", name)
    if workflow is None:
        raise EntityNotFoundException(f"Workflow with name {name} not found")
    return workflow


def workflow_triggers(store: Any, scope: str, workflow: str) -> list[dict[str, Any]]:
    """The triggers that belong to a workflow, by name."""
    return [t for _, t in store.list(scope, TRIGGER, "") if t.get("WorkflowName") == workflow]


def node_key(node_type: str, name: str) -> str:
    """How the engine names a job or crawler node in its bookkeeping ("JOB:load")."""
    return f"{node_type}:{name}"


def node_id(scope: str, workflow: str, node_type: str, name: str) -> str:
    """A node's UniqueId, `wnode_` + 64 hex as on AWS.

    Derived from what the node is, so the same node keeps its id across GetWorkflow calls and runs,
    and ResumeWorkflowRun can map the ids a caller read back to jobs and crawlers.
    """
    digest = hashlib.sha256(f"{scope}/{workflow}/{node_type}/{name}".encode()).hexdigest()
    return "wnode_" + digest


def new_workflow_run_id() -> str:
    """`wr_` + 64 hex digits, as Glue's workflow run ids are."""
    return "wr_" + secrets.token_hex(32)


def trigger_arn(ctx: RequestContext, name: str) -> str:
    return tagging.resource_arn(ctx, f"trigger/{name}")


def workflow_arn(ctx: RequestContext, name: str) -> str:
    return tagging.resource_arn(ctx, f"workflow/{name}")


def _exists(kind: str) -> Any:
    def exists(ctx: RequestContext, account: str, path: list[str]) -> bool:
        name = "/".join(path)
        return account == ctx.account and ctx.store.get(ctx.scope, kind, "", name) is not None

    return exists


tagging.register("trigger", _exists(TRIGGER))
tagging.register("workflow", _exists(WORKFLOW))
