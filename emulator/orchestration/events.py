"""EVENT triggers: EventBridge events that start a workflow, one by one or in batches.

On AWS an EventBridge rule targets a workflow; the workflow's EVENT trigger (live unless stopped)
collects the events until its EventBatchingCondition is met: BatchSize events (default 1), or
BatchWindow seconds (default 900) after the first event of the batch. Then the workflow run starts,
the batch is reset, the run records which condition started it (StartingEventBatchCondition) and
its run property `aws:eventIds` lists the events' ids.

The emulator has no EventBridge rules; an event reaches a workflow the way a rule's target
delivery would, through the emulator's endpoint:

    POST /_emulator/workflows/<workflow name>/events   body: the EventBridge event (JSON object)

The event's `id` is kept (one is made when missing); its `account` and `region` pick the scope
(else the request's SigV4 scope). An EVENT trigger cannot be started on AWS (StartTrigger answers
"Trigger Type EVENT cannot be started"), so it is live as created (CREATED, or ACTIVATED when created
with StartOnCreation); events for one that StopTrigger DEACTIVATED are dropped. The answer says what
became of the event.
"""

from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import Request, Response

from ..context import RequestContext
from ..errors import AwsError, EntityNotFoundException, InvalidInputException
from ..protocol import awsjson
from ..protocol.sigv4 import parse_scope
from .common import EVENT_BATCH, TRIGGER, Clock, context_for, require_workflow, workflow_triggers
from .engine import Engine

if TYPE_CHECKING:
    from ..core import Emulator

DEFAULT_BATCH_SIZE = 1
DEFAULT_BATCH_WINDOW = 900  # seconds
EVENT_IDS_PROPERTY = "aws:eventIds"
LIVE_STATES = ("CREATED", "ACTIVATED")  # an EVENT trigger takes events unless DEACTIVATED


def _condition(trigger: dict[str, Any]) -> tuple[int, int]:
    condition = trigger.get("EventBatchingCondition") or {}
    return condition.get("BatchSize", DEFAULT_BATCH_SIZE), condition.get("BatchWindow", DEFAULT_BATCH_WINDOW)


class EventBatcher:
    """Holds EVENT triggers' pending events (in the store) and starts runs when a batch is complete."""

    def __init__(self, emulator: Emulator):
        self.emulator = emulator
        self.engine = emulator.component(Engine)
        self.clock = emulator.component(Clock)
        self._lock = threading.Lock()

    def deliver(self, ctx: RequestContext, workflow: str, event: dict[str, Any]) -> dict[str, Any]:
        """Hand one event to a workflow's EVENT trigger; returns what happened to it."""
        require_workflow(ctx, workflow)
        trigger = next((t for t in workflow_triggers(ctx.store, ctx.scope, workflow) if t["Type"] == "EVENT"), None)
        if trigger is None:
            raise InvalidInputException(f"Workflow {workflow} has no EVENT trigger")
        event_id = str(event.get("id") or uuid.uuid4())
        result: dict[str, Any] = {"EventId": event_id, "TriggerName": trigger["Name"]}
        if trigger["State"] not in LIVE_STATES:
            return {**result, "Status": "DROPPED"}
        size, _window = _condition(trigger)
        with self._lock:
            batch = ctx.store.get(ctx.scope, EVENT_BATCH, "", trigger["Name"])
            if batch is None:
                batch = {"EventIds": [], "FirstEventAt": self.clock.now().timestamp()}
            batch["EventIds"].append(event_id)
            if len(batch["EventIds"]) < size:
                ctx.store.put(ctx.scope, EVENT_BATCH, "", trigger["Name"], batch)
                return {**result, "Status": "BATCHED", "BatchedEvents": len(batch["EventIds"])}
            run_id = self._start(ctx, trigger, batch, {"BatchSize": len(batch["EventIds"])})
        return {**result, "Status": "STARTED", "RunId": run_id}

    def _start(
        self, ctx: RequestContext, trigger: dict[str, Any], batch: dict[str, Any], condition: dict[str, int]
    ) -> str:
        ctx.store.delete(ctx.scope, EVENT_BATCH, "", trigger["Name"])
        properties = {EVENT_IDS_PROPERTY: json.dumps(batch["EventIds"])}
        return self.engine.start_workflow_run(
            ctx, trigger["WorkflowName"], properties, record_refusal=True, batch_condition=condition
        )

    def close_windows(self, at: datetime) -> None:
        """Start the runs whose batch window has passed at `at` (the scheduler calls this)."""
        with self._lock:
            for scope, _parent, name, batch in self.emulator.store.list_scopes(EVENT_BATCH):
                ctx = context_for(self.emulator, scope)
                trigger = ctx.store.get(scope, TRIGGER, "", name)
                if trigger is None or trigger["State"] not in LIVE_STATES:
                    ctx.store.delete(scope, EVENT_BATCH, "", name)
                    continue
                _size, window = _condition(trigger)
                opened = datetime.fromtimestamp(batch["FirstEventAt"], at.tzinfo)
                if at >= opened + timedelta(seconds=window):
                    try:
                        self._start(ctx, trigger, batch, {"BatchWindow": window})
                    except EntityNotFoundException:  # the workflow went away with its trigger
                        pass


def handle_http(emulator: Emulator, request: Request, workflow: str) -> Response:
    """The emulator endpoint an event reaches a workflow by (see the module's docstring)."""
    request_id = str(uuid.uuid4())
    try:
        event, _ = awsjson.parse_json(request.get_data())  # refuses what is not a faithful JSON object
        scope = parse_scope(request.headers, request.args)
        account = str(event.get("account") or scope.account)
        region = str(event.get("region") or scope.region)
        ctx = context_for(emulator, f"{account}/{region}")
        result = emulator.component(EventBatcher).deliver(ctx, workflow, event)
    except AwsError as error:
        return awsjson.error_response(error, request_id)
    return Response(json.dumps(result), status=200, mimetype="application/json")
