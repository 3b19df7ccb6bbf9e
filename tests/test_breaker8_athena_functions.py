"""Trino functions from Athena's function list that DuckDB lacks: Joda-pattern date functions, URL functions
and map_agg (https://docs.aws.amazon.com/athena/latest/ug/functions-env3.html, Trino's docs for each).

Found by breaking: each FAILED "Scalar Function with name ... does not exist", and parse_datetime handed its
Joda pattern to strptime unchanged ("Could not parse string").
"""

from __future__ import annotations

from typing import Any

import pytest
from athena_lake import make_lake, rows, run

from emulator.athena.functions import joda_to_strftime


@pytest.fixture
def athena(glue_emulator: Any) -> Any:
    make_lake(glue_emulator)
    return glue_emulator.client("athena")


def _rows(athena: Any, sql: str) -> list[list[str | None]]:
    execution = run(athena, sql)
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    return rows(athena, execution["QueryExecutionId"])[1:]


def test_joda_patterns() -> None:
    assert joda_to_strftime("yyyy-MM-dd HH:mm:ss.SSS") == "%Y-%m-%d %H:%M:%S.%g"
    assert joda_to_strftime("EEE, d MMM yyyy 'at' h a") == "%a, %-d %b %Y at %-I %p"
    assert joda_to_strftime("yyyyMMdd'T'HH'%'''") == "%Y%m%dT%H%%'"


def test_format_and_parse_datetime(athena: Any) -> None:
    assert _rows(athena, "SELECT format_datetime(TIMESTAMP '2024-05-07 09:04:05.123', 'yyyy-MM-dd HH:mm:ss.SSS'), "
                         "format_datetime(TIMESTAMP '2024-05-07 09:04:05', 'EEE, d MMM yyyy'), "
                         "parse_datetime('2024-01-02 03:04:05', 'yyyy-MM-dd HH:mm:ss'), "
                         "parse_datetime('20240102', 'yyyyMMdd')") == [
        ["2024-05-07 09:04:05.123", "Tue, 7 May 2024", "2024-01-02 03:04:05.000", "2024-01-02 00:00:00.000"]]


def test_url_functions(athena: Any) -> None:
    sql = ("SELECT url_extract_protocol(u), url_extract_host(u), url_extract_port(u), url_extract_path(u), "
           "url_extract_query(u), url_extract_fragment(u), url_extract_parameter(u, 'y'), "
           "url_extract_parameter(u, 'z') FROM (VALUES (1, 'https://user@aws.amazon.com:8443/athena/a.html"
           "?x=1&y=two#top'), (2, 'http://example.com')) AS t(n, u) ORDER BY n")
    assert _rows(athena, sql) == [
        ["https", "aws.amazon.com", "8443", "/athena/a.html", "x=1&y=two", "top", "two", None],
        ["http", "example.com", None, "", None, None, None, None]]


def test_map_agg_over_a_catalog_table(athena: Any) -> None:
    assert _rows(athena, "SELECT map_agg(id, customer) FROM orders") == [["{1=ann, 2=bob, 3=ann}"]]
