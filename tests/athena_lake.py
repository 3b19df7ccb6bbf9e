"""Helpers of the Athena tests: a small lake in the catalog, running a query to its end, reading its rows."""

from __future__ import annotations

import io
import time
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

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


def make_lake(glue_emulator: Any) -> Any:
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
