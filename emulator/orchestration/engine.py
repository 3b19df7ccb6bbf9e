"""The orchestration engine: fires triggers, runs workflow runs, and reacts to jobs and crawls ending.

Event-driven: the RunManager (`on_run_ended`) and the CrawlRunner (`on_crawl_ended`) report ends;
the engine queues them and one dispatcher thread evaluates the conditional triggers that watch the
node that ended, starting their actions at once. Every change to a workflow run happens under one
lock, so a run cannot be judged COMPLETED while a trigger is still starting its actions, and the
end of an action started by a trigger being fired waits until that firing is over.

Scoping, as AWS documents it:
- a node started inside a workflow run fires only that run's (frozen) conditional triggers, each at
  most once per run, judged on the latest end state of each node in that run;
- a node started by a trigger outside any workflow fires only the conditional triggers outside
  workflows, judged on the ends each trigger has seen since it last fired (TRIGGER_MEMORY);
- a node started directly (StartJobRun, StartCrawler, a crawler's own schedule) fires nothing.

A workflow run document is {"Run": the WorkflowRun shape without Graph/Statistics, "Triggers": the
triggers frozen at start, "Fired": trigger names, "JobRuns": {job: [run ids]}, "Crawls":
{crawler: [Crawl]}, "Outcomes": {node key: {"State", "RunId"}}, "Active": {ref: node key} for the
actions started whose end has not been handled yet, "Done": refs already handled}. The run is over
(COMPLETED, or STOPPED after StopWorkflowRun) when nothing is active: with every firing done under
the lock, nothing more can happen then.
"""

from __future__ import annotations

import copy
import logging
import queue
import threading
from typing import TYPE_CHECKING, Any

from ..clock import now
from ..context import RequestContext
from ..errors import (
    ConcurrentRunsExceededException,
    CrawlerRunningException,
    EntityNotFoundException,
    IllegalWorkflowStateException,
    InvalidInputException,
)
from ..jobs.runs import JOB_RUN, RunEnded, RunManager, WorkflowRef
from .common import (
    CRAWL_ORIGIN,
    CRAWLER_NODE,
    EVENT_BATCH,
    JOB_NODE,
    START_TYPES,
    TRIGGER,
    TRIGGER_MEMORY,
    TRIGGER_NODE,
    WORKFLOW_RUN,
    context_for,
    new_workflow_run_id,
    node_id,
    node_key,
    require_workflow,
    workflow_triggers,
)
from .conditions import satisfied
from .crawls import crawl_runner, stored_crawler
from .graph import action_key, condition_key, split_key, structure

if TYPE_CHECKING:
    from ..core import Emulator

log = logging.getLogger("glue_emulator.orchestration")

RESTART_MESSAGE = "The emulator restarted while the workflow run was in progress"
_CRAWL_RESTART_MESSAGE = "The emulator restarted while the crawl was in progress"
_ACTION_OVERRIDES = ("Timeout", "SecurityConfiguration", "NotificationProperty")
_OVER = object()  # the dispatcher's stop signal


def concurrency_message(workflow: str) -> str:
    """The one ErrorMessage AWS documents for workflow runs."""
    return f"Concurrent runs exceeded for workflow: {workflow}"


