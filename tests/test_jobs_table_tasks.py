"""Unit: the shared lifecycle of Glue task runs on the Spark pool (emulator/jobs/table_tasks.py).

The Spark side is replaced by a fake `run_spark_task` that keeps the `on_done` callback, so each test ends the
task as it wants; the real task runs are covered by tests/test_catalog_materialized_views.py and
tests/test_dataquality_column_statistics_runs.py.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from emulator.errors import AwsError
from emulator.jobs import spark_tasks
from emulator.jobs.arguments import RunSetupError
from emulator.jobs.spark_tasks import TaskOutcome
from emulator.jobs.table_tasks import TableTaskRuns


class _Runs(TableTaskRuns):
    kind = "test_task_run"
    id_field = "RunId"
    catalog_field = "CatalogId"
    target = "tests.nowhere:task"
    folder = "test-tasks"
    error_prefix = "TestTask"
    messages: ClassVar[dict[str, str]] = {"Running": "{table} runs.", "NotRunning": "{table} is idle.",
                                          "Stopping": "{table} is stopping."}
    timed_out = "Too slow."
    message_limit = 10

    def _succeeded(self, ctx: Any, run: dict[str, Any], outcome: TaskOutcome) -> tuple[str, str | None]:
        return ("SUCCEEDED", None) if outcome.result == "ok" else ("FAILED", f"bad result {outcome.result}")


class _Handle:
    def __init__(self) -> None:
        self.stopped = 0

    def stop(self) -> None:
        self.stopped += 1


@pytest.fixture
def tasks(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The fake pool: task id -> {"on_done", "handle", "log_dir"}; "fail_setup" makes the next start fail."""
    started: dict[str, Any] = {}

    def run_spark_task(emulator: Any, *, task_id: str, on_done: Any, log_dir: Any, **_: Any) -> _Handle:
        if started.pop("fail_setup", None):
            raise RunSetupError("No Java here.")
        started[task_id] = {"on_done": on_done, "handle": _Handle(), "log_dir": log_dir}
        return started[task_id]["handle"]

    monkeypatch.setattr(spark_tasks, "run_spark_task", run_spark_task)
    return started


def _run(ctx: Any, run_id: str, table: str = "orders") -> dict[str, Any]:
    return {"RunId": run_id, "CatalogId": ctx.account, "DatabaseName": "sales", "TableName": table,
            "Status": "STARTING", "CreationTime": 1.0, "LastUpdated": 1.0}


def _code(call: Any) -> str:
    with pytest.raises(AwsError) as caught:
        call()
    return f"{caught.value.code}: {caught.value.message}"


def _stored(ctx: Any, run_id: str) -> dict[str, Any]:
    return ctx.store.get(ctx.scope, _Runs.kind, "", run_id)


def test_one_run_per_table_stop_once_then_stopped(ctx: Any, tasks: dict[str, Any]) -> None:
    runs = ctx.emulator.component(_Runs)
    assert runs.launch(ctx, _run(ctx, "r1"), {}) == "r1"
    assert _stored(ctx, "r1")["Status"] == "RUNNING" and "StartTime" in _stored(ctx, "r1")
    assert tasks["r1"]["log_dir"] == ctx.emulator.settings.data_dir / "test-tasks" / "r1"
    assert _code(lambda: runs.launch(ctx, _run(ctx, "r2", "ORDERS"), {})) == "TestTaskRunningException: ORDERS runs."
    assert _stored(ctx, "r2") is None
    runs.launch(ctx, _run(ctx, "other", "returns"), {})  # another table runs meanwhile

    runs.stop_run(ctx, ctx.account, "Sales", "Orders")
    assert tasks["r1"]["handle"].stopped == 1
    assert _code(lambda: runs.stop_run(ctx, ctx.account, "sales", "orders")) == \
        "TestTaskStoppingException: orders is stopping."
    tasks["r1"]["on_done"](TaskOutcome("STOPPED"))
    run = _stored(ctx, "r1")
    assert run["Status"] == "STOPPED" and run["EndTime"] >= run["StartTime"] and run["DPUSeconds"] >= 0
    assert _code(lambda: runs.stop_run(ctx, ctx.account, "sales", "orders")) == \
        "TestTaskNotRunningException: orders is idle."
    runs.launch(ctx, _run(ctx, "r3"), {})  # the table is free again

    runs.reset()
    assert tasks["other"]["handle"].stopped == 1 and tasks["r3"]["handle"].stopped == 1


def test_how_a_task_ends_decides_the_run(ctx: Any, tasks: dict[str, Any]) -> None:
    runs = ctx.emulator.component(_Runs)
    ends = {"ok": TaskOutcome("SUCCEEDED", result="ok"), "bad": TaskOutcome("SUCCEEDED", result="x"),
            "slow": TaskOutcome("TIMEOUT"), "boom": TaskOutcome("FAILED", "Spark said no and more")}
    for number, (run_id, outcome) in enumerate(ends.items()):
        runs.launch(ctx, _run(ctx, run_id, f"t{number}"), {})
        tasks[run_id]["on_done"](outcome)
    finals = {run_id: (_stored(ctx, run_id)["Status"], _stored(ctx, run_id).get("ErrorMessage")) for run_id in ends}
    assert finals == {"ok": ("SUCCEEDED", None), "bad": ("FAILED", "bad result"), "slow": ("FAILED", "Too slow."),
                      "boom": ("FAILED", "Spark said")}  # messages cut at message_limit

    tasks["fail_setup"] = True
    runs.launch(ctx, _run(ctx, "nojava"), {})
    assert (_stored(ctx, "nojava")["Status"], _stored(ctx, "nojava")["ErrorMessage"]) == ("FAILED", "No Java he")


def test_runs_a_previous_process_left_unfinished_end_failed(ctx: Any) -> None:
    ctx.store.put(ctx.scope, _Runs.kind, "", "left", {**_run(ctx, "left"), "Status": "RUNNING"})
    ctx.store.put(ctx.scope, _Runs.kind, "", "done", {**_run(ctx, "done"), "Status": "SUCCEEDED"})
    ctx.emulator.component(_Runs)
    assert (_stored(ctx, "left")["Status"], _stored(ctx, "left")["ErrorMessage"]) == \
        ("FAILED", "The emulator stopped during the run.")
    assert _stored(ctx, "done")["Status"] == "SUCCEEDED" and "ErrorMessage" not in _stored(ctx, "done")


def test_data_quality_runs_a_previous_process_left_unfinished_end_failed(ctx: Any) -> None:
    """The data-quality runner settles its runs with the same sweep, in its own members."""
    from emulator.dataquality.runner import EVALUATION_RUN, RECOMMENDATION_RUN, DataQualityRunner

    for kind, status in ((EVALUATION_RUN, "STOPPING"), (RECOMMENDATION_RUN, "RUNNING")):
        ctx.store.put(ctx.scope, kind, "", "dqrun-left", {"RunId": "dqrun-left", "Status": status, "StartedOn": 1.0})
    ctx.emulator.component(DataQualityRunner)
    for kind in (EVALUATION_RUN, RECOMMENDATION_RUN):
        run = ctx.store.get(ctx.scope, kind, "", "dqrun-left")
        assert run["Status"] == "FAILED" and "emulator stopped" in run["ErrorString"]
        assert run["CompletedOn"] == run["LastModifiedOn"] > run["StartedOn"]
