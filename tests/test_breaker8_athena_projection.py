"""Athena's partition projection and OpenCSVSerde's quoting, on tables written as the Athena user guide shows
("Use partition projection with Amazon Athena", https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html;
"Lazy Simple SerDe / Open CSV SerDe", https://docs.aws.amazon.com/athena/latest/ug/csv-serde.html).

Found by breaking: a projected table (no partitions in the catalog, as projection needs none) read no rows at all,
and OpenCSVSerde kept both quotes of a doubled quote inside a quoted field, which opencsv reads as one quote.
"""

from __future__ import annotations

from typing import Any

import pytest
from athena_lake import rows, run

from emulator.athena.projection import _dates, _injected

CSV = "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'"


@pytest.fixture
def athena(glue_emulator: Any) -> Any:
    s3 = glue_emulator.s3
    for bucket in ("lake", "results"):
        s3.create_bucket(Bucket=bucket)
    for day in ("2024/01/01", "2024/01/02"):
        s3.put_object(Bucket="lake", Key=f"logs/{day}/a.csv", Body=b'1,"say ""hi"""\n2,"a,b"\n')
    for region, shard in (("eu", "01"), ("us", "02")):
        s3.put_object(Bucket="lake", Key=f"events/region={region}/shard={shard}/a.csv",
                      Body=f"{region}-{shard}\n".encode())
    client = glue_emulator.client("athena")
    assert run(client, "CREATE DATABASE web", database="default")["Status"]["State"] == "SUCCEEDED"
    return client


def _ok(athena: Any, sql: str) -> dict[str, Any]:
    execution = run(athena, sql, database="web")
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    return execution


def test_a_date_projection_with_a_location_template(athena: Any) -> None:
    _ok(athena, f"""CREATE EXTERNAL TABLE logs (id int, msg string) PARTITIONED BY (dt string) {CSV}
        LOCATION 's3://lake/logs/' TBLPROPERTIES ('projection.enabled' = 'true', 'projection.dt.type' = 'date',
        'projection.dt.range' = '2023/12/30,NOW', 'projection.dt.format' = 'yyyy/MM/dd',
        'storage.location.template' = 's3://lake/logs/${{dt}}/')""")
    every = _ok(athena, "SELECT dt, id, msg FROM logs ORDER BY dt, id")
    assert rows(athena, every["QueryExecutionId"])[1:] == [
        ["2024/01/01", "1", 'say "hi"'], ["2024/01/01", "2", "a,b"],
        ["2024/01/02", "1", 'say "hi"'], ["2024/01/02", "2", "a,b"]]
    one = _ok(athena, "SELECT id FROM logs WHERE dt = '2024/01/02' ORDER BY id")
    assert rows(athena, one["QueryExecutionId"])[1:] == [["1"], ["2"]]
    assert one["Statistics"]["DataScannedInBytes"] * 2 == every["Statistics"]["DataScannedInBytes"]


def test_enum_and_integer_projections_read_hive_style_folders(athena: Any) -> None:
    _ok(athena, f"""CREATE EXTERNAL TABLE events (v string) PARTITIONED BY (region string, shard int) {CSV}
        LOCATION 's3://lake/events/' TBLPROPERTIES ('projection.enabled' = 'true',
        'projection.region.type' = 'enum', 'projection.region.values' = 'eu,us,ap',
        'projection.shard.type' = 'integer', 'projection.shard.range' = '1,3', 'projection.shard.digits' = '2')""")
    result = _ok(athena, "SELECT region, shard, v FROM events ORDER BY region")
    assert rows(athena, result["QueryExecutionId"])[1:] == [["eu", "1", "eu-01"], ["us", "2", "us-02"]]


def test_an_injected_projection_needs_an_equality(athena: Any) -> None:
    _ok(athena, f"""CREATE EXTERNAL TABLE by_region (v string) PARTITIONED BY (region string, shard string) {CSV}
        LOCATION 's3://lake/events/' TBLPROPERTIES ('projection.enabled' = 'true',
        'projection.region.type' = 'injected', 'projection.shard.type' = 'enum', 'projection.shard.values' = '01,02')""")
    result = _ok(athena, "SELECT v FROM by_region WHERE region = 'us'")
    assert rows(athena, result["QueryExecutionId"])[1:] == [["us-02"]]
    status = run(athena, "SELECT v FROM by_region", database="web")["Status"]
    assert status["State"] == "FAILED" and status["StateChangeReason"].startswith("CONSTRAINT_VIOLATION: ")


def test_projection_values() -> None:
    assert _dates("2024-01-30,2024-02-02", "yyyy-MM-dd", 1, None) == [
        "2024-01-30", "2024-01-31", "2024-02-01", "2024-02-02"]
    assert _dates("2024-01-01-22,2024-01-02-01", "yyyy-MM-dd-HH", 1, None) == [
        "2024-01-01-22", "2024-01-01-23", "2024-01-02-00", "2024-01-02-01"]
    assert _dates("2023/11,2024/02", "yyyy/MM", 2, "MONTHS") == ["2023/11", "2024/01"]
    assert _injected("region", ["shard = '1'", "region IN ('eu', 'us')"]) == ["eu", "us"]
