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
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ..clock import now
from ..context import RequestContext
from ..errors import AwsError, EntityNotFoundException, InvalidInputException
from ..jobs.table_tasks import TableTaskRuns
from ..pagination import paginate
from .common import catalog_id, is_iceberg, require_table

if TYPE_CHECKING:
    from ..jobs.spark_tasks import TaskOutcome

REFRESH_RUN = "materialized_view_refresh_run"  # store kind: runs named by their id
_PAGE = 1000


def view_sql(table: dict[str, Any]) -> str | None:
    """The Spark SQL of a materialized view, or None when the table is not one (see the module's rules)."""
    if not is_iceberg(table):
        return None
    for representation in (table.get("ViewDefinition") or {}).get("Representations") or []:
        if representation.get("Dialect") == "SPARK":
            return representation.get("ViewExpandedText") or representation.get("ViewOriginalText")
    return table.get("ViewExpandedText") or table.get("ViewOriginalText") or None


class RefreshRuns(TableTaskRuns):
    """The refresh runs in flight in this process, and their ends (a component; lifecycle in jobs/table_tasks.py)."""

    kind = REFRESH_RUN
    id_field = "MaterializedViewRefreshTaskRunId"
    catalog_field = "CatalogId"
    target = "emulator.catalog.materialized_view_refresh:refresh_materialized_view"
    folder = "materialized-views"  # a run's Spark result (<id>) and task logs (<id>-logs) until committed
    error_prefix = "MaterializedViewRefreshTask"
    messages: ClassVar[dict[str, str]] = {"Running": "A refresh of materialized view {table} is already running.",
                                          "NotRunning": "No refresh of materialized view {table} is running.",
                                          "Stopping": "The refresh of materialized view {table} is already stopping."}
    timed_out = "The refresh timed out."
    message_limit = 2048

    def start(self, ctx: RequestContext, params: dict[str, Any]) -> str:
        """Start refreshing the view of params (a StartMaterializedViewRefreshTaskRun request); the run's id."""
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
        payload = {"sql": sql, "output": str(self._output(run_id)), "database": table["DatabaseName"]}
        return self.launch(ctx, run, payload)

    def stop(self, ctx: RequestContext, params: dict[str, Any]) -> None:
        self.stop_run(ctx, catalog_id(ctx, params), params["DatabaseName"], params["TableName"])

    def _output(self, run_id: str) -> Path:
        return self.work_dir() / run_id

    def log_dir(self, run_id: str) -> Path:
        return self.work_dir() / f"{run_id}-logs"

    def _final(self, ctx: RequestContext, run_id: str, outcome: TaskOutcome) -> tuple[str, str | None]:
        try:
            return super()._final(ctx, run_id, outcome)
        finally:
            shutil.rmtree(self._output(run_id), ignore_errors=True)

    def _succeeded(self, ctx: RequestContext, run: dict[str, Any], outcome: TaskOutcome) -> tuple[str, str | None]:
        """Replace the view's Iceberg data with the rows Spark wrote; (final state, error message)."""
        import pyarrow.parquet as pq

        from .iceberg_tables import load_table  # pyiceberg takes seconds to import: only when a refresh commits

        run_id = run[self.id_field]
        if run_id in self._stopping:
            return "STOPPED", None  # stopped after Spark was done, before the commit: nothing is changed
        output = self._output(run_id)
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
