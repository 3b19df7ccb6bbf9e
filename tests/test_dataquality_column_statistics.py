"""Column statistics of tables and partitions (Update/Get/Delete ColumnStatisticsFor{Table,Partition}) through
boto3 on a live server: every ColumnStatisticsData type round-trips, bad entries come back in Errors, missing
tables, partitions and columns are EntityNotFoundException, and statistics go with their table or partition."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from botocore.exceptions import ClientError

WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
COLUMNS = [
    {"Name": "flag", "Type": "boolean"}, {"Name": "day", "Type": "date"}, {"Name": "price", "Type": "decimal(10,2)"},
    {"Name": "ratio", "Type": "double"}, {"Name": "id", "Type": "bigint"}, {"Name": "name", "Type": "string"},
    {"Name": "blob", "Type": "binary"},
]


def _decimal(value: Decimal) -> dict[str, Any]:
    """A DecimalNumber as AWS encodes it: the unscaled value's big-endian two's-complement bytes, and the scale."""
    sign, digits, exponent = value.as_tuple()
    unscaled = int("".join(map(str, digits))) * (-1 if sign else 1)
    return {"UnscaledValue": unscaled.to_bytes((unscaled.bit_length() + 8) // 8, "big", signed=True),
            "Scale": -exponent}


def _entry(column: str, column_type: str, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    member = {"BOOLEAN": "Boolean", "DATE": "Date", "DECIMAL": "Decimal", "DOUBLE": "Double", "LONG": "Long",
              "STRING": "String", "BINARY": "Binary"}[kind] + "ColumnStatisticsData"
    return {"ColumnName": column, "ColumnType": column_type, "AnalyzedTime": WHEN,
            "StatisticsData": {"Type": kind, member: data}}


ENTRIES = [
    _entry("flag", "boolean", "BOOLEAN", {"NumberOfTrues": 3, "NumberOfFalses": 2, "NumberOfNulls": 1}),
    _entry("day", "date", "DATE", {"MinimumValue": datetime(2024, 1, 1, tzinfo=UTC),
                                   "MaximumValue": datetime(2024, 3, 31, tzinfo=UTC),
                                   "NumberOfNulls": 0, "NumberOfDistinctValues": 91}),
    _entry("price", "decimal(10,2)", "DECIMAL", {"MinimumValue": _decimal(Decimal("-12.50")),
                                                 "MaximumValue": _decimal(Decimal("99999.99")),
                                                 "NumberOfNulls": 4, "NumberOfDistinctValues": 120}),
    _entry("ratio", "double", "DOUBLE", {"MinimumValue": -0.5, "MaximumValue": 1.25, "NumberOfNulls": 0,
                                         "NumberOfDistinctValues": 7}),
    _entry("id", "bigint", "LONG", {"MinimumValue": -9007199254740993, "MaximumValue": 2**62, "NumberOfNulls": 0,
                                    "NumberOfDistinctValues": 1000}),
    _entry("name", "string", "STRING", {"MaximumLength": 12, "AverageLength": 6.5, "NumberOfNulls": 2,
                                        "NumberOfDistinctValues": 40}),
    _entry("blob", "binary", "BINARY", {"MaximumLength": 64, "AverageLength": 31.5, "NumberOfNulls": 9}),
]


@pytest.fixture
def table(glue: Any) -> Any:
    glue.create_database(DatabaseInput={"Name": "sales"})
    glue.create_table(DatabaseName="sales", TableInput={
        "Name": "orders", "StorageDescriptor": {"Columns": COLUMNS, "Location": "s3://lake/orders/"},
        "PartitionKeys": [{"Name": "dt", "Type": "string"}]})
    glue.create_partition(DatabaseName="sales", TableName="orders", PartitionInput={
        "Values": ["2024-01-01"], "StorageDescriptor": {"Columns": COLUMNS, "Location": "s3://lake/orders/dt=1/"}})
    return glue


def _by_name(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["ColumnName"]: s for s in answer["ColumnStatisticsList"]}


def test_every_statistics_type_round_trips_for_a_table(table: Any) -> None:
    assert table.update_column_statistics_for_table(DatabaseName="sales", TableName="orders",
                                                    ColumnStatisticsList=ENTRIES)["Errors"] == []
    got = table.get_column_statistics_for_table(DatabaseName="sales", TableName="orders",
                                                ColumnNames=[c["Name"] for c in COLUMNS])
    assert got["Errors"] == []
    stored = _by_name(got)
    for entry in ENTRIES:
        assert stored[entry["ColumnName"]] == entry
    price = stored["price"]["StatisticsData"]["DecimalColumnStatisticsData"]
    low = int.from_bytes(price["MinimumValue"]["UnscaledValue"], "big", signed=True)
    assert (low, price["MinimumValue"]["Scale"]) == (-1250, 2)


def test_an_update_replaces_a_columns_statistics_and_names_are_matched_without_case(table: Any) -> None:
    first = _entry("id", "bigint", "LONG", {"MinimumValue": 1, "MaximumValue": 2, "NumberOfNulls": 0,
                                            "NumberOfDistinctValues": 2})
    second = _entry("ID", "bigint", "LONG", {"NumberOfNulls": 5, "NumberOfDistinctValues": 0})
    for entry in (first, second):
        table.update_column_statistics_for_table(DatabaseName="sales", TableName="orders", ColumnStatisticsList=[entry])
    got = table.get_column_statistics_for_table(DatabaseName="sales", TableName="orders", ColumnNames=["Id"])
    assert got["ColumnStatisticsList"] == [{**second, "ColumnName": "id"}]


def test_bad_entries_come_back_in_errors_and_the_good_ones_are_stored(table: Any) -> None:
    no_member = {**ENTRIES[4], "StatisticsData": {"Type": "LONG"}}
    wrong_member = {**ENTRIES[4], "StatisticsData": {"Type": "DOUBLE", **ENTRIES[4]["StatisticsData"]}}
    del wrong_member["StatisticsData"]["Type"]
    wrong_member["StatisticsData"]["Type"] = "DOUBLE"
    unknown_column = {**ENTRIES[0], "ColumnName": "nope"}
    answer = table.update_column_statistics_for_table(
        DatabaseName="sales", TableName="orders",
        ColumnStatisticsList=[no_member, ENTRIES[5], wrong_member, unknown_column])
    codes = [(e["ColumnStatistics"]["ColumnName"], e["Error"]["ErrorCode"]) for e in answer["Errors"]]
    assert codes == [("id", "InvalidInputException"), ("id", "InvalidInputException"),
                     ("nope", "EntityNotFoundException")]
    assert "LongColumnStatisticsData" in answer["Errors"][0]["Error"]["ErrorMessage"]
    got = table.get_column_statistics_for_table(DatabaseName="sales", TableName="orders", ColumnNames=["name", "id"])
    assert list(_by_name(got)) == ["name"]
    assert got["Errors"] == [{"ColumnName": "id", "Error": {
        "ErrorCode": "EntityNotFoundException", "ErrorMessage": "Column statistics of column id not found."}}]


def test_a_column_of_another_table_is_reported_in_errors_by_get(table: Any) -> None:
    got = table.get_column_statistics_for_table(DatabaseName="sales", TableName="orders", ColumnNames=["ghost"])
    assert got["ColumnStatisticsList"] == []
    assert got["Errors"][0]["Error"]["ErrorMessage"] == "Column ghost not found in table orders."


@pytest.mark.parametrize("call", ["update", "get", "delete"])
def test_missing_databases_and_tables_are_entity_not_found(table: Any, call: str) -> None:
    args = {"update": {"ColumnStatisticsList": ENTRIES[:1]}, "get": {"ColumnNames": ["flag"]},
            "delete": {"ColumnName": "flag"}}[call]
    method = getattr(table, f"{call}_column_statistics_for_table")
    for database, name, message in (("nodb", "orders", "Database nodb not found."),
                                    ("sales", "none", "Table none not found.")):
        with pytest.raises(ClientError) as caught:
            method(DatabaseName=database, TableName=name, **args)
        assert caught.value.response["Error"] == {"Code": "EntityNotFoundException", "Message": message}


def test_delete_removes_one_column_and_a_second_delete_is_entity_not_found(table: Any) -> None:
    table.update_column_statistics_for_table(DatabaseName="sales", TableName="orders", ColumnStatisticsList=ENTRIES)
    table.delete_column_statistics_for_table(DatabaseName="sales", TableName="orders", ColumnName="flag")
    got = table.get_column_statistics_for_table(DatabaseName="sales", TableName="orders", ColumnNames=["flag", "id"])
    assert list(_by_name(got)) == ["id"]
    for column in ("flag", "ghost"):
        with pytest.raises(ClientError) as caught:
            table.delete_column_statistics_for_table(DatabaseName="sales", TableName="orders", ColumnName=column)
        assert caught.value.response["Error"]["Code"] == "EntityNotFoundException"


def test_partition_statistics_are_kept_apart_from_the_tables(table: Any) -> None:
    partition = {"DatabaseName": "sales", "TableName": "orders", "PartitionValues": ["2024-01-01"]}
    assert table.update_column_statistics_for_partition(**partition, ColumnStatisticsList=ENTRIES[3:5])["Errors"] == []
    got = table.get_column_statistics_for_partition(**partition, ColumnNames=["ratio", "id"])
    assert _by_name(got) == {e["ColumnName"]: e for e in ENTRIES[3:5]}
    on_table = table.get_column_statistics_for_table(DatabaseName="sales", TableName="orders", ColumnNames=["id"])
    assert on_table["ColumnStatisticsList"] == []
    table.delete_column_statistics_for_partition(**partition, ColumnName="ratio")
    got = table.get_column_statistics_for_partition(**partition, ColumnNames=["ratio", "id"])
    assert list(_by_name(got)) == ["id"]


def test_missing_partitions_are_entity_not_found(table: Any) -> None:
    for values in (["2030-01-01"], ["2024-01-01", "extra"]):
        with pytest.raises(ClientError) as caught:
            table.get_column_statistics_for_partition(DatabaseName="sales", TableName="orders",
                                                      PartitionValues=values, ColumnNames=["id"])
        assert caught.value.response["Error"] == {"Code": "EntityNotFoundException",
                                                  "Message": "Cannot find partition."}


def test_statistics_are_deleted_with_their_partition_table_and_database(table: Any) -> None:
    partition = {"DatabaseName": "sales", "TableName": "orders", "PartitionValues": ["2024-01-01"]}
    table.update_column_statistics_for_partition(**partition, ColumnStatisticsList=ENTRIES[:1])
    table.delete_partition(DatabaseName="sales", TableName="orders", PartitionValues=["2024-01-01"])
    table.create_partition(DatabaseName="sales", TableName="orders", PartitionInput={"Values": ["2024-01-01"]})
    assert table.get_column_statistics_for_partition(**partition, ColumnNames=["flag"])["ColumnStatisticsList"] == []

    def recreate() -> None:
        table.create_table(DatabaseName="sales", TableInput={"Name": "orders",
                                                             "StorageDescriptor": {"Columns": COLUMNS}})

    table.update_column_statistics_for_table(DatabaseName="sales", TableName="orders", ColumnStatisticsList=ENTRIES)
    table.delete_table(DatabaseName="sales", Name="orders")
    recreate()
    got = table.get_column_statistics_for_table(DatabaseName="sales", TableName="orders", ColumnNames=["flag"])
    assert got["ColumnStatisticsList"] == []
    table.update_column_statistics_for_table(DatabaseName="sales", TableName="orders", ColumnStatisticsList=ENTRIES)
    table.delete_database(Name="sales")
    table.create_database(DatabaseInput={"Name": "sales"})
    recreate()
    got = table.get_column_statistics_for_table(DatabaseName="sales", TableName="orders", ColumnNames=["flag"])
    assert got["ColumnStatisticsList"] == []


def test_the_list_limits_of_the_model_are_enforced(table: Any) -> None:
    with pytest.raises(ClientError) as caught:
        table.update_column_statistics_for_table(DatabaseName="sales", TableName="orders",
                                                 ColumnStatisticsList=ENTRIES * 4)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
