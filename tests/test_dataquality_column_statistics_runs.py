"""Column statistics task runs really compute on Spark (one module server with a warm driver): the statistics of
every type from a Parquet table with known answers, table-level statistics of a partitioned CSV table, sampling,
one run per table at a time, stopping, failing, and a task settings schedule firing a run through the scheduler."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from botocore.exceptions import ClientError
from support import FAST_ENV, ROLE, Gates, spark_pool_held, wait_until

# A warm driver (the runs are Spark work), one Glue minute per real second (the schedule test).
SERVER_ENV = {**FAST_ENV, "GLUE_EMULATOR_SPARK_PREWARM": "1", "GLUE_EMULATOR_SPARK_POOL_SIZE": "1"}
FINAL = ("SUCCEEDED", "FAILED", "STOPPED")
TYPED_COLUMNS = [
    ("flag", "boolean", pa.bool_(), [True, False, True, None, True, False]),
    ("small", "smallint", pa.int16(), [1, 2, 2, None, 5, -3]),
    ("id", "bigint", pa.int64(), [10, 20, 30, 40, 50, 2**40]),
    ("ratio", "double", pa.float64(), [0.5, float("nan"), -1.5, None, 2.25, 0.5]),
    ("price", "decimal(10,2)", pa.decimal128(10, 2),
     [Decimal("1.10"), Decimal("-12.50"), None, None, Decimal("99.99"), Decimal("1.10")]),
    ("day", "date", pa.date32(),
     [date(2024, 1, 1), date(2024, 3, 31), None, date(2024, 1, 1), date(2024, 2, 29), date(2024, 2, 29)]),
    ("name", "string", pa.string(), ["a", "héllo", "", None, "abc", "abc"]),
    ("raw", "binary", pa.binary(), [b"\x00\x01", b"", None, b"abcd", None, b"x"]),
    ("seen", "timestamp", pa.timestamp("ms"), [datetime(2024, 1, 1)] * 6),
]


def _parquet(columns: list[tuple[str, str, Any, list[Any]]]) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.table({name: pa.array(values, kind) for name, _, kind, values in columns}), buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def lake(server: Any) -> Any:
    """The tables every test reads (created once: the module's server is not reset between these tests)."""
    glue, s3 = server.client("glue"), server.client("s3")
    s3.create_bucket(Bucket="lake")
    glue.create_database(DatabaseInput={"Name": "lake"})
    s3.put_object(Bucket="lake", Key="typed/part-0.parquet", Body=_parquet(TYPED_COLUMNS))
    glue.create_table(DatabaseName="lake", TableInput={
        "Name": "typed", "Parameters": {"classification": "parquet"}, "StorageDescriptor": {
            "Location": "s3://lake/typed/", "Columns": [{"Name": n, "Type": t} for n, t, _, _ in TYPED_COLUMNS]}})
    csv = {"InputFormat": "org.apache.hadoop.mapred.TextInputFormat", "SerdeInfo": {
        "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
        "Parameters": {"field.delim": ","}}}
    glue.create_table(DatabaseName="lake", TableInput={
        "Name": "events", "Parameters": {"classification": "csv"}, "PartitionKeys": [{"Name": "dt", "Type": "string"}],
        "StorageDescriptor": {"Location": "s3://lake/events/", **csv,
                              "Columns": [{"Name": "id", "Type": "int"}, {"Name": "label", "Type": "string"}]}})
    for day, rows in (("2024-01-01", "1,a\n2,bb\n"), ("2024-01-02", "3,bb\n4,ccc\n")):
        s3.put_object(Bucket="lake", Key=f"events/dt={day}/data.csv", Body=rows.encode())
        glue.create_partition(DatabaseName="lake", TableName="events", PartitionInput={
            "Values": [day], "StorageDescriptor": {"Location": f"s3://lake/events/dt={day}/", **csv}})
    flags = [True, False, None, True] * 500
    s3.put_object(Bucket="lake", Key="big/part-0.parquet", Body=_parquet([("flag", "boolean", pa.bool_(), flags)]))
    glue.create_table(DatabaseName="lake", TableInput={
        "Name": "big", "Parameters": {"classification": "parquet"},
        "StorageDescriptor": {"Location": "s3://lake/big/", "Columns": [{"Name": "flag", "Type": "boolean"}]}})
    s3.put_object(Bucket="lake", Key="broken/part-0.parquet", Body=b"this is not parquet")
    glue.create_table(DatabaseName="lake", TableInput={
        "Name": "broken", "Parameters": {"classification": "parquet"},
        "StorageDescriptor": {"Location": "s3://lake/broken/", "Columns": [{"Name": "id", "Type": "bigint"}]}})
    return glue


def _finished(glue: Any, run_id: str) -> dict[str, Any]:
    return wait_until(lambda: glue.get_column_statistics_task_run(ColumnStatisticsTaskRunId=run_id)[
        "ColumnStatisticsTaskRun"], f"column statistics run {run_id} to end",
        until=lambda run: run["Status"] in FINAL, timeout=600, interval=0.5)


def _statistics(glue: Any, table: str, columns: list[str]) -> dict[str, dict[str, Any]]:
    got = glue.get_column_statistics_for_table(DatabaseName="lake", TableName=table, ColumnNames=columns)
    return {s["ColumnName"]: s["StatisticsData"] for s in got["ColumnStatisticsList"]}


def test_a_run_computes_the_statistics_of_every_type(lake: Any) -> None:
    run_id = lake.start_column_statistics_task_run(DatabaseName="lake", TableName="typed", Role=ROLE)[
        "ColumnStatisticsTaskRunId"]
    run = _finished(lake, run_id)
    assert run["Status"] == "SUCCEEDED", run.get("ErrorMessage")
    assert run["ColumnNameList"] == ["flag", "small", "id", "ratio", "price", "day", "name", "raw"]  # not `seen`
    assert (run["DatabaseName"], run["TableName"], run["Role"], run["SampleSize"]) == ("lake", "typed", ROLE, 100.0)
    assert run["StartTime"] <= run["EndTime"] and run["DPUSeconds"] >= 0
    stats = _statistics(lake, "typed", [n for n, _, _, _ in TYPED_COLUMNS])
    assert "seen" not in stats
    assert stats["flag"] == {"Type": "BOOLEAN", "BooleanColumnStatisticsData": {
        "NumberOfTrues": 3, "NumberOfFalses": 2, "NumberOfNulls": 1}}
    assert stats["small"]["LongColumnStatisticsData"] == {
        "MinimumValue": -3, "MaximumValue": 5, "NumberOfNulls": 1, "NumberOfDistinctValues": 4}
    assert stats["id"]["LongColumnStatisticsData"] == {
        "MinimumValue": 10, "MaximumValue": 2**40, "NumberOfNulls": 0, "NumberOfDistinctValues": 6}
    assert stats["ratio"]["DoubleColumnStatisticsData"] == {  # NaN is a value, not a bound
        "MinimumValue": -1.5, "MaximumValue": 2.25, "NumberOfNulls": 1, "NumberOfDistinctValues": 4}
    price = stats["price"]["DecimalColumnStatisticsData"]
    assert (price["NumberOfNulls"], price["NumberOfDistinctValues"]) == (2, 3)
    bounds = [(int.from_bytes(price[b]["UnscaledValue"], "big", signed=True), price[b]["Scale"])
              for b in ("MinimumValue", "MaximumValue")]
    assert bounds == [(-1250, 2), (9999, 2)]
    assert stats["day"]["DateColumnStatisticsData"] == {
        "MinimumValue": datetime(2024, 1, 1, tzinfo=UTC), "MaximumValue": datetime(2024, 3, 31, tzinfo=UTC),
        "NumberOfNulls": 1, "NumberOfDistinctValues": 3}
    assert stats["name"]["StringColumnStatisticsData"] == {
        "MaximumLength": 5, "AverageLength": 2.4, "NumberOfNulls": 1, "NumberOfDistinctValues": 4}
    assert stats["raw"]["BinaryColumnStatisticsData"] == {"MaximumLength": 4, "AverageLength": 1.75,
                                                         "NumberOfNulls": 2}
    assert run_id in lake.list_column_statistics_task_runs()["ColumnStatisticsTaskRunIds"]


def test_a_partitioned_table_gets_table_level_statistics_of_the_named_columns(lake: Any) -> None:
    run_id = lake.start_column_statistics_task_run(DatabaseName="lake", TableName="events", Role=ROLE,
                                                   ColumnNameList=["label", "dt"])["ColumnStatisticsTaskRunId"]
    assert _finished(lake, run_id)["Status"] == "SUCCEEDED"
    stats = _statistics(lake, "events", ["id", "label", "dt"])
    assert list(stats) == ["label", "dt"]
    assert stats["label"]["StringColumnStatisticsData"] == {
        "MaximumLength": 3, "AverageLength": 2.0, "NumberOfNulls": 0, "NumberOfDistinctValues": 3}
    assert stats["dt"]["StringColumnStatisticsData"] == {
        "MaximumLength": 10, "AverageLength": 10.0, "NumberOfNulls": 0, "NumberOfDistinctValues": 2}
    partition = lake.get_column_statistics_for_partition(DatabaseName="lake", TableName="events",
                                                         PartitionValues=["2024-01-01"], ColumnNames=["label"])
    assert partition["ColumnStatisticsList"] == []
    runs = lake.get_column_statistics_task_runs(DatabaseName="lake", TableName="events")["ColumnStatisticsTaskRuns"]
    assert runs[0]["ColumnStatisticsTaskRunId"] == run_id


def test_a_sampled_run_counts_part_of_the_rows(lake: Any) -> None:
    run_id = lake.start_column_statistics_task_run(DatabaseName="lake", TableName="big", Role=ROLE,
                                                   SampleSize=10.0)["ColumnStatisticsTaskRunId"]
    assert _finished(lake, run_id)["SampleSize"] == 10.0
    counts = _statistics(lake, "big", ["flag"])["flag"]["BooleanColumnStatisticsData"]
    assert 40 < sum(counts.values()) < 400, counts  # about 200 of the 2000 rows


def test_one_run_per_table_at_a_time_and_a_stopped_run_ends_stopped(lake: Any, server: Any, gates: Gates) -> None:
    start = {"DatabaseName": "lake", "TableName": "events", "Role": ROLE}
    with spark_pool_held(server, gates):  # the run waits for the driver: in progress however fast Spark is
        run_id = lake.start_column_statistics_task_run(**start)["ColumnStatisticsTaskRunId"]
        with pytest.raises(ClientError) as caught:
            lake.start_column_statistics_task_run(**start)
        assert caught.value.response["Error"]["Code"] == "ColumnStatisticsTaskRunningException"
        lake.stop_column_statistics_task_run(DatabaseName="lake", TableName="events")
        with pytest.raises(ClientError) as again:
            lake.stop_column_statistics_task_run(DatabaseName="lake", TableName="events")
        assert again.value.response["Error"]["Code"] in ("ColumnStatisticsTaskStoppingException",
                                                         "ColumnStatisticsTaskNotRunningException")
    run = _finished(lake, run_id)
    assert run["Status"] == "STOPPED"
    with pytest.raises(ClientError) as idle:
        lake.stop_column_statistics_task_run(DatabaseName="lake", TableName="events")
    assert idle.value.response["Error"]["Code"] == "ColumnStatisticsTaskNotRunningException"
    paged, token = [], {}
    while True:  # botocore has no paginator for it
        page = lake.get_column_statistics_task_runs(DatabaseName="lake", TableName="events", MaxResults=1, **token)
        paged += [r["ColumnStatisticsTaskRunId"] for r in page["ColumnStatisticsTaskRuns"]]
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    everything = lake.get_column_statistics_task_runs(DatabaseName="lake", TableName="events")
    assert paged == [r["ColumnStatisticsTaskRunId"] for r in everything["ColumnStatisticsTaskRuns"]]
    assert paged[0] == run_id  # newest first


def test_a_run_over_unreadable_files_fails_with_the_reason(lake: Any) -> None:
    run_id = lake.start_column_statistics_task_run(DatabaseName="lake", TableName="broken", Role=ROLE)[
        "ColumnStatisticsTaskRunId"]
    run = _finished(lake, run_id)
    assert run["Status"] == "FAILED"
    assert "parquet" in run["ErrorMessage"].lower()
    assert _statistics(lake, "broken", ["id"]) == {}


def test_a_settings_schedule_fires_a_run_through_the_scheduler(lake: Any) -> None:
    table = {"DatabaseName": "lake", "TableName": "big"}
    lake.create_column_statistics_task_settings(**table, Role=ROLE, Schedule="cron(0/5 * * * ? *)",
                                                ColumnNameList=["flag"])
    try:
        attempt = wait_until(lambda: lake.get_column_statistics_task_settings(**table)[
            "ColumnStatisticsTaskSettings"].get("LastExecutionAttempt"), "the schedule's first attempt",
            timeout=60, interval=0.5)
    finally:
        lake.stop_column_statistics_task_run_schedule(**table)
    assert attempt["Status"] == "STARTED", attempt
    run = _finished(lake, attempt["ColumnStatisticsTaskRunId"])
    assert (run["Status"], run["ColumnNameList"], run["SampleSize"]) == ("SUCCEEDED", ["flag"], 100.0)
    counts = _statistics(lake, "big", ["flag"])["flag"]["BooleanColumnStatisticsData"]
    assert counts == {"NumberOfTrues": 1000, "NumberOfFalses": 500, "NumberOfNulls": 500}
