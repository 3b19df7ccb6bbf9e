"""The Spark numbers behind Glue's job metrics, read on a warm driver (runs in the Spark worker process).

A warm driver serves many runs one after the other, so a run's numbers are: the tasks and stages of the Spark
jobs started since the run began (Spark's AppStatusStore job list, newer job ids), and the growth of the
driver's executor totals (in local mode the executors are threads of the driver: one summary) for bytes read
and shuffled.
"""

from __future__ import annotations

import traceback
from typing import Any

# Glue's metric name (after "glue.driver.aggregate.") -> Spark's JobData / ExecutorSummary field
_JOB_FIELDS = {"numCompletedTasks": "numCompletedTasks", "numFailedTasks": "numFailedTasks",
               "numKilledTasks": "numKilledTasks", "numCompletedStages": "numCompletedStages"}
_EXECUTOR_FIELDS = {"bytesRead": "totalInputBytes", "shuffleLocalBytesRead": "totalShuffleRead",
                    "shuffleBytesWritten": "totalShuffleWrite"}


def _status(sc: Any) -> Any:
    jvm_context = sc._jsc.sc()
    jvm_context.listenerBus().waitUntilEmpty()  # the status store is fed asynchronously by Spark's listener bus
    return jvm_context.statusStore()


def _jobs(status: Any) -> list[Any]:
    jobs = status.jobsList(None)
    return [jobs.apply(index) for index in range(jobs.size())]


def _executor_totals(status: Any) -> dict[str, int]:
    executors = status.executorList(True)
    totals = dict.fromkeys(_EXECUTOR_FIELDS, 0)
    for index in range(executors.size()):
        executor = executors.apply(index)
        for name, field in _EXECUTOR_FIELDS.items():
            totals[name] += int(getattr(executor, field)())
    return totals


def snapshot(sc: Any) -> dict[str, int] | None:
    """Where Spark's counts stand before a run (`sc`: the SparkContext); None (the traceback printed to the
    worker's log) when Spark cannot tell: the run then goes on without metrics."""
    try:
        status = _status(sc)
        return {"lastJob": max((int(job.jobId()) for job in _jobs(status)), default=-1), **_executor_totals(status)}
    except Exception:
        traceback.print_exc()
        return None


def run_counts(sc: Any, before: dict[str, int], elapsed_ms: int) -> dict[str, int]:
    """The run's counts since `before` (a snapshot), keyed by Glue's aggregate metric names, with its
    elapsedTime in milliseconds."""
    status = _status(sc)
    counts = {name: max(0, value - before[name]) for name, value in _executor_totals(status).items()}
    counts.update(dict.fromkeys(_JOB_FIELDS, 0))
    for job in _jobs(status):
        if int(job.jobId()) > before["lastJob"]:
            for name, field in _JOB_FIELDS.items():
                counts[name] += int(getattr(job, field)())
    counts["elapsedTime"] = elapsed_ms
    return counts
