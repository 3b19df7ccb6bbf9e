"""Job bookmarks: GetJobBookmark, ResetJobBookmark, and the commit a run's `job.commit()` makes.

A job's bookmark is the JobBookmarkEntry GetJobBookmark returns (kind "job_bookmark", name = job
name); each commit is also kept per run (kind "job_bookmark_run", parent = job name, name = run id)
so GetJobBookmark and ResetJobBookmark can name a run. `JobBookmark` is a JSON object with one state
per transformation_ctx; its content is the awsglue library's business (awsglue/_bookmarks.py).

Counters (as glue-semantics.md B.3 describes them): `Run` counts the runs that committed, `Attempt`
is the committing run's attempt number, `Version` grows with every change (commit or reset).

Runs commit through the emulator's own endpoint (Glue's library talks to an internal service that
the public API does not expose):

    POST /_emulator/jobs/<job name>/bookmark   body: {"RunId": ..., "JobBookmark": "<JSON object>"}

signed with SigV4 like any request (the signature's scope picks the account and region); the answer
is {"JobBookmarkEntry": ...}. DeleteJob drops the bookmark with the job (`forget`).
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from flask import Request, Response

from ..context import RequestContext
from ..errors import AwsError, EntityNotFoundException, InvalidInputException, SerializationException
from ..protocol import awsjson
from ..protocol.sigv4 import parse_scope
from .definitions import require_job
from .runs import JOB_RUN

if TYPE_CHECKING:
    from ..core import Emulator

BOOKMARK = "job_bookmark"
BOOKMARK_RUN = "job_bookmark_run"
EMPTY_STATE = "{}"


def _not_found(job_name: str) -> EntityNotFoundException:
    # The message AWS gives for a job that has never committed a bookmark.
    return EntityNotFoundException(f"Continuation for job {job_name} not found")


def _entry(ctx: RequestContext, job_name: str, run_id: str | None) -> dict[str, Any]:
    """The current entry, or the one a run's commit left (RunId given)."""
    require_job(ctx, job_name)
    if run_id is None:
        entry = ctx.store.get(ctx.scope, BOOKMARK, "", job_name)
    else:
        entry = ctx.store.get(ctx.scope, BOOKMARK_RUN, job_name, run_id)
    if entry is None:
        raise _not_found(job_name) if run_id is None else EntityNotFoundException(
            f"Continuation for job {job_name} and run {run_id} not found")
    return entry


def get_job_bookmark(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"JobBookmarkEntry": _entry(ctx, params["JobName"], params.get("RunId"))}


def reset_job_bookmark(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Without RunId: forget every transformation_ctx's state. With RunId: rewind to the state that
    run committed, so the next run processes what came after it. Counters other than Version stay
    (AWS documents nothing about them); target files are never touched."""
    name, run_id = params["JobName"], params.get("RunId")
    with ctx.store.transaction():
        current = _entry(ctx, name, None)
        state = _entry(ctx, name, run_id)["JobBookmark"] if run_id is not None else EMPTY_STATE
        entry = {**current, "Version": current["Version"] + 1, "JobBookmark": state}
        ctx.store.put(ctx.scope, BOOKMARK, "", name, entry)
    return {"JobBookmarkEntry": entry}


def commit(ctx: RequestContext, job_name: str, run_id: str, state: str) -> dict[str, Any]:
    """Save a run's bookmark state (job.commit()); a second commit by the same run is not a new Run."""
    try:
        parsed = json.loads(state)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise InvalidInputException("JobBookmark must be a JSON object")
    with ctx.store.transaction():
        require_job(ctx, job_name)
        run = ctx.store.get(ctx.scope, JOB_RUN, job_name, run_id)
        if run is None:
            raise EntityNotFoundException(f"Job run {run_id} not found")
        current = ctx.store.get(ctx.scope, BOOKMARK, "", job_name)
        entry: dict[str, Any] = {"JobName": job_name, "Version": 1, "Run": 1, "Attempt": run["Attempt"]}
        if current is not None:
            same_run = current["RunId"] == run_id
            entry.update(Version=current["Version"] + 1, Run=current["Run"] + (0 if same_run else 1))
            previous = current.get("PreviousRunId") if same_run else current["RunId"]
            if previous:
                entry["PreviousRunId"] = previous
        entry.update(RunId=run_id, JobBookmark=json.dumps(parsed, sort_keys=True))
        ctx.store.put(ctx.scope, BOOKMARK, "", job_name, entry)
        ctx.store.put(ctx.scope, BOOKMARK_RUN, job_name, run_id, entry)
    return entry


def forget(ctx: RequestContext, job_name: str) -> None:
    """DeleteJob: the bookmark goes with the job."""
    ctx.store.delete(ctx.scope, BOOKMARK, "", job_name)
    ctx.store.delete_under(ctx.scope, BOOKMARK_RUN, job_name)


def handle_http(emulator: Emulator, request: Request, job_name: str) -> Response:
    """The endpoint a run's job.commit() saves its state by (see the module's docstring)."""
    request_id = str(uuid.uuid4())
    try:
        body, _ = awsjson.parse_json(request.get_data())  # refuses what is not a faithful JSON object
        if not isinstance(body.get("RunId"), str) \
                or not isinstance(body.get("JobBookmark"), str):
            raise SerializationException('The body must be {"RunId": string, "JobBookmark": string}')
        scope = parse_scope(request.headers, request.args)
        ctx = RequestContext(scope.account, scope.region, request_id, emulator)
        entry = commit(ctx, job_name, body["RunId"], body["JobBookmark"])
    except AwsError as error:
        return awsjson.error_response(error, request_id)
    return Response(json.dumps({"JobBookmarkEntry": entry}), status=200, mimetype="application/json")
