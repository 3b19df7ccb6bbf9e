"""Job run queuing (JobRunQueuingEnabled): runs over MaxConcurrentRuns wait instead of failing.

AWS: with job run queuing opted in (on the job, or on the run, whose value wins), a run that would
exceed the job's MaxConcurrentRuns is accepted in the WAITING state, with the reason in
`StateDetail`, and starts when a slot frees; without it StartJobRun answers
ConcurrentRunsExceededException and a trigger's run ends FAILED
(https://docs.aws.amazon.com/glue/latest/dg/job-run-statuses.html; the JobRun shape's
`JobRunQueuingEnabled` and `StateDetail`).

Choices where AWS documents nothing: waiting runs start in the order they were queued; the time a
run waits counts toward its Timeout (a run that waits out its timeout ends TIMEOUT without running);
AWS's StateDetail wording is not on record, ours names the limit. The RunManager (runs.py) owns the
runs; this module holds the rules and the stored record a restart needs: a WAITING run's workflow
run, which the JobRun shape cannot hold (kind "job_run_waiting", parent = job name, name = run id).
"""

from __future__ import annotations

from typing import Any

JOB_RUN_WAITING = "job_run_waiting"


def queuing_enabled(run: dict[str, Any]) -> bool:
    """Whether a run may wait for a slot: the run's JobRunQueuingEnabled (copied from the job unless overridden)."""
    return bool(run.get("JobRunQueuingEnabled"))


def state_detail(job_name: str, limit: int) -> str:
    """The StateDetail of a run waiting for a slot of its job."""
    return (
        f"Job run is queued: job {job_name} is at its maximum concurrent runs (MaxConcurrentRuns {limit}); "
        "it starts when a run of the job ends"
    )


def remember(store: Any, scope: str, job_name: str, run_id: str, workflow: tuple[str, str] | None) -> None:
    """Record a WAITING run's workflow run (or none), so that a restart can put the run back in line."""
    store.put(scope, JOB_RUN_WAITING, job_name, run_id, {"Workflow": list(workflow) if workflow else None})


def forget(store: Any, scope: str, job_name: str, run_id: str) -> None:
    store.delete(scope, JOB_RUN_WAITING, job_name, run_id)


def requeueable(store: Any, scope: str, job_name: str, run_id: str) -> bool:
    """After a restart: a WAITING run outside workflows waits on; one inside a workflow run cannot
    (the restart ended its workflow run), nor one whose record is missing."""
    record = store.get(scope, JOB_RUN_WAITING, job_name, run_id)
    return record is not None and record["Workflow"] is None
