"""Athena queries over the Glue catalog and local S3, driven by boto3 against a live server."""

from __future__ import annotations

from typing import Any

import pytest
from athena_lake import OUT, make_lake, rows, run, wait
from botocore.exceptions import ClientError


@pytest.fixture
def lake(glue_emulator: Any) -> Any:
    return make_lake(glue_emulator)


def test_select_returns_typed_rows_with_the_header_first(lake: Any) -> None:
    athena = lake.client("athena")
    execution = run(athena, "SELECT customer, sum(amount) AS total, count(*) AS n FROM orders "
                            "GROUP BY customer ORDER BY customer")
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    assert execution["StatementType"] == "DML"
    assert execution["ResultConfiguration"]["OutputLocation"] == f"{OUT}{execution['QueryExecutionId']}.csv"
    assert execution["Statistics"]["DataScannedInBytes"] > 0
    result = athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])
    info = result["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
    assert [(c["Name"], c["Type"]) for c in info] == [("customer", "varchar"), ("total", "double"),
                                                      ("n", "bigint")]
    assert rows(athena, execution["QueryExecutionId"]) == [["customer", "total", "n"], ["ann", "14.5", "2"],
                                                           ["bob", None, "1"]]


def test_result_files_are_written_as_athena_writes_them(lake: Any) -> None:
    athena = lake.client("athena")
    execution = run(athena, "SELECT id, customer, amount FROM sales.orders ORDER BY id")
    query_id = execution["QueryExecutionId"]
    body = lake.s3.get_object(Bucket="results", Key=f"athena/{query_id}.csv")["Body"].read().decode()
    assert body == '"id","customer","amount"\n"1","ann","10.5"\n"2","bob",\n"3","ann","4.0"\n'
    lake.s3.head_object(Bucket="results", Key=f"athena/{query_id}.csv.metadata")


def test_partitions_are_read_from_the_catalog_and_pruned(lake: Any) -> None:
    athena = lake.client("athena")
    everything = run(athena, "SELECT dt, sum(qty) AS q FROM lines GROUP BY dt ORDER BY dt")
    assert rows(athena, everything["QueryExecutionId"])[1:] == [["2024-01-01", "30"], ["2024-01-02", "30"]]
    pruned = run(athena, "SELECT id FROM awsdatacatalog.sales.lines WHERE dt = '2024-01-02'")
    assert rows(athena, pruned["QueryExecutionId"])[1:] == [["3"]]
    assert 0 < pruned["Statistics"]["DataScannedInBytes"] < everything["Statistics"]["DataScannedInBytes"]


def test_paging_gives_the_header_once_and_every_row(lake: Any) -> None:
    athena = lake.client("athena")
    execution = run(athena, "SELECT x FROM UNNEST(sequence(1, 25)) AS t(x) ORDER BY x")
    pages = list(athena.get_paginator("get_query_results").paginate(
        QueryExecutionId=execution["QueryExecutionId"], PaginationConfig={"PageSize": 10}))
    assert [len(p["ResultSet"]["Rows"]) for p in pages] == [10, 10, 6]
    values = [r["Data"][0]["VarCharValue"] for p in pages for r in p["ResultSet"]["Rows"]]
    assert values == ["x"] + [str(i) for i in range(1, 26)]


def test_a_syntax_error_fails_the_query_with_athenas_shape(lake: Any) -> None:
    athena = lake.client("athena")
    execution = run(athena, "SELEC 1")
    status = execution["Status"]
    assert status["State"] == "FAILED"
    assert status["StateChangeReason"].startswith("SYNTAX_ERROR: line 1:")
    assert status["AthenaError"]["ErrorCategory"] == 2
    assert status["AthenaError"]["Retryable"] is False
    with pytest.raises(ClientError) as caught:
        athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"


def test_a_missing_table_fails_the_query(lake: Any) -> None:
    execution = run(lake.client("athena"), "SELECT * FROM nowhere")
    assert execution["Status"]["State"] == "FAILED"
    assert execution["Status"]["StateChangeReason"] == \
        "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.sales.nowhere' does not exist"


def test_no_output_location_is_refused(lake: Any) -> None:
    with pytest.raises(ClientError) as caught:
        lake.client("athena").start_query_execution(QueryString="SELECT 1")
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"
    assert "No output location provided" in caught.value.response["Error"]["Message"]


def test_a_missing_output_bucket_fails_the_query(lake: Any) -> None:
    execution = lake.client("athena").start_query_execution(
        QueryString="SELECT 1", ResultConfiguration={"OutputLocation": "s3://no-such-bucket/x/"})
    status = wait(lake.client("athena"), execution["QueryExecutionId"])["Status"]
    assert (status["State"], status["StateChangeReason"]) == ("FAILED",
                                                              "Unable to verify/create output bucket no-such-bucket")
    assert "no-such-bucket" not in [b["Name"] for b in lake.s3.list_buckets()["Buckets"]]


def test_another_catalog_fails_the_query(lake: Any) -> None:
    athena = lake.client("athena")
    started = athena.start_query_execution(QueryString="SELECT 1", QueryExecutionContext={"Catalog": "elsewhere"},
                                           ResultConfiguration={"OutputLocation": OUT})
    execution = wait(athena, started["QueryExecutionId"])
    assert (execution["Status"]["State"], execution["Status"]["StateChangeReason"]) == \
        ("FAILED", "CATALOG_NOT_FOUND: Catalog 'elsewhere' does not exist")
