"""Partitions of catalog tables, through boto3 against a live emulator."""

from __future__ import annotations

import time

import botocore.exceptions
import pytest
from support import error_of as _error

ACCOUNT = "123456789012"
COLUMNS = [{"Name": "id", "Type": "bigint"}, {"Name": "amount", "Type": "double"}]
COUNT_MISMATCH = "The number of partition keys do not match the number of partition values"


def _descriptor(location: str) -> dict:
    return {
        "Columns": COLUMNS,
        "Location": location,
        "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
    }


def _input(year: str, region: str, **extra) -> dict:
    return {
        "Values": [year, region],
        "StorageDescriptor": _descriptor(f"s3://bucket/events/year={year}/region={region}/"),
        **extra,
    }


@pytest.fixture
def glue(glue_emulator):
    glue = glue_emulator.glue
    glue.create_database(DatabaseInput={"Name": "sales"})
    glue.create_table(
        DatabaseName="sales",
        TableInput={
            "Name": "events",
            "StorageDescriptor": _descriptor("s3://bucket/events/"),
            "PartitionKeys": [{"Name": "year", "Type": "int"}, {"Name": "region", "Type": "string"}],
        },
    )
    return glue


def _create(glue, *pairs: tuple[str, str]) -> None:
    response = glue.batch_create_partition(
        DatabaseName="sales", TableName="events", PartitionInputList=[_input(y, r) for y, r in pairs]
    )
    assert response["Errors"] == []


def _values(glue, **kwargs) -> list[list[str]]:
    response = glue.get_partitions(DatabaseName="sales", TableName="events", **kwargs)
    return sorted(p["Values"] for p in response["Partitions"])


# -- create and get ----------------------------------------------------------------------------------


def test_create_then_get_returns_the_partition_shape(glue):
    before = time.time()
    glue.create_partition(
        DatabaseName="sales",
        TableName="events",
        PartitionInput=_input("2024", "eu", Parameters={"rows": "10"}, LastAccessTime=1700000000),
    )
    partition = glue.get_partition(DatabaseName="sales", TableName="events", PartitionValues=["2024", "eu"])[
        "Partition"
    ]
    created = partition.pop("CreationTime").timestamp()
    assert before - 1 <= created <= time.time() + 1
    assert partition.pop("LastAccessTime").timestamp() == 1700000000
    assert partition == {
        "Values": ["2024", "eu"],
        "DatabaseName": "sales",
        "TableName": "events",
        "StorageDescriptor": _descriptor("s3://bucket/events/year=2024/region=eu/"),
        "Parameters": {"rows": "10"},
        "CatalogId": ACCOUNT,
    }


def test_table_names_are_case_insensitive_values_are_not(glue):
    glue.create_partition(DatabaseName="SALES", TableName="Events", PartitionInput=_input("2024", "EU"))
    assert _values(glue) == [["2024", "EU"]]
    with pytest.raises(glue.exceptions.EntityNotFoundException) as info:
        glue.get_partition(DatabaseName="sales", TableName="events", PartitionValues=["2024", "eu"])
    assert _error(info) == ("EntityNotFoundException", "Cannot find partition.")


def test_duplicate_partition_already_exists(glue):
    _create(glue, ("2024", "eu"))
    with pytest.raises(glue.exceptions.AlreadyExistsException) as info:
        glue.create_partition(DatabaseName="sales", TableName="events", PartitionInput=_input("2024", "eu"))
    assert _error(info) == ("AlreadyExistsException", "Partition already exists.")


@pytest.mark.parametrize("values", [["2024"], ["2024", "eu", "x"], []])
def test_values_must_match_the_partition_keys(glue, values):
    with pytest.raises(glue.exceptions.InvalidInputException) as info:
        glue.create_partition(DatabaseName="sales", TableName="events", PartitionInput={"Values": values})
    assert _error(info) == ("InvalidInputException", COUNT_MISMATCH)
    for call in (glue.get_partition, glue.delete_partition):
        with pytest.raises(glue.exceptions.InvalidInputException) as info:
            call(DatabaseName="sales", TableName="events", PartitionValues=values)
        assert _error(info) == ("InvalidInputException", COUNT_MISMATCH)


