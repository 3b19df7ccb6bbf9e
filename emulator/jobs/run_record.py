"""A job run's first record: the JobRun shape with the job's settings and the run's overrides applied."""

from __future__ import annotations

import secrets
from typing import Any

from ..clock import now
from ..governance.log_groups import job_log_group
from . import arguments as args
from .definitions import capacity, check_timeout

# StartJobRun members that override the job's settings for one run.
RUN_OVERRIDES = (
    "Timeout",
    "MaxCapacity",
    "AllocatedCapacity",
    "WorkerType",
    "NumberOfWorkers",
    "SecurityConfiguration",
    "NotificationProperty",
    "ExecutionClass",
    "JobRunQueuingEnabled",
    "ExecutionRoleSessionPolicy",
)
COPIED_FROM_JOB = ("SecurityConfiguration", "NotificationProperty", "ExecutionClass", "JobRunQueuingEnabled")
# Log groups Glue writes to: Spark jobs under /aws-glue/jobs, Python shell jobs under /aws-glue/python-jobs
# (in a group of their own under it when the run has a security configuration: governance/log_groups.py).
_LOG_GROUPS = {"pythonshell": "/aws-glue/python-jobs"}
_DEFAULT_LOG_GROUP = "/aws-glue/jobs"


def new_run_id() -> str:
    """`jr_` + 64 hex digits, as Glue's run ids are."""
    return "jr_" + secrets.token_hex(32)


def new_run(
    job: dict[str, Any],
    run_id: str,
    attempt: int,
    previous_run_id: str | None,
    arguments: dict[str, str] | None,
    overrides: dict[str, Any],
    trigger_name: str | None,
    predecessors: list[dict[str, str]] | None,
) -> dict[str, Any]:
    """The JobRun as first stored: the job's settings with the run's overrides applied."""
    command = job["Command"]["Name"]
    started = now()
    run: dict[str, Any] = {"Id": run_id, "Attempt": attempt}
    if previous_run_id:
        run["PreviousRunId"] = previous_run_id
    if trigger_name:
        run["TriggerName"] = trigger_name
    run.update(JobName=job["Name"], JobMode=job["JobMode"], StartedOn=started, LastModifiedOn=started)
    run["JobRunState"] = "STARTING"
    if arguments is not None:
        run["Arguments"] = arguments
    run["PredecessorRuns"] = predecessors or []
    run.update(capacity(command, overrides, base=job))
    run["ExecutionTime"] = 0
    run["Timeout"] = check_timeout(overrides.get("Timeout", job["Timeout"]))
    for member in COPIED_FROM_JOB:
        if member in overrides or member in job:
            run[member] = overrides.get(member, job.get(member))
    if "ExecutionRoleSessionPolicy" in overrides:
        run["ExecutionRoleSessionPolicy"] = overrides["ExecutionRoleSessionPolicy"]
    merged = args.merge(job, arguments)
    run["LogGroupName"] = merged.get("--custom-logGroup-prefix") or job_log_group(
        _LOG_GROUPS.get(command, _DEFAULT_LOG_GROUP), run.get("SecurityConfiguration"), job["Role"])
    run["GlueVersion"] = job["GlueVersion"]
    return run
