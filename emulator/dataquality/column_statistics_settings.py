"""Column statistics task settings and their schedules: CreateColumnStatisticsTaskSettings,
GetColumnStatisticsTaskSettings, UpdateColumnStatisticsTaskSettings, DeleteColumnStatisticsTaskSettings,
StartColumnStatisticsTaskRunSchedule, StopColumnStatisticsTaskRunSchedule.

A table has at most one settings document (AlreadyExistsException on a second create,
EntityNotFoundException for a table or settings that do not exist). Its Schedule is an AWS cron
expression, checked as a crawler's (orchestration/cron.py): a schedule given to settings that had none
is SCHEDULED, a changed expression keeps its state, and Start/StopColumnStatisticsTaskRunSchedule switch
it between SCHEDULED and NOT_SCHEDULED (starting settings without a Schedule is InvalidInputException).
The orchestration scheduler fires SCHEDULED ones (`scheduled_settings`, `fire_schedule`): each firing
starts a task run with the settings' role, columns and sample, and records the attempt in
LastExecutionAttempt (STARTED with the run id, or FAILED with why, e.g. a run still going).
Settings are made by the API, so SettingSource is TABLE and ScheduleType CRON. Tags are accepted and not
kept: AWS gives settings no ARN to read them back by.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..clock import now
from ..context import RequestContext
from ..errors import AlreadyExistsException, AwsError, EntityNotFoundException, InvalidInputException
from ..orchestration import cron
from ..store import key
from .column_statistics import table_target
from .column_statistics_tasks import ColumnStatisticsRuns, task_columns

if TYPE_CHECKING:
    from ..core import Emulator

# Store kind, named key(database, table) in lower case: the requests that read settings name no catalog.
SETTINGS = "column_statistics_task_settings"
_MEMBERS = ("Role", "ColumnNameList", "SampleSize", "SecurityConfiguration")


def _name(database: str, table: str) -> str:
    return key(database.lower(), table.lower())


def _check(ctx: RequestContext, params: dict[str, Any], catalog: str) -> None:
    """The table must exist and the columns and sample must be ones a run can take."""
    target = table_target(ctx, {**params, "CatalogId": catalog})
    if params.get("ColumnNameList"):
        task_columns(target, params["ColumnNameList"])
    if params.get("SampleSize") is not None and params["SampleSize"] <= 0:
        raise InvalidInputException("SampleSize must be greater than 0 and at most 100.")
    if params.get("Schedule"):
        cron.check_schedule(params["Schedule"])


def _require(ctx: RequestContext, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    name = _name(params["DatabaseName"], params["TableName"])
    doc = ctx.store.get(ctx.scope, SETTINGS, "", name)
    if doc is None:
        raise EntityNotFoundException(f"Column statistics task settings for table "
                                      f"{params['DatabaseName']}.{params['TableName']} not found.")
    return name, doc


def create_column_statistics_task_settings(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a table's settings; AlreadyExistsException, EntityNotFoundException, InvalidInputException."""
    catalog = params.get("CatalogID") or ctx.account
    _check(ctx, params, catalog)
    table = table_target(ctx, {**params, "CatalogId": catalog}).table
    doc: dict[str, Any] = {"DatabaseName": table["DatabaseName"], "TableName": table["Name"], "CatalogID": catalog,
                           "SettingSource": "TABLE"}
    doc.update({m: params[m] for m in _MEMBERS if params.get(m) is not None})
    if params.get("Schedule"):
        doc.update(Schedule={"ScheduleExpression": params["Schedule"], "State": "SCHEDULED"}, ScheduleType="CRON")
    if not ctx.store.insert(ctx.scope, SETTINGS, "", _name(table["DatabaseName"], table["Name"]), doc):
        raise AlreadyExistsException(
            f"Column statistics task settings for table {table['DatabaseName']}.{table['Name']} already exist.")
    return {}


def get_column_statistics_task_settings(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"ColumnStatisticsTaskSettings": ColumnStatisticsTaskSettings}, or EntityNotFoundException."""
    return {"ColumnStatisticsTaskSettings": _require(ctx, params)[1]}


def update_column_statistics_task_settings(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Change the members given; the schedule keeps its state unless it had none (then SCHEDULED)."""
    with ctx.store.transaction():
        name, doc = _require(ctx, params)
        catalog = params.get("CatalogID") or doc["CatalogID"]
        _check(ctx, params, catalog)
        doc.update({m: params[m] for m in _MEMBERS if params.get(m) is not None})
        doc["CatalogID"] = catalog
        if params.get("Schedule"):
            state = (doc.get("Schedule") or {}).get("State", "SCHEDULED")
            doc.update(Schedule={"ScheduleExpression": params["Schedule"], "State": state}, ScheduleType="CRON")
        ctx.store.put(ctx.scope, SETTINGS, "", name, doc)
    return {}


def delete_column_statistics_task_settings(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete a table's settings (its schedule stops firing); EntityNotFoundException when there are none."""
    name, _doc = _require(ctx, params)
    ctx.store.delete(ctx.scope, SETTINGS, "", name)
    return {}


def _set_schedule_state(ctx: RequestContext, params: dict[str, Any], state: str) -> dict[str, Any]:
    with ctx.store.transaction():
        name, doc = _require(ctx, params)
        if not doc.get("Schedule"):
            raise InvalidInputException(
                f"Column statistics task settings for table {doc['DatabaseName']}.{doc['TableName']} have no Schedule.")
        doc["Schedule"]["State"] = state
        ctx.store.put(ctx.scope, SETTINGS, "", name, doc)
    return {}


def start_column_statistics_task_run_schedule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Make the settings' schedule SCHEDULED; EntityNotFoundException, InvalidInputException (no Schedule)."""
    return _set_schedule_state(ctx, params, "SCHEDULED")


def stop_column_statistics_task_run_schedule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Make the settings' schedule NOT_SCHEDULED; EntityNotFoundException, InvalidInputException (no Schedule)."""
    return _set_schedule_state(ctx, params, "NOT_SCHEDULED")


def scheduled_settings(store: Any) -> list[tuple[str, str, str]]:
    """(scope, settings name, cron expression) of every SCHEDULED settings document (for the scheduler)."""
    found = []
    for scope, _parent, name, doc in store.list_scopes(SETTINGS):
        schedule = doc.get("Schedule") or {}
        if schedule.get("State") == "SCHEDULED" and schedule.get("ScheduleExpression"):
            found.append((scope, name, schedule["ScheduleExpression"]))
    return found


def fire_schedule(emulator: Emulator, ctx: RequestContext, name: str) -> None:
    """Start the run a schedule's time calls for, and record the attempt in LastExecutionAttempt."""
    doc = ctx.store.get(ctx.scope, SETTINGS, "", name)
    if doc is None or (doc.get("Schedule") or {}).get("State") != "SCHEDULED":
        return
    request = {"DatabaseName": doc["DatabaseName"], "TableName": doc["TableName"], "CatalogID": doc["CatalogID"],
               **{m: doc[m] for m in _MEMBERS if m in doc}}
    attempt: dict[str, Any] = {"ExecutionTimestamp": now()}
    try:
        attempt["ColumnStatisticsTaskRunId"] = emulator.component(ColumnStatisticsRuns).start(ctx, request)
        attempt["Status"] = "STARTED"
    except AwsError as exc:
        attempt.update(Status="FAILED", ErrorMessage=exc.message)
    with ctx.store.transaction():
        current = ctx.store.get(ctx.scope, SETTINGS, "", name)
        if current is not None:
            current["LastExecutionAttempt"] = attempt
            ctx.store.put(ctx.scope, SETTINGS, "", name, current)