def test_unpartitioned_table_has_no_partitions(glue):
    glue.create_table(DatabaseName="sales", TableInput={"Name": "flat", "StorageDescriptor": _descriptor("s3://b/f/")})
    with pytest.raises(glue.exceptions.InvalidInputException) as info:
        glue.create_partition(DatabaseName="sales", TableName="flat", PartitionInput={"Values": ["x"]})
    assert _error(info) == ("InvalidInputException", COUNT_MISMATCH)
    with pytest.raises(glue.exceptions.InvalidInputException) as info:
        glue.create_partition(DatabaseName="sales", TableName="flat", PartitionInput={"Values": []})
    assert _error(info) == ("InvalidInputException", "Table flat is not partitioned")


def test_missing_table_or_database(glue):
    with pytest.raises(glue.exceptions.EntityNotFoundException) as info:
        glue.get_partitions(DatabaseName="sales", TableName="nope")
    assert _error(info) == ("EntityNotFoundException", "Table nope not found.")
    with pytest.raises(glue.exceptions.EntityNotFoundException) as info:
        glue.create_partition(DatabaseName="nodb", TableName="events", PartitionInput=_input("1", "x"))
    assert _error(info) == ("EntityNotFoundException", "Database nodb not found.")


# -- batches -----------------------------------------------------------------------------------------


def test_batch_create_reports_each_failure_and_keeps_the_rest(glue):
    _create(glue, ("2023", "eu"))
    response = glue.batch_create_partition(
        DatabaseName="sales",
        TableName="events",
        PartitionInputList=[
            _input("2024", "eu"),
            _input("2023", "eu"),  # exists already
            {"Values": ["2025"]},  # wrong count
            _input("2024", "eu"),  # repeated within the batch
            _input("2024", "us"),
        ],
    )
    assert response["Errors"] == [
        {
            "PartitionValues": ["2023", "eu"],
            "ErrorDetail": {"ErrorCode": "AlreadyExistsException", "ErrorMessage": "Partition already exists."},
        },
        {
            "PartitionValues": ["2025"],
            "ErrorDetail": {"ErrorCode": "InvalidInputException", "ErrorMessage": COUNT_MISMATCH},
        },
        {
            "PartitionValues": ["2024", "eu"],
            "ErrorDetail": {"ErrorCode": "AlreadyExistsException", "ErrorMessage": "Partition already exists."},
        },
    ]
    assert _values(glue) == [["2023", "eu"], ["2024", "eu"], ["2024", "us"]]


def test_batch_get_returns_found_partitions_and_leaves_out_missing_ones(glue):
    _create(glue, ("2023", "eu"), ("2024", "eu"))
    response = glue.batch_get_partition(
        DatabaseName="sales",
        TableName="events",
        PartitionsToGet=[{"Values": ["2024", "eu"]}, {"Values": ["1999", "eu"]}, {"Values": ["2023", "eu"]}],
    )
    assert sorted(p["Values"] for p in response["Partitions"]) == [["2023", "eu"], ["2024", "eu"]]
    assert response["Partitions"][0]["StorageDescriptor"]["Location"].startswith("s3://bucket/events/year=")
    assert response["UnprocessedKeys"] == []


def test_batch_get_refuses_values_of_the_wrong_count(glue):
    with pytest.raises(glue.exceptions.InvalidInputException) as info:
        glue.batch_get_partition(DatabaseName="sales", TableName="events", PartitionsToGet=[{"Values": ["1"]}])
    assert _error(info) == ("InvalidInputException", COUNT_MISMATCH)


