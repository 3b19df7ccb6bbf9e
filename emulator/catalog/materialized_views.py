"""Materialized-view refresh task runs: StartMaterializedViewRefreshTaskRun, StopMaterializedViewRefreshTaskRun,
GetMaterializedViewRefreshTaskRun, ListMaterializedViewRefreshTaskRuns.

AWS ("Using materialized views with AWS Glue" in the Glue guide, and the API reference): a materialized view is a
Data Catalog table whose view definition (Spark SQL) is stored with it and whose precomputed result is an Iceberg
table; a refresh run evaluates the definition on managed Spark and replaces the stored result. A run is
STARTING, RUNNING, then SUCCEEDED, FAILED (ErrorMessage) or STOPPED; one run at a time per view
(MaterializedViewRefreshTaskRunningException); StopMaterializedViewRefreshTaskRun stops the view's running one
(MaterializedViewRefreshTaskNotRunningException when none, MaterializedViewRefreshTaskStoppingException when
already asked). FullRefresh asks for a full refresh rather than an incremental one.

Here a table is a materialized view when it is an Iceberg table with a view definition: a SPARK representation
of its ViewDefinition, else its ViewOriginalText (InvalidInputException "Table <name> is not a materialized
view." otherwise). The definition is evaluated by Spark SQL on the warm Spark pool, its catalog tables read as a
glueetl job reads them (materialized_view_refresh.py), and the rows replace the view's Iceberg data in one
commit (iceberg_tables.py); a definition Spark cannot evaluate here (an Iceberg source table: the drivers have
no Iceberg runtime) fails the run with Spark's message. Every refresh is full (RefreshType FULL, whatever
FullRefresh asks); ProcessedBytes is the size of the result written; DPUSeconds the run's duration (one DPU).
Runs a previous server process left unfinished end FAILED when this one first serves a refresh request.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import now
from ..context import RequestContext
from ..errors import AwsError, EntityNotFoundException, InvalidInputException
from ..pagination import paginate
from .common import catalog_id, require_table
from .iceberg_tables import is_iceberg, load_table

if TYPE_CHECKING:
    from ..core import Emulator
    from ..jobs.spark_tasks import TaskOutcome

REFRESH_RUN = "materialized_view_refresh_run"  # store kind: runs named by their id
ACTIVE = ("STARTING", "RUNNING")
_TASK = "emulator.catalog.materialized_view_refresh:refresh_materialized_view"
_TIMEOUT_SECONDS = 3600.0
_PAGE = 1000


def view_sql(table: dict[str, Any]) -> str | None:
    """The Spark SQL of a materialized view, or None when the table is not one (see the module's rules)."""
    if not is_iceberg(table):
        return None
    for representation in (table.get("ViewDefinition") or {}).get("Representations") or []:
        if representation.get("Dialect") == "SPARK":
            return representation.get("ViewExpandedText") or representation.get("ViewOriginalText")
    return table.get("ViewExpandedText") or table.get("ViewOriginalText") or None


def _error(code: str, message: str) -> AwsError:
    return AwsError(message, code=code)


class RefreshRuns:
    """The refresh runs in flight in this process, and their ends (a component)."""

    def __init__(self, emulator: Emulator):
        self.emulator = emulator
        self._lock = threading.RLock()
        self._handles: dict[str, Any] = {}
        self._stopping: set[str] = set()
        ended = now()
        for scope, parent, run_id, run in emulator.store.list_scopes(REFRESH_RUN):
            if run["Status"] in ACTIVE:
                run.update(Status="FAILED", ErrorMessage="The emulator stopped during the run.", EndTime=ended,
                           LastUpdated=ended)
                emulator.store.put(scope, REFRESH_RUN, parent, run_id, run)

    def active_run(self, ctx: RequestContext, catalog: str, database: str, table: str) -> dict[str, Any] | None:
        wanted = (catalog, database.lower(), table.lower())
        for _, run in ctx.store.list(ctx.scope, REFRESH_RUN, ""):
            if run["Status"] in ACTIVE and (run["CatalogId"], run["DatabaseName"], run["TableName"]) == wanted:
                return run
        return None

    def start(self, ctx: RequestContext, params: dict[str, Any]) -> str:
        """Start refreshing the view of params (a StartMaterializedViewRefreshTaskRun request); the run's id."""
        from ..jobs.arguments import RunSetupError
        from ..jobs.spark_tasks import run_spark_task

        catalog = catalog_id(ctx, params)
        table = require_table(ctx, catalog, params["DatabaseName"], params["TableName"])
        sql = view_sql(table)
        if sql is None:
            raise InvalidInputException(f"Table {table['Name']} is not a materialized view.")
        run_id, created = str(uuid.uuid4()), now()
        run = {"CustomerId": ctx.account, "MaterializedViewRefreshTaskRunId": run_id, "CatalogId": catalog,
               "DatabaseName": table["DatabaseName"], "TableName": table["Name"], "Status": "STARTING",
               "CreationTime": created, "LastUpdated": created, "RefreshType": "FULL", "DPUSeconds": 0.0,
               "ProcessedBytes": 0}
        output = self._work() / run_id
        with self._lock:
            if self.active_run(ctx, catalog, table["DatabaseName"], table["Name"]) is not None:
                raise _error("MaterializedViewRefreshTaskRunningException",
                             f"A refresh of materialized view {table['Name']} is already running.")
            ctx.store.put(ctx.scope, REFRESH_RUN, "", run_id, run)
            payload = {"sql": sql, "output": str(output), "database": table["DatabaseName"]}
            try:
                handle = run_spark_task(
                    self.emulator, task_id=run_id, target=_TASK, payload=payload, account=ctx.account,
                    region=ctx.region, log_dir=self._work() / f"{run_id}-logs", timeout_seconds=_TIMEOUT_SECONDS,
                    on_done=lambda outcome: self._ended(ctx, run_id, output, outcome))
            except RunSetupError as exc:
                self._finish(ctx, run_id, "FAILED", str(exc))
                return run_id
            if (ctx.store.get(ctx.scope, REFRESH_RUN, "", run_id) or {}).get("Status") in ACTIVE:
                self._handles[run_id] = handle
                self._update(ctx, run_id, lambda r: r["Status"] == "STARTING", Status="RUNNING", StartTime=now(),
                             LastUpdated=now())
        return run_id

    def stop(self, ctx: RequestContext, params: dict[str, Any]) -> None:
        catalog = catalog_id(ctx, params)
        with self._lock:
            run = self.active_run(ctx, catalog, params["DatabaseName"], params["TableName"])
            if run is None:
                raise _error("MaterializedViewRefreshTaskNotRunningException",
                             f"No refresh of materialized view {params['TableName']} is running.")
            run_id = run["MaterializedViewRefreshTaskRunId"]
            if run_id in self._stopping:
                raise _error("MaterializedViewRefreshTaskStoppingException",
                             f"The refresh of materialized view {params['TableName']} is already stopping.")
            self._stopping.add(run_id)
            handle = self._handles.get(run_id)
        if handle is not None:
            handle.stop()

    def _ended(self, ctx: RequestContext, run_id: str, output: Path, outcome: TaskOutcome) -> None:
        state, message = outcome.state, outcome.error_message
        if state == "SUCCEEDED" and run_id in self._stopping:
            state = "STOPPED"  # stopped after Spark was done, before the commit: nothing is changed
        elif state == "SUCCEEDED":
            state, message = self._commit(ctx, run_id, output)
        elif state == "TIMEOUT":
            state, message = "FAILED", message or "The refresh timed out."
        shutil.rmtree(output, ignore_errors=True)
        self._finish(ctx, run_id, state, message)

    def _commit(self, ctx: RequestContext, run_id: str, output: Path) -> tuple[str, str | None]:
        """Replace the view's Iceberg data with the rows Spark wrote; (final state, error message)."""
        import pyarrow.parquet as pq

        run = ctx.store.get(ctx.scope, REFRESH_RUN, "", run_id)
        if run is None:  # the state was reset meanwhile
            return "STOPPED", None
        try:
            table = load_table(ctx, run)
            files = sorted(output.glob("*.parquet"))
            rows = pq.read_table(files) if files else table.schema().as_arrow().empty_table()
            table.overwrite(rows.cast(table.schema().as_arrow()))
        except AwsError as exc:
            return "FAILED", exc.message
        except Exception as exc:  # pyiceberg's: a result that does not fit the view's schema, a lost commit race
            return "FAILED", f"The result could not be written to the materialized view: {exc}"
        self._update(ctx, run_id, lambda r: True, ProcessedBytes=sum(f.stat().st_size for f in files))
        return "SUCCEEDED", None

    def _finish(self, ctx: RequestContext, run_id: str, state: str, message: str | None) -> None:
        ended = now()
        with self._lock:
            self._handles.pop(run_id, None)
            self._stopping.discard(run_id)
            changes: dict[str, Any] = {"Status": state, "EndTime": ended, "LastUpdated": ended}
            if message:
                changes["ErrorMessage"] = message[:2048]
            self._update(ctx, run_id, lambda r: r["Status"] in ACTIVE, **changes,
                         DPUSeconds=lambda r: round(max(0.0, ended - r.get("StartTime", ended)), 3))

    def _update(self, ctx: RequestContext, run_id: str, when: Any, **changes: Any) -> None:
        with ctx.store.transaction():
            run = ctx.store.get(ctx.scope, REFRESH_RUN, "", run_id)
            if run is None or not when(run):
                return
            run.update({k: (v(run) if callable(v) else v) for k, v in changes.items()})
            ctx.store.put(ctx.scope, REFRESH_RUN, "", run_id, run)

    def _work(self) -> Path:
        """Where runs' Spark results and task logs go until committed (a run's own folder, removed after)."""
        return self.emulator.settings.data_dir / "materialized-views"

    def reset(self) -> None:
        with self._lock:
            handles = list(self._handles.values())
            self._handles.clear()
            self._stopping.clear()
        for handle in handles:
            handle.stop()
        shutil.rmtree(self._work(), ignore_errors=True)


def _runs(ctx: RequestContext) -> RefreshRuns:
    return ctx.emulator.component(RefreshRuns)


def start_materialized_view_refresh_task_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"MaterializedViewRefreshTaskRunId"}; EntityNotFoundException (database, table), InvalidInputException (not
    a materialized view), MaterializedViewRefreshTaskRunningException (one is running)."""
    return {"MaterializedViewRefreshTaskRunId": _runs(ctx).start(ctx, params)}


def stop_materialized_view_refresh_task_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Stop the view's running refresh; MaterializedViewRefreshTaskNotRunningException / ...StoppingException."""
    _runs(ctx).stop(ctx, params)
    return {}


