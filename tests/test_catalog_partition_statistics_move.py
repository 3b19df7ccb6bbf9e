"""Column statistics follow a partition whose Values an UpdatePartition or BatchUpdatePartition changes (how
AWS's own Hive metastore client renames a partition), through boto3 on a live server; a move that fails leaves
them where they were."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
COLUMNS = [{"Name": "id", "Type": "bigint"}, {"Name": "name", "Type": "string"}]
STATS = [
    {"ColumnName": "id", "ColumnType": "bigint", "AnalyzedTime": WHEN,
     "StatisticsData": {"Type": "LONG", "LongColumnStatisticsData": {
         "MinimumValue": 1, "MaximumValue": 90, "NumberOfNulls": 0, "NumberOfDistinctValues": 90}}},
    {"ColumnName": "name", "ColumnType": "string", "AnalyzedTime": WHEN,
     "StatisticsData": {"Type": "STRING", "StringColumnStatisticsData": {
         "MaximumLength": 9, "AverageLength": 4.5, "NumberOfNulls": 3, "NumberOfDistinctValues": 12}}},
]
NAMES = ["id", "name"]


def _input(day: str) -> dict[str, Any]:
    return {"Values": [day], "StorageDescriptor": {"Columns": COLUMNS, "Location": f"s3://lake/orders/dt={day}/"}}


@pytest.fixture
def table(glue: Any) -> Any:
    glue.create_database(DatabaseInput={"Name": "sales"})
    glue.create_table(DatabaseName="sales", TableInput={
        "Name": "orders", "StorageDescriptor": {"Columns": COLUMNS, "Location": "s3://lake/orders/"},
        "PartitionKeys": [{"Name": "dt", "Type": "string"}]})
    glue.batch_create_partition(DatabaseName="sales", TableName="orders",
                                PartitionInputList=[_input("2024-01-01"), _input("2024-01-02")])
    answer = glue.update_column_statistics_for_partition(
        DatabaseName="sales", TableName="orders", PartitionValues=["2024-01-01"], ColumnStatisticsList=STATS)
    assert answer["Errors"] == []
    return glue


def _stats(glue: Any, day: str) -> dict[str, Any]:
    return glue.get_column_statistics_for_partition(DatabaseName="sales", TableName="orders",
                                                    PartitionValues=[day], ColumnNames=NAMES)


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


def test_update_partition_moves_the_statistics_to_the_new_values(table: Any) -> None:
    table.update_partition(DatabaseName="sales", TableName="orders", PartitionValueList=["2024-01-01"],
                           PartitionInput=_input("2024-02-01"))
    moved = _stats(table, "2024-02-01")
    assert moved["Errors"] == []
    assert sorted(moved["ColumnStatisticsList"], key=lambda s: s["ColumnName"]) == STATS
    with pytest.raises(ClientError) as gone:
        _stats(table, "2024-01-01")
    assert _code(gone) == "EntityNotFoundException"
    # A partition created again under the old values starts without statistics.
    table.create_partition(DatabaseName="sales", TableName="orders", PartitionInput=_input("2024-01-01"))
    fresh = _stats(table, "2024-01-01")
    assert fresh["ColumnStatisticsList"] == []
    assert sorted(e["ColumnName"] for e in fresh["Errors"]) == NAMES


def test_batch_update_partition_moves_the_statistics_of_each_moved_partition(table: Any) -> None:
    table.update_column_statistics_for_partition(DatabaseName="sales", TableName="orders",
                                                 PartitionValues=["2024-01-02"], ColumnStatisticsList=STATS[:1])
    answer = table.batch_update_partition(DatabaseName="sales", TableName="orders", Entries=[
        {"PartitionValueList": ["2024-01-01"], "PartitionInput": _input("2024-03-01")},
        {"PartitionValueList": ["2024-01-02"], "PartitionInput": _input("2024-03-02")},
    ])
    assert answer["Errors"] == []
    assert len(_stats(table, "2024-03-01")["ColumnStatisticsList"]) == 2
    second = _stats(table, "2024-03-02")
    assert [s["ColumnName"] for s in second["ColumnStatisticsList"]] == ["id"]
    assert [e["ColumnName"] for e in second["Errors"]] == ["name"]


def test_a_move_onto_an_existing_partition_fails_and_leaves_the_statistics(table: Any) -> None:
    with pytest.raises(ClientError) as taken:
        table.update_partition(DatabaseName="sales", TableName="orders", PartitionValueList=["2024-01-01"],
                               PartitionInput=_input("2024-01-02"))
    assert _code(taken) == "AlreadyExistsException"
    assert len(_stats(table, "2024-01-01")["ColumnStatisticsList"]) == 2
    assert _stats(table, "2024-01-02")["ColumnStatisticsList"] == []


def test_an_update_that_keeps_the_values_keeps_the_statistics(table: Any) -> None:
    changed = {**_input("2024-01-01"), "Parameters": {"note": "compacted"}}
    table.update_partition(DatabaseName="sales", TableName="orders", PartitionValueList=["2024-01-01"],
                           PartitionInput=changed)
    assert len(_stats(table, "2024-01-01")["ColumnStatisticsList"]) == 2