def test_batch_delete_reports_missing_partitions(glue):
    _create(glue, ("2023", "eu"), ("2024", "eu"), ("2024", "us"))
    response = glue.batch_delete_partition(
        DatabaseName="sales",
        TableName="events",
        PartitionsToDelete=[{"Values": ["2023", "eu"]}, {"Values": ["1999", "eu"]}, {"Values": ["2024"]}],
    )
    assert response["Errors"] == [
        {
            "PartitionValues": ["1999", "eu"],
            "ErrorDetail": {"ErrorCode": "EntityNotFoundException", "ErrorMessage": "Cannot find partition."},
        },
        {
            "PartitionValues": ["2024"],
            "ErrorDetail": {"ErrorCode": "InvalidInputException", "ErrorMessage": COUNT_MISMATCH},
        },
    ]
    assert _values(glue) == [["2024", "eu"], ["2024", "us"]]


def test_batch_update_reports_each_failure(glue):
    _create(glue, ("2023", "eu"), ("2024", "eu"))
    response = glue.batch_update_partition(
        DatabaseName="sales",
        TableName="events",
        Entries=[
            {"PartitionValueList": ["2023", "eu"], "PartitionInput": _input("2023", "eu", Parameters={"v": "2"})},
            {"PartitionValueList": ["1999", "eu"], "PartitionInput": _input("1999", "eu")},
            {"PartitionValueList": ["2023", "eu"], "PartitionInput": _input("2024", "eu")},  # onto an existing one
        ],
    )
    assert response["Errors"] == [
        {
            "PartitionValueList": ["1999", "eu"],
            "ErrorDetail": {"ErrorCode": "EntityNotFoundException", "ErrorMessage": "Cannot find partition."},
        },
        {
            "PartitionValueList": ["2023", "eu"],
            "ErrorDetail": {"ErrorCode": "AlreadyExistsException", "ErrorMessage": "Partition already exists."},
        },
    ]
    updated = glue.get_partition(DatabaseName="sales", TableName="events", PartitionValues=["2023", "eu"])
    assert updated["Partition"]["Parameters"] == {"v": "2"}


# -- update and delete -------------------------------------------------------------------------------


def test_update_replaces_the_definition_and_keeps_creation_time(glue):
    glue.create_partition(
        DatabaseName="sales", TableName="events", PartitionInput=_input("2024", "eu", Parameters={"a": "1"})
    )
    get = {"DatabaseName": "sales", "TableName": "events", "PartitionValues": ["2024", "eu"]}
    created = glue.get_partition(**get)["Partition"]["CreationTime"]
    glue.update_partition(
        DatabaseName="sales",
        TableName="events",
        PartitionValueList=["2024", "eu"],
        PartitionInput={"Values": ["2024", "eu"], "Parameters": {"b": "2"}},
    )
    partition = glue.get_partition(**get)["Partition"]
    assert partition["CreationTime"] == created
    assert partition["Parameters"] == {"b": "2"}
    assert "StorageDescriptor" not in partition  # replaced, not merged


def test_update_with_new_values_moves_the_partition(glue):
    _create(glue, ("2024", "eu"))
    glue.update_partition(
        DatabaseName="sales", TableName="events", PartitionValueList=["2024", "eu"], PartitionInput=_input("2025", "eu")
    )
    assert _values(glue) == [["2025", "eu"]]
    moved = glue.get_partition(DatabaseName="sales", TableName="events", PartitionValues=["2025", "eu"])["Partition"]
    assert moved["Values"] == ["2025", "eu"]


def test_update_without_values_keeps_them(glue):
    _create(glue, ("2024", "eu"))
    glue.update_partition(
        DatabaseName="sales", TableName="events", PartitionValueList=["2024", "eu"], PartitionInput={"Parameters": {}}
    )
    assert _values(glue) == [["2024", "eu"]]


def test_update_errors(glue):
    _create(glue, ("2024", "eu"), ("2025", "eu"))
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.update_partition(
            DatabaseName="sales", TableName="events", PartitionValueList=["1", "x"], PartitionInput=_input("1", "x")
        )
    with pytest.raises(glue.exceptions.AlreadyExistsException):
        glue.update_partition(
            DatabaseName="sales",
            TableName="events",
            PartitionValueList=["2024", "eu"],
            PartitionInput=_input("2025", "eu"),
        )
    with pytest.raises(glue.exceptions.InvalidInputException) as info:
        glue.update_partition(
            DatabaseName="sales",
            TableName="events",
            PartitionValueList=["2024", "eu"],
            PartitionInput={"Values": ["1"]},
        )
    assert _error(info) == ("InvalidInputException", COUNT_MISMATCH)
    assert _values(glue) == [["2024", "eu"], ["2025", "eu"]]