def get_materialized_view_refresh_task_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"MaterializedViewRefreshTaskRun": MaterializedViewRefreshTaskRun}; EntityNotFoundException."""
    _runs(ctx)
    run = ctx.store.get(ctx.scope, REFRESH_RUN, "", params["MaterializedViewRefreshTaskRunId"])
    if run is None or run["CatalogId"] != catalog_id(ctx, params):
        raise EntityNotFoundException(
            f"Materialized view refresh task run {params['MaterializedViewRefreshTaskRunId']} not found.")
    return {"MaterializedViewRefreshTaskRun": run}


def _order(run: dict[str, Any]) -> list[Any]:
    return [-run["CreationTime"], run["MaterializedViewRefreshTaskRunId"]]


def list_materialized_view_refresh_task_runs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The catalog's runs, newest first, of one database or view when given: {"MaterializedViewRefreshTaskRuns",
    "NextToken"?}."""
    _runs(ctx)
    catalog = catalog_id(ctx, params)
    database, table = (params.get("DatabaseName") or "").lower(), (params.get("TableName") or "").lower()
    runs = sorted((run for _, run in ctx.store.list(ctx.scope, REFRESH_RUN, "") if run["CatalogId"] == catalog
                   and (not database or run["DatabaseName"] == database)
                   and (not table or run["TableName"] == table)), key=_order)
    page, token = paginate(runs, params.get("NextToken"), params.get("MaxResults"), _PAGE, _order)
    return {"MaterializedViewRefreshTaskRuns": page, **({"NextToken": token} if token else {})}
