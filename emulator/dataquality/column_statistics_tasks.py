"""Column statistics task runs: StartColumnStatisticsTaskRun, GetColumnStatisticsTaskRun,
GetColumnStatisticsTaskRuns, ListColumnStatisticsTaskRuns, StopColumnStatisticsTaskRun.

AWS's rules (https://docs.aws.amazon.com/glue/latest/dg/column-statistics.html and the API reference):
- A run computes the statistics of a catalog table's columns (ColumnNameList, or all of them) from
  SampleSize percent of its rows (all when absent) "in a Spark job in the background", and writes them
  to the table's statistics as UpdateColumnStatisticsForTable would. Here the Spark work is
  column_statistics_compute.py, run on the warm pool (jobs/spark_tasks.py) like a glueetl job run.
- "You can only run one statistics generation task at a time per table": a second start while one is
  STARTING or RUNNING is ColumnStatisticsTaskRunningException. StopColumnStatisticsTaskRun stops the
  table's run (ColumnStatisticsTaskNotRunningException when there is none,
  ColumnStatisticsTaskStoppingException when it was already asked to stop); it then ends STOPPED.
- A run is STARTING until it is handed to the pool, then RUNNING, and ends SUCCEEDED, FAILED (with
  ErrorMessage) or STOPPED. Runs are kept after their table is deleted, as job runs are after their job.
- Our choices where AWS documents nothing: columns named in ColumnNameList must exist
  (EntityNotFoundException) and have a type with statistics (InvalidInputException); without a list, the
  columns whose types have none are left out; SampleSize 0 is refused (InvalidInputException). The run
  reports the columns it computes in ColumnNameList, 1 G.1X worker, ComputationType FULL, and
  DPUSeconds as its duration (one worker of 1 DPU). Runs a previous server process left unfinished end
  FAILED when this one first serves a task run request.
"""

from __future__ import annotations

import logging
import shutil
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import now
from ..context import RequestContext
from ..errors import AwsError, EntityNotFoundException, InvalidInputException
from ..pagination import paginate
from .column_statistics import StatisticsTarget, store_statistics, table_target
from .column_statistics_compute import statistics_type

if TYPE_CHECKING:
    from ..core import Emulator
    from ..jobs.spark_tasks import TaskOutcome

log = logging.getLogger("glue_emulator.column_statistics")

TASK_RUN = "column_statistics_task_run"  # store kind: ColumnStatisticsTaskRun documents, named by their id
ACTIVE = ("STARTING", "RUNNING")
_TASK = "emulator.dataquality.column_statistics_compute:compute_column_statistics"
_TIMEOUT_SECONDS = 3600.0
_RUNS_PAGE = 1000  # PageSize maximum of GetColumnStatisticsTaskRuns and ListColumnStatisticsTaskRuns
_LIST_PAGE = 100  # ColumnStatisticsTaskRunIdList holds at most 100 ids


def _error(code: str, message: str) -> AwsError:
    return AwsError(message, code=code)


def task_columns(target: StatisticsTarget, names: list[str] | None) -> list[dict[str, str]]:
    """The columns a run computes ([{"Name", "Type"}]): those named (which must exist and have a statistics
    type), else every column of the table with a statistics type, partition keys last."""
    table = target.table
    columns = [*((table.get("StorageDescriptor") or {}).get("Columns") or []), *(table.get("PartitionKeys") or [])]
    types = {c["Name"].lower(): c.get("Type") or "" for c in columns}
    if not names:
        chosen = [{"Name": c["Name"], "Type": c.get("Type") or ""} for c in columns
                  if statistics_type(c.get("Type") or "")]
        if not chosen:
            raise InvalidInputException(f"Table {table['Name']} has no column whose type has column statistics.")
        return chosen
    chosen = []
    for name in names:
        column = target.column(name)
        if statistics_type(types[column.lower()]) is None:
            raise InvalidInputException(
                f"Column statistics are not supported for column {column} of type {types[column.lower()]}.")
        chosen.append({"Name": column, "Type": types[column.lower()]})
    return chosen


