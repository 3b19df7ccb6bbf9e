"""Athena DDL and writes change the Glue catalog and S3 as Athena does (boto3 against a live server)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from athena_lake import make_lake, rows, run


@pytest.fixture
def lake(glue_emulator: Any) -> Any:
    return make_lake(glue_emulator)


def test_create_external_table_registers_a_csv_table_athena_reads(lake: Any) -> None:
    athena, glue = lake.client("athena"), lake.glue
    lake.s3.put_object(Bucket="lake", Key="people/a.tsv", Body=b"name|age\nann|31\nbob|x\n")
    execution = run(athena, """
        CREATE EXTERNAL TABLE IF NOT EXISTS people (name string COMMENT 'who', age int)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY '|'
        STORED AS TEXTFILE LOCATION 's3://lake/people/' TBLPROPERTIES ('skip.header.line.count'='1')""")
    assert (execution["Status"]["State"], execution["StatementType"]) == ("SUCCEEDED", "DDL"), execution["Status"]
    table = glue.get_table(DatabaseName="sales", Name="people")["Table"]
    assert table["StorageDescriptor"]["Columns"] == [{"Name": "name", "Type": "string", "Comment": "who"},
                                                     {"Name": "age", "Type": "int"}]
    assert table["StorageDescriptor"]["SerdeInfo"]["Parameters"]["field.delim"] == "|"
    assert table["Parameters"]["skip.header.line.count"] == "1"
    selected = run(athena, "SELECT name, age FROM people ORDER BY name")
    assert rows(athena, selected["QueryExecutionId"])[1:] == [["ann", "31"], ["bob", None]]  # 'x' is no int


def test_msck_repair_and_add_partition_fill_the_catalog(lake: Any) -> None:
    athena, glue = lake.client("athena"), lake.glue
    for day in ("2024-02-01", "2024-02-02"):
        lake.s3.put_object(Bucket="lake", Key=f"events/day={day}/e.json", Body=b'{"kind":"a","n":1}\n{"kind":"b","n":2}\n')
    assert run(athena, "CREATE EXTERNAL TABLE events (kind string, n bigint) PARTITIONED BY (day string) "
                       "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
                       "LOCATION 's3://lake/events/'")["Status"]["State"] == "SUCCEEDED"
    assert run(athena, "MSCK REPAIR TABLE events")["Status"]["State"] == "SUCCEEDED"
    values = [p["Values"] for p in glue.get_partitions(DatabaseName="sales", TableName="events")["Partitions"]]
    assert sorted(values) == [["2024-02-01"], ["2024-02-02"]]
    lake.s3.put_object(Bucket="lake", Key="elsewhere/x.json", Body=b'{"kind":"c","n":5}\n')
    assert run(athena, "ALTER TABLE events ADD IF NOT EXISTS PARTITION (day='2024-02-03') "
                       "LOCATION 's3://lake/elsewhere/'")["Status"]["State"] == "SUCCEEDED"
    totals = run(athena, "SELECT day, sum(n) FROM events GROUP BY day ORDER BY day")
    assert rows(athena, totals["QueryExecutionId"])[1:] == [["2024-02-01", "3"], ["2024-02-02", "3"],
                                                            ["2024-02-03", "5"]]


def test_ctas_writes_parquet_a_manifest_and_a_partitioned_catalog_table(lake: Any) -> None:
    athena, glue = lake.client("athena"), lake.glue
    execution = run(athena, "CREATE TABLE by_day WITH (format = 'PARQUET', external_location = 's3://lake/by_day/', "
                            "partitioned_by = ARRAY['dt']) AS SELECT id, qty * 2 AS double_qty, dt FROM lines")
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    assert (execution["StatementType"], execution["SubstatementType"]) == ("DDL", "CREATE_TABLE_AS_SELECT")
    manifest = execution["Statistics"]["DataManifestLocation"]
    listed = lake.s3.get_object(Bucket="results", Key=manifest.removeprefix("s3://results/"))["Body"].read().decode()
    files = listed.split()
    assert len(files) == 2 and all(f.startswith("s3://lake/by_day/dt=2024-01-0") for f in files)
    result = athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])
    assert result["UpdateCount"] == 3
    table = glue.get_table(DatabaseName="sales", Name="by_day")["Table"]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["dt"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["id", "double_qty"]
    assert len(glue.get_partitions(DatabaseName="sales", TableName="by_day")["Partitions"]) == 2
    again = run(athena, "SELECT sum(double_qty) FROM by_day WHERE dt = '2024-01-01'")
    assert rows(athena, again["QueryExecutionId"])[1:] == [["60"]]
    clash = run(athena, "CREATE TABLE by_day2 WITH (external_location = 's3://lake/by_day/') AS SELECT 1 AS a")
    assert clash["Status"]["StateChangeReason"].startswith("HIVE_PATH_ALREADY_EXISTS")


def test_insert_into_appends_and_creates_partitions(lake: Any) -> None:
    athena, glue = lake.client("athena"), lake.glue
    execution = run(athena, "INSERT INTO lines VALUES (7, 70, '2024-01-03'), (8, 80, '2024-01-01')")
    assert (execution["Status"]["State"], execution["SubstatementType"]) == ("SUCCEEDED", "INSERT"), \
        execution["Status"]
    assert athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])["UpdateCount"] == 2
    values = sorted(p["Values"][0] for p in glue.get_partitions(DatabaseName="sales", TableName="lines")["Partitions"])
    assert values == ["2024-01-01", "2024-01-02", "2024-01-03"]
    counted = run(athena, "SELECT dt, count(*) FROM lines GROUP BY dt ORDER BY dt")
    assert rows(athena, counted["QueryExecutionId"])[1:] == [["2024-01-01", "3"], ["2024-01-02", "1"],
                                                             ["2024-01-03", "1"]]


def test_views_are_stored_as_athena_stores_them_and_queried(lake: Any) -> None:
    athena, glue = lake.client("athena"), lake.glue
    assert run(athena, "CREATE VIEW big_orders AS SELECT id, amount FROM orders WHERE amount > 5")["Status"][
        "State"] == "SUCCEEDED"
    view = glue.get_table(DatabaseName="sales", Name="big_orders")["Table"]
    assert view["TableType"] == "VIRTUAL_VIEW"
    encoded = view["ViewOriginalText"].removeprefix("/* Presto View: ").removesuffix(" */")
    assert [c["name"] for c in json.loads(base64.b64decode(encoded))["columns"]] == ["id", "amount"]
    selected = run(athena, "SELECT * FROM big_orders")
    assert rows(athena, selected["QueryExecutionId"])[1:] == [["1", "10.5"]]
    assert run(athena, "DROP VIEW big_orders")["Status"]["State"] == "SUCCEEDED"
    assert glue.get_tables(DatabaseName="sales", Expression="big_orders")["TableList"] == []


@pytest.mark.parametrize(("sql", "reason"), [
    ("DROP TABLE nowhere", "Table not found"),
    ("DROP DATABASE sales", "is not empty"),
    ("CREATE TABLE plain (a int) LOCATION 's3://lake/plain/'", "Only external table creation is supported."),
])
def test_ddl_errors_fail_the_query(lake: Any, sql: str, reason: str) -> None:
    execution = run(lake.client("athena"), sql)
    assert execution["Status"]["State"] == "FAILED"
    assert reason in execution["Status"]["StateChangeReason"]


def test_create_and_drop_database(lake: Any) -> None:
    athena = lake.client("athena")
    assert run(athena, "CREATE DATABASE IF NOT EXISTS scratch")["Status"]["State"] == "SUCCEEDED"
    assert lake.glue.get_database(Name="scratch")["Database"]["Name"] == "scratch"
    assert run(athena, "DROP DATABASE scratch CASCADE")["Status"]["State"] == "SUCCEEDED"
    assert "scratch" not in [d["Name"] for d in lake.glue.get_databases()["DatabaseList"]]
