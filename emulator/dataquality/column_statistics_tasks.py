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

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from ..clock import now
from ..context import RequestContext
from ..errors import AwsError, EntityNotFoundException, InvalidInputException
from ..jobs.table_tasks import TableTaskRuns
from ..pagination import paginate
from .column_statistics import StatisticsTarget, store_statistics, table_target
from .column_statistics_compute import statistics_type

if TYPE_CHECKING:
    from ..jobs.spark_tasks import TaskOutcome

TASK_RUN = "column_statistics_task_run"  # store kind: ColumnStatisticsTaskRun documents, named by their id
_RUNS_PAGE = 1000  # PageSize maximum of GetColumnStatisticsTaskRuns and ListColumnStatisticsTaskRuns
_LIST_PAGE = 100  # ColumnStatisticsTaskRunIdList holds at most 100 ids


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


class ColumnStatisticsRuns(TableTaskRuns):
    """The task runs in flight in this process, and their ends (a component; lifecycle in jobs/table_tasks.py)."""

    kind = TASK_RUN
    id_field = "ColumnStatisticsTaskRunId"
    catalog_field = "CatalogID"
    target = "emulator.dataquality.column_statistics_compute:compute_column_statistics"
    folder = "column-statistics"  # each run's task output (<id>/output and error), for debugging a failed run
    error_prefix = "ColumnStatisticsTask"
    messages: ClassVar[dict[str, str]] = {
        "Running": "A column statistics task is already running for table {table}.",
        "NotRunning": "No column statistics task is running for table {table}.",
        "Stopping": "The column statistics task of table {table} is already stopping.",
    }
    timed_out = "The column statistics task timed out."

    def start(self, ctx: RequestContext, params: dict[str, Any]) -> str:
        """Start a run of params (the StartColumnStatisticsTaskRun request); its ColumnStatisticsTaskRunId."""
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
        payload = {"database": run["DatabaseName"], "table": run["TableName"], "catalog_id": catalog,
                   "columns": columns, "sample_size": sample}
        return self.launch(ctx, run, payload)

    def stop(self, ctx: RequestContext, params: dict[str, Any]) -> None:
        self.stop_run(ctx, ctx.account, params["DatabaseName"], params["TableName"])

    def _succeeded(self, ctx: RequestContext, run: dict[str, Any], outcome: TaskOutcome) -> tuple[str, str | None]:
        try:
            target = table_target(ctx, {"CatalogId": run["CatalogID"], "DatabaseName": run["DatabaseName"],
                                        "TableName": run["TableName"]})
            errors = store_statistics(target, outcome.result["statistics"])
        except AwsError as exc:  # the table was deleted during the run
            return "FAILED", exc.message
        if errors:
            return "FAILED", "; ".join(f"{e['ColumnStatistics']['ColumnName']}: {e['Error']['ErrorMessage']}"
                                       for e in errors)
        return "SUCCEEDED", None


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
