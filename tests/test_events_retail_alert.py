"""The retail pipeline's alert (examples/retail_pipeline/alerts.py) and the README's "admin's inbox" example.

No Spark: the pipeline is deployed (not run) and one of its Python shell jobs is started outside its workflow,
where it fails at once (it requires --WORKFLOW_NAME and --WORKFLOW_RUN_ID); that failure is the alert.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from clients.readme import client_env, example, examples, run
from support import shell_job, wait_job_run

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "retail_pipeline" / "deploy_and_run.py"


@pytest.fixture(scope="module")
def pipeline() -> Any:
    spec = importlib.util.spec_from_file_location("retail_deploy_and_run_alerts", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fail_a_retail_job(pipeline: Any, glue: Any, server: Any) -> dict[str, Any]:
    s3, events, sqs = server.client("s3"), server.client("events"), server.client("sqs")
    pipeline.deploy(glue, s3)
    pipeline.deploy_alert(events, sqs)
    shell_job(glue, s3, "nightly-report", "raise SystemExit('not a retail job')")  # outside the rule's prefix
    other = glue.start_job_run(JobName="nightly-report")["JobRunId"]
    run_id = glue.start_job_run(JobName="retail-load-warehouse")["JobRunId"]
    assert wait_job_run(glue, "nightly-report", other)["JobRunState"] == "FAILED"
    failed = wait_job_run(glue, "retail-load-warehouse", run_id)
    assert failed["JobRunState"] == "FAILED"
    return failed


def test_a_failed_retail_job_reaches_the_admins_inbox(pipeline, glue, server):
    failed = _fail_a_retail_job(pipeline, glue, server)
    alerts = pipeline.read_alerts(server.client("sqs"), wait_seconds=5)
    assert [alert["detail"] for alert in alerts] == [{
        "jobName": "retail-load-warehouse", "severity": "ERROR", "state": "FAILED", "jobRunId": failed["Id"],
        "message": failed["ErrorMessage"]}]
    assert "WORKFLOW_NAME" in failed["ErrorMessage"]


def _shape(value: Any) -> Any:
    """The members of a JSON value, recursively, without the values of its leaves."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return type(value).__name__


def test_the_readmes_inbox_example_prints_the_message_the_readme_shows(pipeline, glue, server, tmp_path: Path):
    failed = _fail_a_retail_job(pipeline, glue, server)
    out = run([sys.executable, "-c", example("admin-inbox", server.endpoint)], tmp_path, client_env(tmp_path))
    printed = json.loads(out)
    shown = json.loads(examples()["admin-inbox-message"])  # the README's message of a --fail-cleaning run

    assert _shape(printed) == _shape(shown)
    same = ("version", "detail-type", "source", "account", "region", "resources")
    assert {k: printed[k] for k in same} == {k: shown[k] for k in same}
    assert (printed["detail"]["severity"], printed["detail"]["state"]) == ("ERROR", "FAILED")
    assert (printed["detail"]["jobRunId"], printed["detail"]["message"]) == (failed["Id"], failed["ErrorMessage"])
    for event in (printed, shown):
        assert re.fullmatch(r"jr_[0-9a-f]{64}", event["detail"]["jobRunId"])
        assert re.fullmatch(r"[0-9a-f-]{36}", event["id"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"])
    assert shown["detail"]["jobName"] == "retail-clean-orders"
    assert "fail_cleaning=true" in shown["detail"]["message"]