def test_delete_partition(glue):
    _create(glue, ("2024", "eu"), ("2024", "us"))
    glue.delete_partition(DatabaseName="sales", TableName="events", PartitionValues=["2024", "eu"])
    assert _values(glue) == [["2024", "us"]]
    with pytest.raises(glue.exceptions.EntityNotFoundException) as info:
        glue.delete_partition(DatabaseName="sales", TableName="events", PartitionValues=["2024", "eu"])
    assert _error(info) == ("EntityNotFoundException", "Cannot find partition.")


def test_partitions_vanish_with_their_table_and_database(glue):
    _create(glue, ("2024", "eu"))
    glue.delete_table(DatabaseName="sales", Name="events")
    glue.create_table(
        DatabaseName="sales",
        TableInput={
            "Name": "events",
            "PartitionKeys": [{"Name": "year", "Type": "int"}, {"Name": "region", "Type": "string"}],
        },
    )
    assert _values(glue) == []
    _create(glue, ("2024", "eu"))
    glue.delete_database(Name="sales")
    glue.create_database(DatabaseInput={"Name": "sales"})
    glue.create_table(
        DatabaseName="sales",
        TableInput={
            "Name": "events",
            "PartitionKeys": [{"Name": "year", "Type": "int"}, {"Name": "region", "Type": "string"}],
        },
    )
    assert _values(glue) == []


# -- GetPartitions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("year > 9", [["10", "us"], ["100", "eu"], ["2024", "eu"]]),  # numeric: '10' > '9'
        ("year BETWEEN 10 AND 100", [["10", "us"], ["100", "eu"]]),
        ("region = 'eu' AND NOT year IN (9, 100)", [["2024", "eu"]]),
        ("region LIKE 'e%' OR year = '10'", [["10", "us"], ["100", "eu"], ["2024", "eu"], ["9", "eu"]]),
        ("(`YEAR`) NOT IN (9, 10)", [["100", "eu"], ["2024", "eu"]]),
        ("", [["10", "us"], ["100", "eu"], ["2024", "eu"], ["9", "eu"]]),  # Spark's Hive client: everything
    ],
)
def test_expression_filters(glue, expression, expected):
    _create(glue, ("9", "eu"), ("10", "us"), ("100", "eu"), ("2024", "eu"))
    assert _values(glue, Expression=expression) == expected


def test_bad_expressions_are_invalid_input(glue):
    with pytest.raises(glue.exceptions.InvalidInputException) as info:
        glue.get_partitions(DatabaseName="sales", TableName="events", Expression="month = '01'")
    assert _error(info) == (
        "InvalidInputException",
        "Invalid partition expression! Unknown column 'month' (the partition keys are: year, region)",
    )
    with pytest.raises(glue.exceptions.InvalidInputException) as info:
        glue.get_partitions(DatabaseName="sales", TableName="events", Expression="year >")
    assert _error(info)[1] == (
        "Invalid partition expression! Syntax error at position 7: expected a partition key or a value, "
        "found the end of the expression"
    )


def test_stored_value_unreadable_as_the_key_type_is_an_invalid_state(glue):
    _create(glue, ("__HIVE_DEFAULT_PARTITION__", "eu"))
    with pytest.raises(botocore.exceptions.ClientError) as info:
        glue.get_partitions(DatabaseName="sales", TableName="events", Expression="year > 1")
    assert _error(info) == (
        "InvalidStateException",
        "Partition value '__HIVE_DEFAULT_PARTITION__' of key 'year' is not an integer",
    )
    assert _values(glue, Expression="region = 'eu'") == [["__HIVE_DEFAULT_PARTITION__", "eu"]]


