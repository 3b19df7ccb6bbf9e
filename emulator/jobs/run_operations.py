"""Job run operations: StartJobRun, GetJobRun, GetJobRuns, BatchStopJobRun (the lifecycle is runs.py)."""

from __future__ import annotations

import json
from typing import Any

from ..context import RequestContext
from ..errors import InvalidInputException
from ..governance import require_security_configuration
from ..pagination import page_of, token_after
from .definitions import require_job
from .run_record import RUN_OVERRIDES
from .runs import JOB_RUN, RunManager


def _manager(ctx: RequestContext) -> RunManager:
    return ctx.emulator.component(RunManager)


# -- operations -----------------------------------------------------------------------------------


def start_job_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    require_security_configuration(ctx, params.get("SecurityConfiguration"))
    run = _manager(ctx).start(
        ctx,
        params["JobName"],
        arguments=params.get("Arguments"),
        overrides={member: params[member] for member in RUN_OVERRIDES if member in params},
        previous_run_id=params.get("JobRunId"),
    )
    return {"JobRunId": run["Id"]}


def get_job_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"JobRun": _manager(ctx).require_run(ctx, params["JobName"], params["RunId"])}


def get_job_runs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Runs newest first (as AWS returns them), at most 200 a page."""
    name = params["JobName"]
    require_job(ctx, name)
    # The token holds [-StartedOn, Id] of the last run returned; SQLite orders the runs, so a page parses
    # only its own runs.
    after = token_after(params.get("NextToken"), list)
    if after is not None and not (len(after) == 2 and isinstance(after[0], (int, float)) and isinstance(after[1], str)):
        raise InvalidInputException("Invalid pagination token")
    rows = ctx.store.list_by_field(ctx.scope, JOB_RUN, name, "StartedOn", (-after[0], after[1]) if after else None)
    runs = (json.loads(body) for _, body in rows)
    page, token = page_of(runs, params.get("MaxResults"), 200, key=lambda run: [-run["StartedOn"], run["Id"]])
    result: dict[str, Any] = {"JobRuns": page}
    if token:
        result["NextToken"] = token
    return result


def batch_stop_job_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Stop runs in progress; ids that are unknown or already finished are reported in Errors."""
    name, manager = params["JobName"], _manager(ctx)
    stopped, errors = [], []
    for run_id in params["JobRunIds"]:
        run = ctx.store.get(ctx.scope, JOB_RUN, name, run_id)
        if run is not None and manager.stop(ctx, name, run_id):
            stopped.append({"JobName": name, "JobRunId": run_id})
            continue
        if run is None:
            detail = {"ErrorCode": "EntityNotFoundException", "ErrorMessage": f"Job run {run_id} not found"}
        else:
            detail = {
                "ErrorCode": "InvalidInputException",
                "ErrorMessage": f"Job run {run_id} cannot be stopped: it is {run['JobRunState']}",
            }
        errors.append({"JobName": name, "JobRunId": run_id, "ErrorDetail": detail})
    return {"SuccessfulSubmissions": stopped, "Errors": errors}
