"""Athena queries over the Glue catalog and local S3, driven by boto3 against a live server."""

from __future__ import annotations

import io
import time
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from botocore.exceptions import ClientError

OUT = "s3://results/athena/"


def wait(athena: Any, query_id: str, timeout: float = 60) -> dict[str, Any]:
    """Poll GetQueryExecution until a final state, as clients do."""
    deadline = time.monotonic() + timeout
    while True:
        execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        if execution["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED") or time.monotonic() > deadline:
            return execution
        time.sleep(0.05)


def run(athena: Any, sql: str, database: str = "sales", **extra: Any) -> dict[str, Any]:
    query_id = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": database},
                                            ResultConfiguration={"OutputLocation": OUT}, **extra)["QueryExecutionId"]
    return wait(athena, query_id)


def rows(athena: Any, query_id: str) -> list[list[str | None]]:
    pages = athena.get_paginator("get_query_results").paginate(QueryExecutionId=query_id)
    return [[d.get("VarCharValue") for d in r["Data"]] for p in pages for r in p["ResultSet"]["Rows"]]


@pytest.fixture
def lake(glue_emulator: Any) -> Any:
    """Buckets `lake` and `results`; database `sales` with a CSV table (header line, a NULL) and a partitioned
    Parquet table (two partitions in the catalog)."""
    s3, glue = glue_emulator.s3, glue_emulator.glue
    for bucket in ("lake", "results"):
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket="lake", Key="orders/part-0.csv", Body=b"id,customer,amount\n1,ann,10.5\n2,bob,\\N\n3,ann,4\n")
    for day, ids in (("2024-01-01", [1, 2]), ("2024-01-02", [3])):
        buffer = io.BytesIO()
        pq.write_table(pa.table({"id": pa.array(ids, pa.int64()), "qty": pa.array([i * 10 for i in ids], pa.int32())}),
                       buffer)
        s3.put_object(Bucket="lake", Key=f"lines/dt={day}/part-0.parquet", Body=buffer.getvalue())
    glue.create_database(DatabaseInput={"Name": "sales"})
    glue.create_table(DatabaseName="sales", TableInput={
        "Name": "orders", "TableType": "EXTERNAL_TABLE", "Parameters": {"skip.header.line.count": "1"},
        "StorageDescriptor": {
            "Columns": [{"Name": "id", "Type": "int"}, {"Name": "customer", "Type": "string"},
                        {"Name": "amount", "Type": "double"}],
            "Location": "s3://lake/orders/",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                          "Parameters": {"field.delim": ","}}}})
    parquet_sd = {"Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "qty", "Type": "int"}],
                  "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}
    glue.create_table(DatabaseName="sales", TableInput={
        "Name": "lines", "PartitionKeys": [{"Name": "dt", "Type": "string"}],
        "StorageDescriptor": {**parquet_sd, "Location": "s3://lake/lines/"}})
    glue.batch_create_partition(DatabaseName="sales", TableName="lines", PartitionInputList=[
        {"Values": [day], "StorageDescriptor": {**parquet_sd, "Location": f"s3://lake/lines/dt={day}/"}}
        for day in ("2024-01-01", "2024-01-02")])
    return glue_emulator


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
