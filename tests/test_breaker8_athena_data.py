"""Athena over data nobody on the team wrote: AWS's documented JSON table recipe with `ignore.malformed.json`,
and files a table's format cannot read.

Found by breaking: one malformed line in a JSON table's files FAILED every query with "Internal error"
(ErrorCategory 1, SYSTEM) whatever the table said. The openx JSON SerDe's `ignore.malformed.json` = 'true'
(https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html) reads such a line as a row of NULLs;
without it Athena FAILS the query as the user's error (HIVE_CURSOR_ERROR: Row is not a valid JSON Object).
"""

from __future__ import annotations

from typing import Any

import pytest
from athena_lake import OUT, rows, run, wait

LINES = (b'{"id": 1, "name": "a", "tags": ["x", "y"], "addr": {"city": "Paris", "zip": "75"}, '
         b'"ts": "2024-01-01 10:00:00"}\n'
         b'{"id": 2, "name": "b", "tags": [], "addr": {"city": "Rome"}, "ts": "not a time"}\n'
         b'{broken\n')


@pytest.fixture
def athena(glue_emulator: Any) -> Any:
    s3 = glue_emulator.s3
    for bucket in ("lake", "results"):
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket="lake", Key="people/part-0.json", Body=LINES)
    s3.put_object(Bucket="lake", Key="broken/part-0.parquet", Body=b"id,name\n1,a\n")
    client = glue_emulator.client("athena")
    assert run(client, "CREATE DATABASE b8", database="default")["Status"]["State"] == "SUCCEEDED"
    return client


def _create(athena: Any, name: str, properties: str) -> None:
    sql = (f"CREATE EXTERNAL TABLE b8.{name} (id int, name string, tags array<string>, "
           "addr struct<city:string,zip:string>, ts timestamp) "
           f"ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' {properties} LOCATION 's3://lake/people/'")
    assert run(athena, sql, database="b8")["Status"]["State"] == "SUCCEEDED"


def test_ignore_malformed_json_reads_a_bad_line_as_nulls(athena: Any) -> None:
    _create(athena, "people", "WITH SERDEPROPERTIES ('ignore.malformed.json' = 'true')")
    execution = run(athena, "SELECT id, name, tags, addr.city, ts FROM people ORDER BY id NULLS LAST", database="b8")
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    assert rows(athena, execution["QueryExecutionId"]) == [
        ["id", "name", "tags", "city", "ts"], ["1", "a", "[x, y]", "Paris", "2024-01-01 10:00:00.000"],
        ["2", "b", "[]", "Rome", None], [None, None, None, None, None]]
    unnested = run(athena, "SELECT id, t FROM people CROSS JOIN UNNEST(tags) AS x(t) ORDER BY t", database="b8")
    assert rows(athena, unnested["QueryExecutionId"]) == [["id", "t"], ["1", "x"], ["1", "y"]]


def test_without_the_property_a_malformed_line_fails_the_query_as_a_user_error(athena: Any) -> None:
    _create(athena, "strict_people", "")
    status = run(athena, "SELECT * FROM strict_people", database="b8")["Status"]
    assert status["State"] == "FAILED"
    assert status["StateChangeReason"].startswith("HIVE_CURSOR_ERROR: Row is not a valid JSON Object")
    assert (status["AthenaError"]["ErrorCategory"], status["AthenaError"]["ErrorType"]) == (2, 1000)


def test_a_file_that_is_not_parquet_fails_as_bad_data(athena: Any) -> None:
    sql = ("CREATE EXTERNAL TABLE b8.broken (id int, name string) STORED AS PARQUET "
           "LOCATION 's3://lake/broken/'")
    assert run(athena, sql, database="b8")["Status"]["State"] == "SUCCEEDED"
    query_id = athena.start_query_execution(QueryString="SELECT * FROM broken", QueryExecutionContext={
        "Database": "b8"}, ResultConfiguration={"OutputLocation": OUT})["QueryExecutionId"]
    status = wait(athena, query_id)["Status"]
    assert status["State"] == "FAILED" and status["StateChangeReason"].startswith("HIVE_BAD_DATA: ")
    assert status["AthenaError"]["ErrorCategory"] == 2