def _pages(glue, **kwargs) -> list[list[list[str]]]:
    pages, token = [], None
    while True:
        response = glue.get_partitions(
            DatabaseName="sales", TableName="events", **kwargs, **({"NextToken": token} if token else {})
        )
        pages.append([p["Values"] for p in response["Partitions"]])
        token = response.get("NextToken")
        if not token:
            return pages


def test_pagination_covers_every_partition_once(glue):
    pairs = [(str(2000 + i), "eu") for i in range(25)]
    _create(glue, *pairs)
    pages = _pages(glue, MaxResults=10)
    assert [len(page) for page in pages] == [10, 10, 5]
    assert sorted(v for page in pages for v in page) == sorted([list(p) for p in pairs])
    filtered = _pages(glue, MaxResults=4, Expression="year >= 2020")
    assert [len(page) for page in filtered] == [4, 1]


def test_boto3_paginator(glue):
    _create(glue, *[(str(i), "x") for i in range(7)])
    paginator = glue.get_paginator("get_partitions")
    pages = list(paginator.paginate(DatabaseName="sales", TableName="events", PaginationConfig={"PageSize": 3}))
    assert [len(p["Partitions"]) for p in pages] == [3, 3, 1]


def test_segments_are_disjoint_and_cover_the_table(glue):
    pairs = [(str(2000 + i), region) for i in range(20) for region in ("eu", "us")]
    _create(glue, *pairs)
    segments = [_values(glue, Segment={"SegmentNumber": n, "TotalSegments": 4}) for n in range(4)]
    union = [v for segment in segments for v in segment]
    assert sorted(union) == sorted([list(p) for p in pairs])  # all covered, none twice
    assert all(segments)  # 40 partitions hash into every one of 4 segments
    only_eu = [
        _values(glue, Segment={"SegmentNumber": n, "TotalSegments": 4}, Expression="region = 'eu'") for n in range(4)
    ]
    assert only_eu == [[v for v in segment if v[1] == "eu"] for segment in segments]
    assert _values(glue, Segment={"SegmentNumber": 0, "TotalSegments": 1}) == sorted([list(p) for p in pairs])


def test_segment_number_must_be_below_total(glue):
    with pytest.raises(glue.exceptions.InvalidInputException) as info:
        glue.get_partitions(DatabaseName="sales", TableName="events", Segment={"SegmentNumber": 3, "TotalSegments": 3})
    assert _error(info) == (
        "InvalidInputException",
        "SegmentNumber 3 is out of range: it must be less than TotalSegments (3)",
    )


def test_exclude_column_schema_drops_only_the_columns(glue):
    _create(glue, ("2024", "eu"))
    partition = glue.get_partitions(DatabaseName="sales", TableName="events", ExcludeColumnSchema=True)["Partitions"][0]
    expected = _descriptor("s3://bucket/events/year=2024/region=eu/")
    del expected["Columns"]
    assert partition["StorageDescriptor"] == expected
    full = glue.get_partitions(DatabaseName="sales", TableName="events")["Partitions"][0]
    assert full["StorageDescriptor"]["Columns"] == COLUMNS


def test_no_partitions_is_an_empty_list_without_token(glue):
    response = glue.get_partitions(DatabaseName="sales", TableName="events")
    assert response["Partitions"] == []
    assert "NextToken" not in response


def test_partition_indexes_refuse_values_their_keys_cannot_hold(glue):
    glue.create_partition_index(
        DatabaseName="sales", TableName="events", PartitionIndex={"Keys": ["year"], "IndexName": "by_year"}
    )
    response = glue.batch_create_partition(
        DatabaseName="sales", TableName="events", PartitionInputList=[_input("2024", "eu"), _input("later", "eu")]
    )
    assert [(e["PartitionValues"], e["ErrorDetail"]["ErrorCode"]) for e in response["Errors"]] == [
        (["later", "eu"], "InvalidInputException")
    ]
    assert _values(glue) == [["2024", "eu"]]
