"""SHOW and DESCRIBE answer from the Glue catalog as Athena answers them: text lines, no header row."""

from __future__ import annotations

from typing import Any

import pytest
from athena_lake import make_lake, rows, run


@pytest.fixture
def lake(glue_emulator: Any) -> Any:
    return make_lake(glue_emulator)


@pytest.mark.parametrize(("sql", "column", "expected"), [
    ("SHOW TABLES", "tab_name", [["lines"], ["orders"]]),
    ("SHOW TABLES IN sales 'ord*'", "tab_name", [["orders"]]),
    ("SHOW DATABASES", "database_name", [["sales"]]),
    ("SHOW PARTITIONS lines", "partition", [["dt=2024-01-01"], ["dt=2024-01-02"]]),
    ("SHOW COLUMNS IN sales.lines", "field", [["id"], ["qty"], ["dt"]]),
])
def test_show_lists_the_catalog(lake: Any, sql: str, column: str, expected: list[list[str]]) -> None:
    athena = lake.client("athena")
    execution = run(athena, sql)
    assert (execution["Status"]["State"], execution["StatementType"]) == ("SUCCEEDED", "UTILITY"), execution["Status"]
    assert execution["ResultConfiguration"]["OutputLocation"].endswith(".txt")
    result = athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])
    assert [c["Name"] for c in result["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]] == [column]
    assert rows(athena, execution["QueryExecutionId"]) == expected


def test_describe_shows_columns_then_partition_keys(lake: Any) -> None:
    athena = lake.client("athena")
    execution = run(athena, "DESCRIBE lines")
    lines = [r[0] for r in rows(athena, execution["QueryExecutionId"])]
    assert [line.split("\t")[0].strip() for line in lines if line and not line.startswith("#")] == \
        ["id", "qty", "dt", "dt"]
    assert "# Partition Information" in lines
    missing = run(athena, "DESCRIBE nowhere")
    assert missing["Status"]["State"] == "FAILED"
