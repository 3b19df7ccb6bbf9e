"""Column statistics task settings and schedules, and the task run requests refused before any Spark work,
through boto3 on a live server (no Spark: the runs that compute are in test_dataquality_column_statistics_runs)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import ROLE

from emulator.dataquality.column_statistics_compute import statistics_type

TABLE = {"DatabaseName": "sales", "TableName": "orders"}


@pytest.fixture
def table(glue: Any) -> Any:
    glue.create_database(DatabaseInput={"Name": "sales"})
    glue.create_table(DatabaseName="sales", TableInput={
        "Name": "orders", "StorageDescriptor": {"Location": "s3://lake/orders/", "Columns": [
            {"Name": "id", "Type": "bigint"}, {"Name": "tags", "Type": "array<string>"},
            {"Name": "seen", "Type": "timestamp"}]}})
    return glue


def _error(call: Any, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]


@pytest.mark.parametrize(("catalog_type", "kind"), [
    ("boolean", "BOOLEAN"), ("tinyint", "LONG"), ("int", "LONG"), ("BIGINT", "LONG"), ("float", "DOUBLE"),
    ("double", "DOUBLE"), ("decimal(10,2)", "DECIMAL"), ("decimal", "DECIMAL"), ("date", "DATE"),
    ("string", "STRING"), ("varchar(20)", "STRING"), ("char(3)", "STRING"), ("binary", "BINARY"),
    ("timestamp", None), ("array<int>", None), ("struct<a:int>", None), ("map<string,int>", None),
    ("interval", None),
])
def test_catalog_types_map_to_statistics_types(catalog_type: str, kind: str | None) -> None:
    assert statistics_type(catalog_type) == kind


def test_settings_are_created_read_updated_and_deleted(table: Any) -> None:
    table.create_column_statistics_task_settings(**TABLE, Role=ROLE, Schedule="cron(0 2 * * ? *)",
                                                 ColumnNameList=["id"], SampleSize=25.0, Tags={"team": "data"})
    settings = table.get_column_statistics_task_settings(**TABLE)["ColumnStatisticsTaskSettings"]
    assert settings == {"DatabaseName": "sales", "TableName": "orders", "CatalogID": "123456789012",
                        "Role": ROLE, "ColumnNameList": ["id"], "SampleSize": 25.0, "SettingSource": "TABLE",
                        "ScheduleType": "CRON",
                        "Schedule": {"ScheduleExpression": "cron(0 2 * * ? *)", "State": "SCHEDULED"}}
    table.stop_column_statistics_task_run_schedule(**TABLE)
    table.update_column_statistics_task_settings(**TABLE, Schedule="cron(30 3 * * ? *)", SampleSize=50.0)
    settings = table.get_column_statistics_task_settings(**TABLE)["ColumnStatisticsTaskSettings"]
    assert settings["Schedule"] == {"ScheduleExpression": "cron(30 3 * * ? *)", "State": "NOT_SCHEDULED"}
    assert (settings["SampleSize"], settings["ColumnNameList"]) == (50.0, ["id"])
    table.start_column_statistics_task_run_schedule(**TABLE)
    state = table.get_column_statistics_task_settings(**TABLE)["ColumnStatisticsTaskSettings"]["Schedule"]["State"]
    assert state == "SCHEDULED"
    table.delete_column_statistics_task_settings(**TABLE)
    assert _error(table.get_column_statistics_task_settings, **TABLE)["Code"] == "EntityNotFoundException"


def test_settings_without_a_schedule_get_one_scheduled_and_cannot_start_before(table: Any) -> None:
    table.create_column_statistics_task_settings(**TABLE, Role=ROLE)
    settings = table.get_column_statistics_task_settings(**TABLE)["ColumnStatisticsTaskSettings"]
    assert "Schedule" not in settings
    assert _error(table.start_column_statistics_task_run_schedule, **TABLE)["Code"] == "InvalidInputException"
    table.update_column_statistics_task_settings(**TABLE, Schedule="cron(0 2 * * ? *)")
    settings = table.get_column_statistics_task_settings(**TABLE)["ColumnStatisticsTaskSettings"]
    assert settings["Schedule"]["State"] == "SCHEDULED"


def test_bad_settings_are_refused(table: Any) -> None:
    create = table.create_column_statistics_task_settings
    assert _error(create, DatabaseName="sales", TableName="none", Role=ROLE) == {
        "Code": "EntityNotFoundException", "Message": "Table none not found."}
    assert _error(create, **TABLE, Role=ROLE, ColumnNameList=["ghost"])["Code"] == "EntityNotFoundException"
    assert _error(create, **TABLE, Role=ROLE, ColumnNameList=["tags"])["Code"] == "InvalidInputException"
    assert _error(create, **TABLE, Role=ROLE, Schedule="every day")["Code"] == "InvalidInputException"
    assert _error(create, **TABLE, Role=ROLE, Schedule="cron(* * * * ? *)")["Code"] == "InvalidInputException"
    assert _error(create, **TABLE, Role=ROLE, SampleSize=0.0)["Code"] == "InvalidInputException"
    assert _error(create, **TABLE, Role=ROLE, SampleSize=101.0)["Code"] == "ValidationException"
    create(**TABLE, Role=ROLE)
    assert _error(create, **TABLE, Role=ROLE)["Code"] == "AlreadyExistsException"
    for call in (table.update_column_statistics_task_settings, table.delete_column_statistics_task_settings,
                 table.start_column_statistics_task_run_schedule, table.stop_column_statistics_task_run_schedule):
        assert _error(call, DatabaseName="sales", TableName="other")["Code"] == "EntityNotFoundException"


def test_runs_that_cannot_start_are_refused_before_any_work(table: Any) -> None:
    start = table.start_column_statistics_task_run
    assert _error(start, DatabaseName="nodb", TableName="orders", Role=ROLE) == {
        "Code": "EntityNotFoundException", "Message": "Database nodb not found."}
    assert _error(start, **TABLE, Role=ROLE, ColumnNameList=["ghost"])["Code"] == "EntityNotFoundException"
    refused = _error(start, **TABLE, Role=ROLE, ColumnNameList=["seen"])
    assert refused == {"Code": "InvalidInputException",
                       "Message": "Column statistics are not supported for column seen of type timestamp."}
    assert _error(start, **TABLE, Role=ROLE, SampleSize=0.0)["Code"] == "InvalidInputException"
    table.create_table(DatabaseName="sales", TableInput={"Name": "nested", "StorageDescriptor": {
        "Columns": [{"Name": "tags", "Type": "array<string>"}]}})
    assert _error(start, DatabaseName="sales", TableName="nested", Role=ROLE)["Code"] == "InvalidInputException"
    assert table.list_column_statistics_task_runs()["ColumnStatisticsTaskRunIds"] == []
    assert table.get_column_statistics_task_runs(**TABLE)["ColumnStatisticsTaskRuns"] == []


def test_runs_that_do_not_exist_are_entity_not_found_and_stopping_none_is_not_running(table: Any) -> None:
    assert _error(table.get_column_statistics_task_run, ColumnStatisticsTaskRunId="nope")["Code"] == \
        "EntityNotFoundException"
    assert _error(table.stop_column_statistics_task_run, **TABLE)["Code"] == "ColumnStatisticsTaskNotRunningException"


def test_runs_are_listed_newest_first_page_by_page(ctx: Any) -> None:
    """Unit: GetColumnStatisticsTaskRuns and ListColumnStatisticsTaskRuns page through stored runs newest first."""
    from emulator.dataquality.column_statistics_tasks import (
        TASK_RUN,
        get_column_statistics_task_runs,
        list_column_statistics_task_runs,
    )

    for number, table_name in enumerate(["orders", "orders", "other", "orders"]):
        ctx.store.put(ctx.scope, TASK_RUN, "", f"run{number}", {
            "ColumnStatisticsTaskRunId": f"run{number}", "DatabaseName": "sales", "TableName": table_name,
            "CatalogID": ctx.account, "Status": "SUCCEEDED", "CreationTime": 1000.0 + number})
    seen, token = [], {}
    while True:
        page = get_column_statistics_task_runs(ctx, {**TABLE, "MaxResults": 2, **token})
        seen += [r["ColumnStatisticsTaskRunId"] for r in page["ColumnStatisticsTaskRuns"]]
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    assert seen == ["run3", "run1", "run0"]
    first = list_column_statistics_task_runs(ctx, {"MaxResults": 3})
    rest = list_column_statistics_task_runs(ctx, {"NextToken": first["NextToken"]})
    assert first["ColumnStatisticsTaskRunIds"] + rest["ColumnStatisticsTaskRunIds"] == ["run3", "run2", "run1", "run0"]
    assert "NextToken" not in rest


def test_runs_a_previous_server_left_running_end_failed(ctx: Any) -> None:
    """Unit: the task runs component ends the runs no process is computing any more (after a restart)."""
    from emulator.dataquality.column_statistics_tasks import TASK_RUN, get_column_statistics_task_run

    ctx.store.put(ctx.scope, TASK_RUN, "", "orphan", {
        "ColumnStatisticsTaskRunId": "orphan", "DatabaseName": "sales", "TableName": "orders",
        "CatalogID": ctx.account, "Status": "RUNNING", "CreationTime": 1000.0, "StartTime": 1000.0})
    run = get_column_statistics_task_run(ctx, {"ColumnStatisticsTaskRunId": "orphan"})["ColumnStatisticsTaskRun"]
    assert (run["Status"], run["ErrorMessage"]) == ("FAILED", "The emulator stopped during the run.")
    assert run["EndTime"] >= run["StartTime"]