class ColumnStatisticsRuns:
    """The task runs in flight in this process, and their ends (a component)."""

    def __init__(self, emulator: Emulator):
        self.emulator = emulator
        self._lock = threading.RLock()
        self._handles: dict[str, Any] = {}
        self._stopping: set[str] = set()
        ended = now()
        for scope, parent, run_id, run in emulator.store.list_scopes(TASK_RUN):
            if run["Status"] in ACTIVE:
                run.update(Status="FAILED", ErrorMessage="The emulator stopped during the run.", EndTime=ended,
                           LastUpdated=ended)
                emulator.store.put(scope, TASK_RUN, parent, run_id, run)

    def active_run(self, ctx: RequestContext, catalog: str, database: str, table: str) -> dict[str, Any] | None:
        for _, run in ctx.store.list(ctx.scope, TASK_RUN, ""):
            if run["Status"] in ACTIVE and (run["CatalogID"], run["DatabaseName"].lower(), run["TableName"].lower()) \
                    == (catalog, database.lower(), table.lower()):
                return run
        return None

    def start(self, ctx: RequestContext, params: dict[str, Any]) -> str:
        """Start a run of params (the StartColumnStatisticsTaskRun request); its ColumnStatisticsTaskRunId."""
        from ..jobs.arguments import RunSetupError
        from ..jobs.spark_tasks import run_spark_task

        catalog = params.get("CatalogID") or ctx.account
        target = table_target(ctx, {**params, "CatalogId": catalog})
        columns = task_columns(target, params.get("ColumnNameList"))
        sample = params.get("SampleSize")
        if sample is not None and sample <= 0:
            raise InvalidInputException("SampleSize must be greater than 0 and at most 100.")
        run_id = str(uuid.uuid4())
        created = now()
        run = {
            "CustomerId": ctx.account, "ColumnStatisticsTaskRunId": run_id,
            "DatabaseName": target.table["DatabaseName"], "TableName": target.table["Name"],
            "ColumnNameList": [c["Name"] for c in columns], "CatalogID": catalog, "Role": params["Role"],
            "SampleSize": float(sample if sample is not None else 100), "NumberOfWorkers": 1, "WorkerType": "G.1X",
            "ComputationType": "FULL", "Status": "STARTING", "CreationTime": created, "LastUpdated": created,
            "DPUSeconds": 0.0,
        }
        if params.get("SecurityConfiguration"):
            run["SecurityConfiguration"] = params["SecurityConfiguration"]
        with self._lock:
            if self.active_run(ctx, catalog, run["DatabaseName"], run["TableName"]) is not None:
                raise _error("ColumnStatisticsTaskRunningException",
                             f"A column statistics task is already running for table {run['TableName']}.")
            ctx.store.put(ctx.scope, TASK_RUN, "", run_id, run)
            payload = {"database": run["DatabaseName"], "table": run["TableName"], "catalog_id": catalog,
                       "columns": columns, "sample_size": sample}
            try:
                handle = run_spark_task(
                    self.emulator, task_id=run_id, target=_TASK, payload=payload, account=ctx.account,
                    region=ctx.region, log_dir=self._logs() / run_id,
                    timeout_seconds=_TIMEOUT_SECONDS, on_done=lambda outcome: self._ended(ctx, run_id, outcome))
            except RunSetupError as exc:
                self._finish(ctx, run_id, "FAILED", str(exc))
                return run_id
            # A task that could not even start may have ended (and been finished) already.
            if (ctx.store.get(ctx.scope, TASK_RUN, "", run_id) or {}).get("Status") in ACTIVE:
                self._handles[run_id] = handle
                self._update(ctx, run_id, lambda r: r["Status"] == "STARTING",
                             Status="RUNNING", StartTime=now(), LastUpdated=now())
        return run_id

    def stop(self, ctx: RequestContext, params: dict[str, Any]) -> None:
        catalog = ctx.account
        with self._lock:
            run = self.active_run(ctx, catalog, params["DatabaseName"], params["TableName"])
            if run is None:
                raise _error("ColumnStatisticsTaskNotRunningException",
                             f"No column statistics task is running for table {params['TableName']}.")
            run_id = run["ColumnStatisticsTaskRunId"]
            if run_id in self._stopping:
                raise _error("ColumnStatisticsTaskStoppingException",
                             f"The column statistics task of table {params['TableName']} is already stopping.")
            self._stopping.add(run_id)
            handle = self._handles.get(run_id)
        if handle is not None:
            handle.stop()

    def _ended(self, ctx: RequestContext, run_id: str, outcome: TaskOutcome) -> None:
        state, message = outcome.state, outcome.error_message
        if state == "SUCCEEDED":
            state, message = self._store_result(ctx, run_id, outcome.result)
        elif state == "TIMEOUT":
            state, message = "FAILED", message or "The column statistics task timed out."
        self._finish(ctx, run_id, state, message)

    def _store_result(self, ctx: RequestContext, run_id: str, result: Any) -> tuple[str, str | None]:
        run = ctx.store.get(ctx.scope, TASK_RUN, "", run_id)
        if run is None:  # the state was reset meanwhile
            return "STOPPED", None
        try:
            target = table_target(ctx, {"CatalogId": run["CatalogID"], "DatabaseName": run["DatabaseName"],
                                        "TableName": run["TableName"]})
            errors = store_statistics(target, result["statistics"])
        except AwsError as exc:  # the table was deleted during the run
            return "FAILED", exc.message
        if errors:
            return "FAILED", "; ".join(f"{e['ColumnStatistics']['ColumnName']}: {e['Error']['ErrorMessage']}"
                                       for e in errors)
        return "SUCCEEDED", None

    def _finish(self, ctx: RequestContext, run_id: str, state: str, message: str | None) -> None:
        ended = now()
        with self._lock:
            self._handles.pop(run_id, None)
            self._stopping.discard(run_id)

            def duration(run: dict[str, Any]) -> float:
                return round(max(0.0, ended - run.get("StartTime", ended)), 3)

            changes: dict[str, Any] = {"Status": state, "EndTime": ended, "LastUpdated": ended}
            if message:
                changes["ErrorMessage"] = message
            self._update(ctx, run_id, lambda r: r["Status"] in ACTIVE, **changes, DPUSeconds=duration)

    def _update(self, ctx: RequestContext, run_id: str, when: Any, **changes: Any) -> None:
        with ctx.store.transaction():
            run = ctx.store.get(ctx.scope, TASK_RUN, "", run_id)
            if run is None or not when(run):
                return
            run.update({k: (v(run) if callable(v) else v) for k, v in changes.items()})
            ctx.store.put(ctx.scope, TASK_RUN, "", run_id, run)

    def _logs(self) -> Path:
        """Where each run's task output goes (`<run id>/output` and `error`), for debugging a failed run."""
        return self.emulator.settings.data_dir / "column-statistics"

    def reset(self) -> None:
        with self._lock:
            handles = list(self._handles.values())
            self._handles.clear()
            self._stopping.clear()
        for handle in handles:
            handle.stop()
        shutil.rmtree(self._logs(), ignore_errors=True)


