"""DataQualityRunner under interleavings a user can cause: a cancel arriving while the run's task is being finished.

The Spark task is replaced by a handle the test ends itself (the race is the runner's bookkeeping, not Spark's).
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from typing import Any

import pytest

from emulator.context import RequestContext
from emulator.dataquality import runner as runner_module
from emulator.dataquality.runner import EVALUATION_RUN, DataQualityRunner, new_run_id
from emulator.jobs.spark_tasks import TaskOutcome


class _Handle:
    def __init__(self) -> None:
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


@pytest.fixture
def task_ends(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The `on_done` of every task the runner starts, in order, instead of running anything on Spark."""
    callbacks: list[Any] = []

    def fake_task(emulator: Any, **task: Any) -> _Handle:
        callbacks.append(task["on_done"])
        return _Handle()

    monkeypatch.setattr(runner_module, "run_spark_task", fake_task)
    return callbacks


def test_a_cancel_while_the_ended_task_is_stored_never_leaves_the_run_stopping(
        ctx: RequestContext, task_ends: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    runner = ctx.emulator.component(DataQualityRunner)
    storing, stored = threading.Event(), threading.Event()

    def finish(task_ctx: RequestContext, record: dict[str, Any], outcome: TaskOutcome) -> dict[str, Any]:
        storing.set()  # inside the transaction that stores the run's end
        assert stored.wait(30)
        return {"ResultIds": ["dqresult-1"]}

    run_id = new_run_id()
    runner.start(ctx, EVALUATION_RUN, {"RunId": run_id}, "tasks:any", {}, finish)
    [ended] = task_ends
    finisher = threading.Thread(target=ended, args=(TaskOutcome("SUCCEEDED", result={}),))
    finisher.start()
    assert storing.wait(30)

    # The cancel is let go on once it waits for the store's write lock, which the finishing task holds.
    waiting_to_write = threading.Event()
    transaction = ctx.store.transaction

    def watched() -> AbstractContextManager[Any]:
        if threading.current_thread().name == "cancel":
            waiting_to_write.set()
        return transaction()

    monkeypatch.setattr(ctx.store, "transaction", watched)
    answers: list[bool] = []
    cancel = threading.Thread(target=lambda: answers.append(runner.stop(ctx, EVALUATION_RUN, run_id)), name="cancel")
    cancel.start()
    assert waiting_to_write.wait(30)
    stored.set()
    finisher.join(30)
    cancel.join(30)

    run = ctx.store.get(ctx.scope, EVALUATION_RUN, "", run_id)
    # The run had ended when the cancel got to it: refused (InvalidInputException at the API), the run SUCCEEDED.
    assert (answers, run["Status"], run.get("ResultIds")) == ([False], "SUCCEEDED", ["dqresult-1"])


def test_a_cancel_before_the_task_ends_makes_it_stopped_without_results(
        ctx: RequestContext, task_ends: list[Any]) -> None:
    runner = ctx.emulator.component(DataQualityRunner)
    run_id = new_run_id()
    runner.start(ctx, EVALUATION_RUN, {"RunId": run_id}, "tasks:any", {},
                 lambda *_: pytest.fail("a stopped run stores no results"))
    assert runner.stop(ctx, EVALUATION_RUN, run_id) is True
    assert ctx.store.get(ctx.scope, EVALUATION_RUN, "", run_id)["Status"] == "STOPPING"
    [ended] = task_ends
    ended(TaskOutcome("SUCCEEDED", result={}))  # the task finished before the stop reached it
    run = ctx.store.get(ctx.scope, EVALUATION_RUN, "", run_id)
    assert run["Status"] == "STOPPED" and "ResultIds" not in run
    assert runner.stop(ctx, EVALUATION_RUN, run_id) is False
