"""examples/retail_pipeline end to end on a real server: the data-quality step between cleaning and aggregation
passes on the sample data, and with --strict-quality its failing rule sends the run down the error branch."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from support import job_runs_of, nodes_by_name

# Real time (no GLUE_EMULATOR_TIME_SCALE): the example's jobs have a 30-minute Timeout, which a sped-up clock
# would turn into 30 s, shorter than a cleaning run on a busy machine. The Spark drivers warm up while the
# crawlers run.
SERVER_ENV = {"GLUE_EMULATOR_VALIDATE_RESPONSES": "1"}
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "retail_pipeline" / "deploy_and_run.py"


@pytest.fixture(scope="module")
def pipeline() -> Any:
    spec = importlib.util.spec_from_file_location("retail_deploy_and_run", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _states(run: dict[str, Any]) -> dict[str, str]:
    return {name: (job_runs_of(node) or [{"JobRunState": "not run"}])[0]["JobRunState"]
            for name, node in nodes_by_name(run).items() if node["Type"] == "JOB"}


def _quality_result(glue: Any, run: dict[str, Any]) -> dict[str, Any]:
    check = job_runs_of(nodes_by_name(run)["retail-check-quality"])[0]
    listed = glue.list_data_quality_results(Filter={"JobName": "retail-check-quality", "JobRunId": check["Id"]})
    return glue.get_data_quality_result(ResultId=listed["Results"][0]["ResultId"])


def test_the_quality_step_passes_then_fails_into_the_error_branch(pipeline: Any, glue: Any, server: Any) -> None:
    s3 = server.client("s3")
    pipeline.deploy(glue, s3)
    run = pipeline.run_once(glue, fail_cleaning=False, timeout=600)
    assert _states(run) == {"retail-clean-orders": "SUCCEEDED", "retail-check-quality": "SUCCEEDED",
                            "retail-aggregate-revenue": "SUCCEEDED", "retail-handle-errors": "not run",
                            "retail-load-warehouse": "SUCCEEDED", "retail-update-dashboard": "SUCCEEDED"}
    assert run["WorkflowRunProperties"]["quality_rules_passed"] == "5/5"
    result = _quality_result(glue, run)
    assert [rule["Result"] for rule in result["RuleResults"]] == ["PASS"] * 5 and result["Score"] == 1.0
    # The example's last step: the curated table checked with Athena, as its users would.
    checked = pipeline.athena_check(server.client("athena"))
    assert checked[0] == ["country", "orders", "revenue"]
    assert sum(int(row[1]) for row in checked[1:]) == int(run["WorkflowRunProperties"]["clean_orders"])

    pipeline.deploy(glue, s3, strict_quality=True)
    run = pipeline.run_once(glue, fail_cleaning=False, timeout=600)
    states = _states(run)
    assert (states["retail-check-quality"], states["retail-aggregate-revenue"], states["retail-handle-errors"],
            states["retail-load-warehouse"]) == ("FAILED", "not run", "SUCCEEDED", "SUCCEEDED")
    check = job_runs_of(nodes_by_name(run)["retail-check-quality"])[0]
    assert check["ErrorMessage"].startswith("AssertionError: The job failed due to failing DQ rules for node: "
                                            'clean_orders (ColumnValues "amount" <= 100')
    assert run["WorkflowRunProperties"]["status"] == "degraded"
    assert [rule["Result"] for rule in _quality_result(glue, run)["RuleResults"]] == ["PASS"] * 5 + ["FAIL"]
