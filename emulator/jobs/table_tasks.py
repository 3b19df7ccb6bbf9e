"""Glue task runs on the warm Spark pool, one at a time per catalog table: the lifecycle they share.

Column statistics task runs (dataquality/column_statistics_tasks.py) and materialized-view refresh task runs
(catalog/materialized_views.py) follow one set of rules in AWS's API reference (StartColumnStatisticsTaskRun,
StopColumnStatisticsTaskRun, StartMaterializedViewRefreshTaskRun, StopMaterializedViewRefreshTaskRun):
- a run is STARTING until it is handed to Spark, then RUNNING, and ends SUCCEEDED, FAILED (ErrorMessage) or
  STOPPED; CreationTime, StartTime, EndTime and LastUpdated are epoch seconds, DPUSeconds the run's duration
  (one DPU);
- one run at a time per table: a second start while one is STARTING or RUNNING is `<Prefix>RunningException`;
  Stop stops the table's running one (`<Prefix>NotRunningException` when there is none,
  `<Prefix>StoppingException` when it was already asked to stop), which then ends STOPPED.
Here the Spark work is a task function run by jobs/spark_tasks.py; a run record lives in the store under the
caller's scope (kind `TableTaskRuns.kind`, parent "", named by its id). Runs a previous server process left
unfinished end FAILED when the component is made (their Spark task died with that process).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ..clock import now
from ..context import RequestContext
from ..errors import AwsError

if TYPE_CHECKING:
    from ..core import Emulator
    from ..store import Store
    from .executor import RunHandle
    from .spark_tasks import TaskOutcome

ACTIVE = ("STARTING", "RUNNING")
_TIMEOUT_SECONDS = 3600.0


def fail_unfinished(store: Store, kind: str, active: Collection[str],
                    changes: Callable[[float], dict[str, Any]]) -> None:
    """End FAILED, in every scope, the runs of `kind` whose Status is `active`: a previous server process left
    them so. `changes(ended)` gives the fields to set (Status and the error among them), `ended` in epoch seconds."""
    for scope, parent, name, run in store.list_scopes(kind):
        if run["Status"] in active:
            run.update(changes(now()))
            store.put(scope, kind, parent, name, run)


class TableTaskRuns:
    """The runs of one kind in flight in this process, and their ends (an emulator component to subclass).

    A subclass names its store `kind`, its run id member `id_field`, its catalog id member `catalog_field`, the
    task function `target` ("module:function"), the `folder` under the data dir for its runs' files, the
    `error_prefix` of its three exceptions and their `messages` (by suffix Running, NotRunning, Stopping; `{table}`
    is the table's name), the ErrorMessage of a run that `timed_out`, and implements `_succeeded`.
    """

    kind: ClassVar[str]
    id_field: ClassVar[str]
    catalog_field: ClassVar[str]
    target: ClassVar[str]
    folder: ClassVar[str]
    error_prefix: ClassVar[str]
    messages: ClassVar[dict[str, str]]
    timed_out: ClassVar[str]
    message_limit: ClassVar[int | None] = None  # the longest ErrorMessage kept, when the API bounds it

    def __init__(self, emulator: Emulator):
        self.emulator = emulator
        self._lock = threading.RLock()
        self._handles: dict[str, RunHandle] = {}
        self._stopping: set[str] = set()
        fail_unfinished(emulator.store, self.kind, ACTIVE, lambda ended: {
            "Status": "FAILED", "ErrorMessage": "The emulator stopped during the run.", "EndTime": ended,
            "LastUpdated": ended})

    def _error(self, suffix: str, table: str) -> AwsError:
        return AwsError(self.messages[suffix].format(table=table), code=f"{self.error_prefix}{suffix}Exception")

    def active_run(self, ctx: RequestContext, catalog: str, database: str, table: str) -> dict[str, Any] | None:
        """The table's STARTING or RUNNING run, or None (names compared case-insensitively)."""
        wanted = (catalog, database.lower(), table.lower())
        for _, run in ctx.store.list(ctx.scope, self.kind, ""):
            if run["Status"] in ACTIVE and \
                    (run[self.catalog_field], run["DatabaseName"].lower(), run["TableName"].lower()) == wanted:
                return run
        return None

    def launch(self, ctx: RequestContext, run: dict[str, Any], payload: dict[str, Any]) -> str:
        """Store `run` (a new STARTING record of the table of its DatabaseName and TableName) and run the task with
        `payload` on the Spark pool; the run's id. `<Prefix>RunningException` when the table has a run already."""
        from .arguments import RunSetupError
        from .spark_tasks import run_spark_task

        run_id = run[self.id_field]
        with self._lock:
            if self.active_run(ctx, run[self.catalog_field], run["DatabaseName"], run["TableName"]) is not None:
                raise self._error("Running", run["TableName"])
            ctx.store.put(ctx.scope, self.kind, "", run_id, run)
            try:
                handle = run_spark_task(
                    self.emulator, task_id=run_id, target=self.target, payload=payload, account=ctx.account,
                    region=ctx.region, log_dir=self.log_dir(run_id), timeout_seconds=_TIMEOUT_SECONDS,
                    on_done=lambda outcome: self._ended(ctx, run_id, outcome))
            except RunSetupError as exc:
                self._finish(ctx, run_id, "FAILED", str(exc))
                return run_id
            # A task that could not even start may have ended (and been finished) already.
            if (ctx.store.get(ctx.scope, self.kind, "", run_id) or {}).get("Status") in ACTIVE:
                self._handles[run_id] = handle
                self._update(ctx, run_id, lambda r: r["Status"] == "STARTING", Status="RUNNING", StartTime=now(),
                             LastUpdated=now())
        return run_id

    def stop_run(self, ctx: RequestContext, catalog: str, database: str, table: str) -> None:
        """Ask the table's running run to stop; `<Prefix>NotRunningException` / `<Prefix>StoppingException`."""
        with self._lock:
            run = self.active_run(ctx, catalog, database, table)
            if run is None:
                raise self._error("NotRunning", table)
            run_id = run[self.id_field]
            if run_id in self._stopping:
                raise self._error("Stopping", table)
            self._stopping.add(run_id)
            handle = self._handles.get(run_id)
        if handle is not None:
            handle.stop()

    def _ended(self, ctx: RequestContext, run_id: str, outcome: TaskOutcome) -> None:
        self._finish(ctx, run_id, *self._final(ctx, run_id, outcome))

    def _final(self, ctx: RequestContext, run_id: str, outcome: TaskOutcome) -> tuple[str, str | None]:
        """The run's final (state, error message) once its task ended."""
        if outcome.state == "SUCCEEDED":
            run = ctx.store.get(ctx.scope, self.kind, "", run_id)
            if run is None:  # the state was reset meanwhile
                return "STOPPED", None
            return self._succeeded(ctx, run, outcome)
        if outcome.state == "TIMEOUT":
            return "FAILED", outcome.error_message or self.timed_out
        return outcome.state, outcome.error_message

    def _succeeded(self, ctx: RequestContext, run: dict[str, Any], outcome: TaskOutcome) -> tuple[str, str | None]:
        """Keep what the task of `run` (its stored record) computed; the run's final (state, error message)."""
        raise NotImplementedError

    def _finish(self, ctx: RequestContext, run_id: str, state: str, message: str | None) -> None:
        ended = now()
        with self._lock:
            self._handles.pop(run_id, None)
            self._stopping.discard(run_id)
            changes: dict[str, Any] = {"Status": state, "EndTime": ended, "LastUpdated": ended}
            if message:
                changes["ErrorMessage"] = message[:self.message_limit]
            self._update(ctx, run_id, lambda r: r["Status"] in ACTIVE, **changes,
                         DPUSeconds=lambda r: round(max(0.0, ended - r.get("StartTime", ended)), 3))

    def _update(self, ctx: RequestContext, run_id: str, when: Callable[[dict[str, Any]], bool],
                **changes: Any) -> None:
        """Set `changes` (a callable value is computed from the run) on the run when `when(run)`, atomically."""
        with ctx.store.transaction():
            run = ctx.store.get(ctx.scope, self.kind, "", run_id)
            if run is None or not when(run):
                return
            run.update({k: (v(run) if callable(v) else v) for k, v in changes.items()})
            ctx.store.put(ctx.scope, self.kind, "", run_id, run)

    def work_dir(self) -> Path:
        """The runs' files: each run's task output (`output` and `error`) and whatever the kind keeps there."""
        return self.emulator.settings.data_dir / self.folder

    def log_dir(self, run_id: str) -> Path:
        return self.work_dir() / run_id

    def reset(self) -> None:
        with self._lock:
            handles = list(self._handles.values())
            self._handles.clear()
            self._stopping.clear()
        for handle in handles:
            handle.stop()
        shutil.rmtree(self.work_dir(), ignore_errors=True)
