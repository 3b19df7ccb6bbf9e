"""An execution a stopped server left RUNNING is FAILED after the restart, not RUNNING forever."""

from __future__ import annotations

from pathlib import Path

from emulator.athena.common import QUERY
from emulator.athena.queries import get_query_execution
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.core import Emulator


def test_a_query_left_running_fails_after_a_restart(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", spark_prewarm=False, durable=False)
    before = Emulator(settings)
    ctx = RequestContext("123456789012", "us-east-1", "test", before)
    ctx.store.put(ctx.scope, QUERY, "", "q1", {
        "QueryExecutionId": "q1", "Query": "SELECT 1", "WorkGroup": "primary", "Statistics": {},
        "Status": {"State": "RUNNING", "SubmissionDateTime": 1.0}, "_started": 2.0})
    before.shutdown()
    after = Emulator(settings)
    try:
        status = get_query_execution(RequestContext("123456789012", "us-east-1", "t", after),
                                     {"QueryExecutionId": "q1"})["QueryExecution"]["Status"]
    finally:
        after.shutdown()
    assert status["State"] == "FAILED"
    assert status["AthenaError"]["ErrorCategory"] == 1
    assert "interrupted" in status["StateChangeReason"]
