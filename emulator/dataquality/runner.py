"""The runs of data-quality work (ruleset evaluations, rule recommendations) on the warm Spark pool.

A run record is the shape its Get* operation returns, kept in the store (kind per run type, name = RunId).
Statuses follow TaskStatusType as AWS documents the runs: a run is RUNNING from its start until its Spark task
ends (SUCCEEDED, FAILED or TIMEOUT), or STOPPING then STOPPED when cancelled. `Timeout` is in minutes (default
2880, as for the runs' API) and scales with GLUE_EMULATOR_TIME_SCALE as job runs do; ExecutionTime is in seconds.

The runner is an emulator component: its creation settles runs a previous server process left running (they
end FAILED: their Spark task died with that process), reset stops every run in flight.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..clock import now
from ..context import RequestContext
from ..jobs.arguments import RunSetupError
from ..jobs.spark_tasks import TaskOutcome, run_spark_task
from ..jobs.table_tasks import fail_unfinished

if TYPE_CHECKING:
    from ..core import Emulator
    from ..jobs.executor import RunHandle

log = logging.getLogger("glue_emulator.dataquality")

EVALUATION_RUN = "dq_evaluation_run"
RECOMMENDATION_RUN = "dq_recommendation_run"
ACTIVE = frozenset({"STARTING", "RUNNING", "STOPPING"})
DEFAULT_TIMEOUT_MINUTES = 2880
_LEFT_BEHIND = "The run was interrupted: the emulator stopped while it was running."

# What the caller does with a run's record once its task SUCCEEDED: (context, run record, outcome) -> fields to
# set on the record (a "Status" of FAILED among them, with an ErrorString, fails the run instead).
Finisher = Callable[[RequestContext, dict[str, Any], TaskOutcome], dict[str, Any]]


def new_run_id() -> str:
    """A RunId shaped as Glue's data-quality run ids (`dqrun-` and 40 hex digits)."""
    return "dqrun-" + uuid.uuid4().hex + uuid.uuid4().hex[:8]


class DataQualityRunner:
    """Starts, stops and finishes data-quality runs; one per emulator (`emulator.component(DataQualityRunner)`)."""

    def __init__(self, emulator: Emulator):
        self.emulator = emulator
        self._handles: dict[str, RunHandle] = {}
        self._lock = threading.Lock()
        for kind in (EVALUATION_RUN, RECOMMENDATION_RUN):
            fail_unfinished(emulator.store, kind, ACTIVE, lambda ended: {
                "Status": "FAILED", "ErrorString": _LEFT_BEHIND, "CompletedOn": ended, "LastModifiedOn": ended})

    def start(self, ctx: RequestContext, kind: str, run: dict[str, Any], target: str, payload: dict[str, Any],
              finish: Finisher) -> None:
        """Store `run` (a new record with RunId) as RUNNING and run `target` with `payload` on the Spark pool.

        When the task ends, `finish` gives the fields of the final record (results stored by then); the run then
        ends in the task's state. Raises InvalidInputException when Spark cannot run at all.
        """
        run_id = run["RunId"]
        started = now()
        run.update(Status="RUNNING", StartedOn=started, LastModifiedOn=started)
        run.setdefault("Timeout", DEFAULT_TIMEOUT_MINUTES)
        ctx.store.put(ctx.scope, kind, "", run_id, run)
        scope = (ctx.account, ctx.region)

        def done(outcome: TaskOutcome) -> None:
            with self._lock:
                self._handles.pop(run_id, None)
            task_ctx = RequestContext(scope[0], scope[1], run_id, self.emulator)
            try:
                self._finish(task_ctx, kind, run_id, outcome, finish)
            except Exception:  # the run must still end: a bug here would leave it RUNNING for ever
                log.exception("finishing data-quality run %s failed", run_id)
                self._finish(task_ctx, kind, run_id, TaskOutcome("FAILED", "Internal error storing the results"),
                             lambda *_: {})

        timeout_seconds = run["Timeout"] * 60 / self.emulator.settings.time_scale
        try:
            handle = run_spark_task(self.emulator, task_id=run_id, target=target, payload=payload,
                                    account=ctx.account, region=ctx.region, log_dir=self._log_dir(run_id),
                                    timeout_seconds=timeout_seconds, on_done=done)
        except RunSetupError as exc:
            done(TaskOutcome("FAILED", str(exc)))
            return
        with self._lock:
            if ctx.store.get(ctx.scope, kind, "", run_id)["Status"] in ACTIVE:
                self._handles[run_id] = handle

    def stop(self, ctx: RequestContext, kind: str, run_id: str) -> bool:
        """Cancel a run in flight (it goes STOPPING, then STOPPED when its task is gone); False when it has ended."""
        # Read and written in one transaction, as _finish stores the final state: a task ending meanwhile either
        # finds STOPPING (and ends STOPPED) or has stored its end, which this then sees. Written outside one,
        # STOPPING could land over SUCCEEDED, and the run stayed STOPPING for ever.
        with self._lock, ctx.store.transaction():
            handle = self._handles.get(run_id)
            run = ctx.store.get(ctx.scope, kind, "", run_id)
            if run is None or run["Status"] not in ACTIVE:
                return False
            run.update(Status="STOPPING", LastModifiedOn=now())
            ctx.store.put(ctx.scope, kind, "", run_id, run)
        if handle is not None:
            handle.stop()
        return True

    def _finish(self, ctx: RequestContext, kind: str, run_id: str, outcome: TaskOutcome, finish: Finisher) -> None:
        with ctx.store.transaction():
            run = ctx.store.get(ctx.scope, kind, "", run_id)
            if run is None or run["Status"] not in ACTIVE:  # deleted by a reset meanwhile
                return
            state = "STOPPED" if run["Status"] == "STOPPING" else outcome.state
            if state == "SUCCEEDED":
                fields = finish(ctx, run, outcome)
                state = fields.pop("Status", state)  # the results themselves may fail the run
                run.update(fields)
            elif outcome.error_message:
                run["ErrorString"] = outcome.error_message
            ended = now()
            run.update(Status=state, CompletedOn=ended, LastModifiedOn=ended,
                       ExecutionTime=max(0, round(ended - run["StartedOn"])))
            ctx.store.put(ctx.scope, kind, "", run_id, run)

    def _log_dir(self, run_id: str) -> Any:
        return self.emulator.settings.data_dir / "dataquality" / "runs" / run_id

    def reset(self) -> None:
        with self._lock:
            handles, self._handles = list(self._handles.values()), {}
        for handle in handles:
            handle.stop()

    def shutdown(self) -> None:
        self.reset()