def _runs(ctx: RequestContext) -> ColumnStatisticsRuns:
    return ctx.emulator.component(ColumnStatisticsRuns)


def start_column_statistics_task_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Start computing a table's column statistics: {"ColumnStatisticsTaskRunId"}.

    Raises EntityNotFoundException (database, table or a named column missing), InvalidInputException (a
    column without a statistics type, SampleSize 0), ColumnStatisticsTaskRunningException (one is running).
    """
    return {"ColumnStatisticsTaskRunId": _runs(ctx).start(ctx, params)}


def stop_column_statistics_task_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Stop the table's running task; ColumnStatisticsTaskNotRunningException / ...StoppingException."""
    _runs(ctx).stop(ctx, params)
    return {}


def get_column_statistics_task_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"ColumnStatisticsTaskRun": ColumnStatisticsTaskRun}, or EntityNotFoundException."""
    _runs(ctx)
    run = ctx.store.get(ctx.scope, TASK_RUN, "", params["ColumnStatisticsTaskRunId"])
    if run is None:
        raise EntityNotFoundException(f"Column statistics task run {params['ColumnStatisticsTaskRunId']} not found.")
    return {"ColumnStatisticsTaskRun": run}


def _newest_first(ctx: RequestContext) -> list[dict[str, Any]]:
    _runs(ctx)
    runs = [run for _, run in ctx.store.list(ctx.scope, TASK_RUN, "")]
    return sorted(runs, key=_order)


def _order(run: dict[str, Any]) -> list[Any]:
    return [-run["CreationTime"], run["ColumnStatisticsTaskRunId"]]


def get_column_statistics_task_runs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The runs of one table, newest first: {"ColumnStatisticsTaskRuns": [...], "NextToken"?}."""
    database, table = params["DatabaseName"].lower(), params["TableName"].lower()
    runs = [r for r in _newest_first(ctx) if (r["DatabaseName"].lower(), r["TableName"].lower()) == (database, table)]
    page, token = paginate(runs, params.get("NextToken"), params.get("MaxResults"), _RUNS_PAGE, _order)
    return {"ColumnStatisticsTaskRuns": page, **({"NextToken": token} if token else {})}


def list_column_statistics_task_runs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Every run id of the account and region, newest first: {"ColumnStatisticsTaskRunIds": [...], "NextToken"?}."""
    page, token = paginate(_newest_first(ctx), params.get("NextToken"), params.get("MaxResults"), _LIST_PAGE, _order)
    return {"ColumnStatisticsTaskRunIds": [r["ColumnStatisticsTaskRunId"] for r in page],
            **({"NextToken": token} if token else {})}