class Engine:
    """Fires triggers and drives workflow runs for one server (a component, created at server start)."""

    def __init__(self, emulator: Emulator):
        self.emulator = emulator
        self.store = emulator.store
        self._lock = threading.RLock()
        self._events: queue.Queue[Any] = queue.Queue()
        self.runs = emulator.component(RunManager)
        self._recover()
        self.runs.on_run_ended.append(lambda event: self._events.put((self._job_ended, event)))
        crawls = crawl_runner(emulator)
        if crawls is not None:
            crawls.on_crawl_ended.append(self._crawl_ended)
        self._dispatcher = threading.Thread(target=self._dispatch, name="orchestration-engine", daemon=True)
        self._dispatcher.start()

    # -- the dispatcher -----------------------------------------------------------------------------

    def _dispatch(self) -> None:
        while True:
            item = self._events.get()
            if item is _OVER:
                return
            handler, event = item
            try:
                with self._lock:
                    handler(event)
            except Exception:
                log.exception("orchestration failed to handle %r", event)
            finally:
                self._events.task_done()

    # -- ends of jobs and crawls --------------------------------------------------------------------

    def _job_ended(self, event: RunEnded) -> None:
        run = event.run
        key = node_key(JOB_NODE, run["JobName"])
        if event.workflow is not None:
            self._node_ended(event.scope, event.workflow, key, run["Id"], run["JobRunState"], event.retry_run_id)
        elif event.trigger_name is not None and event.retry_run_id is None:
            self._outside_node_ended(event.scope, key, run["JobRunState"], run["Id"])

    def _crawl_ended(self, scope: str, crawler_name: str, state: str) -> None:
        """CrawlRunner callback: only crawls a trigger started matter (their origin was recorded)."""
        origin = self.store.get(scope, CRAWL_ORIGIN, "", crawler_name)
        if origin is None:
            return
        self.store.delete(scope, CRAWL_ORIGIN, "", crawler_name)
        self._events.put((self._crawl_origin_ended, (scope, crawler_name, state, origin)))

    def _crawl_origin_ended(self, event: tuple[str, str, str, dict[str, Any]]) -> None:
        scope, crawler_name, state, origin = event
        key = node_key(CRAWLER_NODE, crawler_name)
        workflow = origin.get("Workflow")
        if workflow is None:
            self._outside_node_ended(scope, key, state, None)
            return
        ref = WorkflowRef(*workflow)
        doc = self._load(scope, ref)
        if doc is not None:
            running = [c for c in doc["Crawls"].get(crawler_name, []) if c["State"] == "RUNNING"]
            if running:  # one at most: a crawler runs one crawl at a time
                running[-1].update(self._crawl_end_details(scope, crawler_name, state))
            self._save(scope, doc)
        self._node_ended(scope, ref, key, key, state, None)

    def _crawl_end_details(self, scope: str, crawler_name: str, state: str) -> dict[str, Any]:
        """The Crawl fields known at a crawl's end (log location and error from the crawler's LastCrawl)."""
        details: dict[str, Any] = {"State": state, "CompletedOn": now()}
        last = (stored_crawler(self.store, scope, crawler_name) or {}).get("LastCrawl") or {}
        details.update({m: last[m] for m in ("ErrorMessage", "LogGroup", "LogStream") if last.get(m)})
        return details

    def _node_ended(
        self, scope: str, ref: WorkflowRef, key: str, action_ref: str, state: str, retry_run_id: str | None
    ) -> None:
        """An action of a workflow run ended: record it, fire what it satisfies, settle the run."""
        doc = self._load(scope, ref)
        if doc is None:  # the workflow was deleted meanwhile
            return
        doc["Active"].pop(action_ref, None)
        if action_ref not in doc["Done"]:
            doc["Done"].append(action_ref)
        node_type, name = split_key(key)
        if node_type == JOB_NODE and action_ref not in doc["JobRuns"].setdefault(name, []):
            doc["JobRuns"][name].append(action_ref)
        if retry_run_id is not None:  # the job retries: its node ends with the last attempt
            if retry_run_id not in doc["Done"]:
                doc["Active"][retry_run_id] = key
            if retry_run_id not in doc["JobRuns"][name]:
                doc["JobRuns"][name].append(retry_run_id)
        else:
            doc["Outcomes"][key] = {"State": state, "RunId": action_ref if node_type == JOB_NODE else None}
            if doc["Run"]["Status"] == "RUNNING":
                self._fire_satisfied(context_for(self.emulator, scope), doc, key)
        self._finish_if_idle(doc)
        self._save(scope, doc)

    def _fire_satisfied(self, ctx: RequestContext, doc: dict[str, Any], ended: str) -> None:
        for trigger in doc["Triggers"]:
            if trigger["Type"] != "CONDITIONAL" or trigger["State"] != "ACTIVATED":
                continue
            if trigger["Name"] in doc["Fired"]:
                continue
            predecessors = satisfied(trigger, doc["Outcomes"], ended)
            if predecessors is not None:
                self._fire_in_run(ctx, doc, trigger, predecessors)

    def _outside_node_ended(self, scope: str, key: str, state: str, run_id: str | None) -> None:
        """A node a trigger outside workflows started ended: fire the outside triggers it satisfies."""
        ctx = context_for(self.emulator, scope)
        for _, trigger in self.store.list(scope, TRIGGER, ""):
            if trigger.get("WorkflowName") or trigger["Type"] != "CONDITIONAL" or trigger["State"] != "ACTIVATED":
                continue
            conditions = (trigger.get("Predicate") or {}).get("Conditions") or []
            if not any(condition_key(c) == key for c in conditions):
                continue
            memory = self.store.get(scope, TRIGGER_MEMORY, "", trigger["Name"]) or {}
            memory[key] = {"State": state, "RunId": run_id}
            predecessors = satisfied(trigger, memory, key)
            if predecessors is None:
                self.store.put(scope, TRIGGER_MEMORY, "", trigger["Name"], memory)
                continue
            self.store.delete(scope, TRIGGER_MEMORY, "", trigger["Name"])
            for action in trigger["Actions"]:
                self._start_action(ctx, trigger, action, None, predecessors)

    def forget_trigger(self, ctx: RequestContext, name: str) -> None:
        """A trigger changed (updated, activated, stopped, deleted): it forgets the ends it had seen
        and the events it was batching.

        Takes no engine lock: callers may hold a store transaction.
        """
        ctx.store.delete(ctx.scope, TRIGGER_MEMORY, "", name)
        ctx.store.delete(ctx.scope, EVENT_BATCH, "", name)

    # -- starting actions ---------------------------------------------------------------------------

    def _start_action(
        self,
        ctx: RequestContext,
        trigger: dict[str, Any],
        action: dict[str, Any],
        workflow: WorkflowRef | None,
        predecessors: list[dict[str, str]] | None,
    ) -> tuple[str, dict[str, Any] | None] | None:
        """Start one action; returns (ref, Crawl record or None), or None when nothing was started.

        A job the trigger cannot start is recorded by the RunManager as a run (ERROR for a deleted
        job, FAILED over MaxConcurrentRuns), as AWS records them, so its end is reported like others.
        """
        if action.get("JobName") is not None:
            overrides = {m: action[m] for m in _ACTION_OVERRIDES if m in action}
            try:
                run = self.runs.start(
                    ctx,
                    action["JobName"],
                    arguments=action.get("Arguments"),
                    overrides=overrides,
                    trigger_name=trigger["Name"],
                    workflow=workflow,
                    predecessors=predecessors,
                )
            except Exception:
                log.exception("trigger %s could not start job %s", trigger["Name"], action["JobName"])
                return None
            return run["Id"], None
        return self._start_crawl(ctx, trigger, action["CrawlerName"], workflow)

    def _start_crawl(
        self, ctx: RequestContext, trigger: dict[str, Any], crawler: str, workflow: WorkflowRef | None
    ) -> tuple[str, dict[str, Any] | None] | None:
        """Start a crawl, remembering who started it; a crawl that cannot start is an ERROR crawl.

        The origin is written before the crawl starts (a crawl may end before `start` returns) and
        only for an idle crawler, so the origin of a crawl in progress is never overwritten.
        """
        key = node_key(CRAWLER_NODE, crawler)
        runner = crawl_runner(self.emulator)
        started = now()
        origin = {"TriggerName": trigger["Name"], "Workflow": list(workflow) if workflow else None}
        recorded = False
        try:
            if runner is None:
                raise EntityNotFoundException(f"Crawler with name {crawler} not found")
            if runner.is_active(ctx.scope, crawler) or ctx.store.get(ctx.scope, CRAWL_ORIGIN, "", crawler):
                raise CrawlerRunningException(f"Crawler with name {crawler} has already started")
            ctx.store.put(ctx.scope, CRAWL_ORIGIN, "", crawler, origin)
            recorded = True
            runner.start(ctx.scope, crawler)
        except Exception as exc:
            if recorded:
                ctx.store.delete(ctx.scope, CRAWL_ORIGIN, "", crawler)
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            log.info("trigger %s could not start crawler %s: %s", trigger["Name"], crawler, message)
            if workflow is None:
                return None
            return key, {"State": "ERROR", "StartedOn": started, "CompletedOn": now(), "ErrorMessage": message}
        return key, {"State": "RUNNING", "StartedOn": started}

    def _fire_in_run(
        self,
        ctx: RequestContext,
        doc: dict[str, Any],
        trigger: dict[str, Any],
        predecessors: list[dict[str, str]] | None,
        only: set[str] | None = None,
    ) -> None:
        """Fire a trigger inside a workflow run (all its actions, or those whose node is in `only`)."""
        if trigger["Name"] not in doc["Fired"]:
            doc["Fired"].append(trigger["Name"])
        ref = WorkflowRef(doc["Run"]["Name"], doc["Run"]["WorkflowRunId"])
        for action in trigger["Actions"]:
            key = action_key(action)
            if only is not None and key not in only:
                continue
            started = self._start_action(ctx, trigger, action, ref, predecessors)
            if started is None:
                continue
            action_ref, crawl = started
            _, name = split_key(key)
            if crawl is not None:
                doc["Crawls"].setdefault(name, []).append(crawl)
                if crawl["State"] == "ERROR":
                    doc["Outcomes"][key] = {"State": "ERROR", "RunId": None}
                    continue
            else:
                doc["JobRuns"].setdefault(name, []).append(action_ref)
            if action_ref not in doc["Done"]:
                doc["Active"][action_ref] = key

    # -- firing from outside: StartTrigger, the scheduler, events -------------------------------------

    def fire_on_demand(self, ctx: RequestContext, trigger: dict[str, Any]) -> None:
        """StartTrigger on an ON_DEMAND trigger: start its workflow, or start its actions."""
        if trigger.get("WorkflowName"):
            self.start_workflow_run(ctx, trigger["WorkflowName"])
            return
        with self._lock:
            for action in trigger["Actions"]:
                self._start_action(ctx, trigger, action, None, None)

    def fire_scheduled(self, ctx: RequestContext, trigger: dict[str, Any]) -> None:
        """A SCHEDULED trigger's time came: a workflow over its limit records an ERROR run."""
        if trigger.get("WorkflowName"):
            try:
                self.start_workflow_run(ctx, trigger["WorkflowName"], record_refusal=True)
            except EntityNotFoundException:
                log.warning("scheduled trigger %s names a missing workflow", trigger["Name"])
            return
        with self._lock:
            for action in trigger["Actions"]:
                self._start_action(ctx, trigger, action, None, None)

    # -- workflow runs ------------------------------------------------------------------------------

    def _load(self, scope: str, ref: WorkflowRef) -> dict[str, Any] | None:
        return self.store.get(scope, WORKFLOW_RUN, ref.name, ref.run_id)

    def _save(self, scope: str, doc: dict[str, Any]) -> None:
        run = doc["Run"]
        self.store.put(scope, WORKFLOW_RUN, run["Name"], run["WorkflowRunId"], doc)

    def require_run(self, ctx: RequestContext, workflow: str, run_id: str) -> dict[str, Any]:
        require_workflow(ctx, workflow)
        doc = ctx.store.get(ctx.scope, WORKFLOW_RUN, workflow, run_id)
        if doc is None:
            raise EntityNotFoundException(f"Workflow run with id {run_id} not found for workflow {workflow}")
        return doc

    def _running(self, ctx: RequestContext, workflow: str) -> int:
        runs = ctx.store.list(ctx.scope, WORKFLOW_RUN, workflow)
        return sum(1 for _, doc in runs if doc["Run"]["Status"] in ("RUNNING", "STOPPING"))

    def _new_run(
        self, workflow: dict[str, Any], properties: dict[str, str], triggers: list[dict[str, Any]]
    ) -> dict[str, Any]:
        run: dict[str, Any] = {
            "Name": workflow["Name"],
            "WorkflowRunId": new_workflow_run_id(),
            "WorkflowRunProperties": properties,
            "StartedOn": now(),
            "Status": "RUNNING",
        }
        return {
            "Run": run,
            "Triggers": copy.deepcopy(triggers),
            "Fired": [],
            "JobRuns": {},
            "Crawls": {},
            "Outcomes": {},
            "Active": {},
            "Done": [],
        }

    def _admit(self, ctx: RequestContext, workflow: dict[str, Any], doc: dict[str, Any], record_refusal: bool) -> bool:
        """MaxConcurrentRuns: an API start over it is refused; a schedule's or event's is an ERROR run."""
        limit = workflow.get("MaxConcurrentRuns")
        if not limit or limit <= 0 or self._running(ctx, workflow["Name"]) < limit:
            return True
        message = concurrency_message(workflow["Name"])
        if not record_refusal:
            raise ConcurrentRunsExceededException(message)
        doc["Run"].update(Status="ERROR", ErrorMessage=message, CompletedOn=now())
        self._save(ctx.scope, doc)
        return False

    def start_workflow_run(
        self,
        ctx: RequestContext,
        name: str,
        properties: dict[str, str] | None = None,
        *,
        record_refusal: bool = False,
        batch_condition: dict[str, int] | None = None,
    ) -> str:
        """Start a run: freeze the workflow's triggers, fire its start trigger; returns the run id.

        Run properties are the workflow's defaults overlaid with the given ones (run-level keys win).
        A workflow without a start trigger has nothing to run: its run completes at once.
        """
        with self._lock:
            workflow = require_workflow(ctx, name)
            triggers = workflow_triggers(ctx.store, ctx.scope, name)
            merged = {**workflow.get("DefaultRunProperties", {}), **(properties or {})}
            doc = self._new_run(workflow, merged, triggers)
            if batch_condition is not None:
                doc["Run"]["StartingEventBatchCondition"] = batch_condition
            if not self._admit(ctx, workflow, doc, record_refusal):
                return doc["Run"]["WorkflowRunId"]
            self._save(ctx.scope, doc)
            start = next((t for t in doc["Triggers"] if t["Type"] in START_TYPES), None)
            if start is not None:
                self._fire_in_run(ctx, doc, start, None)
            self._finish_if_idle(doc)
            self._save(ctx.scope, doc)
            return doc["Run"]["WorkflowRunId"]

    def _finish_if_idle(self, doc: dict[str, Any]) -> None:
        """Nothing active means nothing more can happen: the run is over."""
        run = doc["Run"]
        if doc["Active"] or run["Status"] not in ("RUNNING", "STOPPING"):
            return
        run["Status"] = "COMPLETED" if run["Status"] == "RUNNING" else "STOPPED"
        run["CompletedOn"] = now()

    def put_properties(self, ctx: RequestContext, workflow: str, run_id: str, properties: dict[str, str]) -> None:
        """Merge properties into a run's (an existing key takes the new value)."""
        with self._lock:
            doc = self.require_run(ctx, workflow, run_id)
            doc["Run"].setdefault("WorkflowRunProperties", {}).update(properties)
            self._save(ctx.scope, doc)

    def stop_workflow_run(self, ctx: RequestContext, workflow: str, run_id: str) -> None:
        """RUNNING -> STOPPING: running actions are stopped, nothing new starts; STOPPED once all ended."""
        with self._lock:
            doc = self.require_run(ctx, workflow, run_id)
            if doc["Run"]["Status"] != "RUNNING":
                raise IllegalWorkflowStateException(
                    f"Workflow run {run_id} is {doc['Run']['Status']}; only a RUNNING run can be stopped"
                )
            doc["Run"]["Status"] = "STOPPING"
            active = dict(doc["Active"])
            self._finish_if_idle(doc)
            self._save(ctx.scope, doc)
        for ref, key in active.items():
            node_type, name = split_key(key)
            if node_type == JOB_NODE:
                self.runs.stop(ctx, name, ref)
            else:
                self._stop_crawl(ctx, name)

    def _stop_crawl(self, ctx: RequestContext, crawler: str) -> None:
        runner = crawl_runner(self.emulator)
        try:
            if runner is not None:
                runner.stop(ctx.scope, crawler)
        except Exception as exc:  # it ended meanwhile: its end is on its way
            log.info("could not stop crawler %s: %s", crawler, exc)

    def resume_workflow_run(
        self, ctx: RequestContext, workflow: str, run_id: str, node_ids: list[str]
    ) -> tuple[str, list[str]]:
        """A new run re-running the chosen nodes and everything downstream of them.

        Only a COMPLETED run, only job or crawler nodes the run attempted. Nodes not re-run keep
        their run details (copied), triggers not downstream keep having fired; a chosen node
        downstream of another chosen one is dropped (it will run through the normal flow).
        """
        with self._lock:
            original = self.require_run(ctx, workflow, run_id)
            if original["Run"]["Status"] != "COMPLETED":
                raise IllegalWorkflowStateException(
                    f"Workflow run {run_id} is {original['Run']['Status']}; only a COMPLETED run can be resumed"
                )
            shape = structure(original["Triggers"])
            by_id = {node_id(ctx.scope, workflow, *split_key(key)): key for key in shape.nodes}
            chosen: list[str] = []
            for unique_id in node_ids:
                key = by_id.get(unique_id)
                if key is None:
                    raise InvalidInputException(f"Node {unique_id} is not a node of workflow run {run_id}")
                node_type, name = split_key(key)
                if node_type == TRIGGER_NODE:
                    raise InvalidInputException(f"Cannot resume from trigger node {unique_id}: choose a job or crawler")
                attempted = original["JobRuns"] if node_type == JOB_NODE else original["Crawls"]
                if not attempted.get(name):
                    raise InvalidInputException(
                        f"Node {unique_id} ({name}) has no run attempt in workflow run {run_id}"
                    )
                if key not in chosen:
                    chosen.append(key)
            chosen = [k for k in chosen if not any(k in shape.downstream({o}) for o in chosen if o != k)]
            rerun = shape.downstream(set(chosen))
            wf = require_workflow(ctx, workflow)
            doc = self._new_run(wf, dict(original["Run"].get("WorkflowRunProperties", {})), original["Triggers"])
            doc["Run"]["PreviousRunId"] = run_id
            self._admit(ctx, wf, doc, record_refusal=False)
            kept = [key for key in shape.nodes if key not in rerun]
            doc["Fired"] = [name for name in original["Fired"] if node_key(TRIGGER_NODE, name) in kept]
            for key in kept:
                node_type, name = split_key(key)
                if node_type == JOB_NODE and name in original["JobRuns"]:
                    doc["JobRuns"][name] = list(original["JobRuns"][name])
                if node_type == CRAWLER_NODE and name in original["Crawls"]:
                    doc["Crawls"][name] = copy.deepcopy(original["Crawls"][name])
                if key in original["Outcomes"]:
                    doc["Outcomes"][key] = original["Outcomes"][key]
            self._save(ctx.scope, doc)
            for key in chosen:
                self._restart_node(ctx, doc, original, key)
            self._finish_if_idle(doc)
            self._save(ctx.scope, doc)
            ids = {key: unique_id for unique_id, key in by_id.items()}
            return doc["Run"]["WorkflowRunId"], [ids[key] for key in chosen]

    def _restart_node(self, ctx: RequestContext, doc: dict[str, Any], original: dict[str, Any], key: str) -> None:
        """Start a node again as the trigger that started it in the original run would."""
        starters = [t for t in doc["Triggers"] if any(action_key(a) == key for a in t["Actions"])]
        fired = [t for t in starters if t["Name"] in original["Fired"]]
        trigger = (fired or starters or [None])[0]
        if trigger is None:
            return
        self._fire_in_run(ctx, doc, trigger, None, only={key})

    # -- housekeeping -------------------------------------------------------------------------------

    def sweep(self) -> None:
        """Let go of job runs that vanished without an end (their job was deleted while they ran)."""
        for scope, _workflow, _run_id, doc in self.store.list_scopes(WORKFLOW_RUN):
            if doc["Run"]["Status"] not in ("RUNNING", "STOPPING"):
                continue
            for ref, key in list(doc["Active"].items()):
                node_type, name = split_key(key)
                if node_type == JOB_NODE and self.store.get(scope, JOB_RUN, name, ref) is None:
                    ended = WorkflowRef(doc["Run"]["Name"], doc["Run"]["WorkflowRunId"])
                    self._events.put((self._vanished, (scope, ended, key, ref)))

    def _vanished(self, event: tuple[str, WorkflowRef, str, str]) -> None:
        scope, ref, key, action_ref = event
        doc = self._load(scope, ref)
        if doc is None or action_ref not in doc["Active"]:
            return
        if self.store.get(scope, JOB_RUN, split_key(key)[1], action_ref) is not None:
            return
        doc["Active"].pop(action_ref)
        doc["Done"].append(action_ref)
        self._finish_if_idle(doc)
        self._save(scope, doc)

    def _recover(self) -> None:
        """Runs a previous server process left in progress end now, with a message saying why.

        RUNNING becomes COMPLETED (nothing more will happen; it can be resumed from its failed nodes,
        whose job runs the RunManager ended FAILED); STOPPING becomes STOPPED.
        """
        for scope, _parent, crawler, _origin in self.store.list_scopes(CRAWL_ORIGIN):
            self.store.delete(scope, CRAWL_ORIGIN, "", crawler)
        for scope, _workflow, _run_id, doc in self.store.list_scopes(WORKFLOW_RUN):
            run = doc["Run"]
            if run["Status"] not in ("RUNNING", "STOPPING"):
                continue
            stamp = now()
            for crawls in doc["Crawls"].values():
                for crawl in crawls:
                    if crawl["State"] in ("RUNNING", "CANCELLING"):
                        crawl.update(State="FAILED", CompletedOn=stamp, ErrorMessage=_CRAWL_RESTART_MESSAGE)
            run.update(Status="COMPLETED" if run["Status"] == "RUNNING" else "STOPPED", CompletedOn=stamp)
            if run["Status"] == "COMPLETED":
                run["ErrorMessage"] = RESTART_MESSAGE
            doc["Active"] = {}
            self._save(scope, doc)

    def reset(self) -> None:
        """Emulator reset: forget the ends not handled yet (their runs are wiped too)."""
        with self._lock:
            while True:
                try:
                    item = self._events.get_nowait()
                except queue.Empty:
                    return
                self._events.task_done()
                if item is _OVER:
                    self._events.put(_OVER)
                    return

    def shutdown(self) -> None:
        self._events.put(_OVER)
