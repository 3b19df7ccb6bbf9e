"""awswrangler's Athena functions, unchanged, against the emulator: read_sql_query with and without its CTAS
approach, start_query_execution and wait_query (a client process of its own, as users run it)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from athena_lake import make_lake
from clients.readme import client_env, run

SCRIPT = """
import awswrangler as wr

endpoint = {endpoint!r}
wr.config.s3_endpoint_url = wr.config.glue_endpoint_url = wr.config.athena_endpoint_url = endpoint
wr.config.sts_endpoint_url = endpoint
out = "s3://results/wrangler/"

plain = wr.athena.read_sql_query("SELECT customer, sum(amount) AS total FROM orders GROUP BY customer "
                                 "ORDER BY customer", database="sales", ctas_approach=False, s3_output=out)
print(plain.to_dict("list"), dict(plain.dtypes.astype(str)))
ctas = wr.athena.read_sql_query("SELECT id, qty, dt FROM lines ORDER BY id", database="sales",
                                ctas_approach=True, s3_output=out)
print(ctas.sort_values("id").to_dict("list"), dict(ctas.dtypes.astype(str)))
query_id = wr.athena.start_query_execution("SELECT count(*) AS n FROM lines WHERE dt = '2024-01-01'",
                                           database="sales", s3_output=out, wait=True)["QueryExecutionId"]
print(wr.athena.get_query_results(query_id).to_dict("list"))
print(sorted(wr.catalog.tables(database="sales")["Table"]))
"""


@pytest.fixture
def lake(glue_emulator: Any) -> Any:
    return make_lake(glue_emulator)


def test_awswrangler_athena(lake: Any, tmp_path: Path) -> None:
    pytest.importorskip("awswrangler", reason="pip install '.[test]' installs awswrangler")
    out = run([sys.executable, "-c", SCRIPT.format(endpoint=lake.endpoint)], tmp_path, client_env(tmp_path))
    lines = out.splitlines()
    assert lines[0] == "{'customer': ['ann', 'bob'], 'total': [14.5, nan]} {'customer': 'string', 'total': 'float64'}"
    assert lines[1] == ("{'id': [1, 2, 3], 'qty': [10, 20, 30], 'dt': ['2024-01-01', '2024-01-01', '2024-01-02']} "
                        "{'id': 'Int64', 'qty': 'Int32', 'dt': 'string'}")
    assert lines[2] == "{'n': [2]}"
    assert lines[3] == "['lines', 'orders']"  # the CTAS approach dropped its temporary table
