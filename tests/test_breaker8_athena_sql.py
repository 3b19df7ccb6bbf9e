"""Athena SQL from AWS's own examples, with the results Athena (Trino) gives.

Found by breaking: `SELECT count(*) ...` answered a column named "count_star()" where Athena names every
unnamed result column `_col<position>` (the Athena user guide's examples show `_col0`, `_col1`), and integer
division followed DuckDB (7 / 2 = 3.5, a double) where Trino divides integers as integers (3)
(https://trino.io/docs/current/functions/math.html: "Division of integers truncates").
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from athena_lake import make_lake, rows, run
from clients.readme import client_env
from clients.readme import run as client_run


@pytest.fixture
def athena(glue_emulator: Any) -> Any:
    make_lake(glue_emulator)
    return glue_emulator.client("athena")


def _result(athena: Any, sql: str) -> tuple[list[tuple[str, str]], list[list[str | None]]]:
    execution = run(athena, sql)
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    query_id = execution["QueryExecutionId"]
    info = athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
    return [(c["Name"], c["Type"]) for c in info], rows(athena, query_id)


def test_unnamed_columns_are_named_by_position(athena: Any) -> None:
    columns, result = _result(athena, "SELECT customer, count(*), sum(amount) AS total, max(id) + 1 "
                                      "FROM orders GROUP BY customer ORDER BY customer")
    assert columns == [("customer", "varchar"), ("_col1", "bigint"), ("total", "double"), ("_col3", "integer")]
    assert result == [["customer", "_col1", "total", "_col3"], ["ann", "2", "14.5", "4"], ["bob", "1", None, "3"]]
    columns, _ = _result(athena, "SELECT 1 UNION ALL SELECT 2")
    assert columns == [("_col0", "integer")]
    columns, result = _result(athena, "VALUES (1, 'a'), (2, 'b')")  # DuckDB would name them col0, col1
    assert columns == [("_col0", "integer"), ("_col1", "varchar")]
    assert result == [["_col0", "_col1"], ["1", "a"], ["2", "b"]]
    columns, result = _result(athena, "VALUES 1, 2")
    assert columns == [("_col0", "integer")] and result == [["_col0"], ["1"], ["2"]]


def test_integer_division_truncates_as_in_trino(athena: Any) -> None:
    columns, result = _result(athena, "SELECT 7 / 2, -7 / 2, CAST(7 AS double) / 2, count(*) / 2 AS half, "
                                      "7.0 / 2 FROM orders")
    assert [t for _, t in columns][:4] == ["integer", "integer", "double", "bigint"]
    assert result[1] == ["3", "-3", "3.5", "1", "3.5"]


def test_ctas_refuses_unnamed_and_repeated_columns_as_athena_does(athena: Any) -> None:
    """aws-sdk-pandas issues #239 and #3118 quote Athena's refusal, which awswrangler's CTAS approach turns
    into "Please, define all columns names in your query"."""
    unnamed = run(athena, "CREATE TABLE counted AS SELECT customer, count(*) FROM orders GROUP BY customer")
    assert unnamed["Status"]["State"] == "FAILED"
    assert "Column name not specified at position 2" in unnamed["Status"]["StateChangeReason"]
    repeated = run(athena, "CREATE TABLE twice AS SELECT id, customer AS ID FROM orders")
    assert repeated["Status"]["State"] == "FAILED"
    assert "Column name 'id' specified more than once" in repeated["Status"]["StateChangeReason"]
    named = run(athena, "CREATE TABLE counted AS SELECT customer, count(*) AS n FROM orders GROUP BY customer")
    assert named["Status"]["State"] == "SUCCEEDED", named["Status"]


SCRIPT = """
import awswrangler as wr
from awswrangler import exceptions

wr.config.s3_endpoint_url = wr.config.glue_endpoint_url = wr.config.athena_endpoint_url = {endpoint!r}
wr.config.sts_endpoint_url = {endpoint!r}
plain = wr.athena.read_sql_query("SELECT count(*) FROM orders", database="sales", ctas_approach=False,
                                 s3_output="s3://results/wrangler/")
print(plain.to_dict("list"))
try:
    wr.athena.read_sql_query("SELECT count(*) FROM orders", database="sales", ctas_approach=True,
                             s3_output="s3://results/wrangler/")
except exceptions.InvalidArgumentValue as error:
    print("refused:", error)
"""


def test_awswrangler_reads_an_unnamed_count_as_athena_names_it(athena: Any, glue_emulator: Any,
                                                                tmp_path: Path) -> None:
    pytest.importorskip("awswrangler", reason="pip install '.[test]' installs awswrangler")
    out = client_run([sys.executable, "-c", SCRIPT.format(endpoint=glue_emulator.endpoint)], tmp_path,
                     client_env(tmp_path))
    lines = out.splitlines()
    assert lines[0] == "{'_col0': [3]}"
    assert lines[1].startswith("refused: Please, define all columns names in your query")


def test_a_missing_column_fails_with_trinos_message(athena: Any) -> None:
    """Trino's COLUMN_NOT_FOUND, at the column's line and column (was DuckDB's 'Binder Error: Referenced column
    "nosuch" not found in FROM clause!')."""
    for sql, message in (
            ("SELECT nosuch FROM orders", "COLUMN_NOT_FOUND: line 1:8: Column 'nosuch' cannot be resolved"),
            ("SELECT id,\n  o.Missing FROM orders o", "COLUMN_NOT_FOUND: line 2:3: Column 'o.missing' cannot be resolved"),
            ("SELECT id FROM orders WHERE total > 1", "COLUMN_NOT_FOUND: line 1:29: Column 'total' cannot be resolved")):
        status = run(athena, sql)["Status"]
        assert (status["State"], status["StateChangeReason"]) == ("FAILED", message)
        assert status["AthenaError"]["ErrorCategory"] == 2
