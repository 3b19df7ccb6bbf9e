"""Athena SQL from AWS's own examples, with the results Athena (Trino) gives.

Found by breaking: `SELECT count(*) ...` answered a column named "count_star()" where Athena names every
unnamed result column `_col<position>` (the Athena user guide's examples show `_col0`, `_col1`), and integer
division followed DuckDB (7 / 2 = 3.5, a double) where Trino divides integers as integers (3)
(https://trino.io/docs/current/functions/math.html: "Division of integers truncates").
"""

from __future__ import annotations

from typing import Any

import pytest
from athena_lake import make_lake, rows, run


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


def test_integer_division_truncates_as_in_trino(athena: Any) -> None:
    columns, result = _result(athena, "SELECT 7 / 2, -7 / 2, CAST(7 AS double) / 2, count(*) / 2 AS half, "
                                      "7.0 / 2 FROM orders")
    assert [t for _, t in columns][:4] == ["integer", "integer", "double", "bigint"]
    assert result[1] == ["3", "-3", "3.5", "1", "3.5"]
