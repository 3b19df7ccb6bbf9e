"""What a job's EvaluateDataQuality (runtime/awsgluedq) asks of the server: earlier metrics, and publishing.

Glue's library talks to an internal service the public API does not expose; a job run reaches ours through the
emulator's own endpoints, signed with SigV4 like any request (the signature's scope picks account and region):

    POST /_emulator/dataquality/history   {"JobName", "EvaluationContext"}
        -> {"History": {metric: [values, newest first]}}   (for DQDL's dynamic rules)
    POST /_emulator/dataquality/results   {"JobName", "JobRunId", "EvaluationContext", "StartedOn",
                                           "RulesetName"?, "Evaluation": {rule_results, analyzer_results,
                                           observations, score, metrics, rows}}
        -> {"ResultId"}

A published result is a result like an evaluation run's (results.py), with JobName, JobRunId and
EvaluationContext, so ListDataQualityResults filtered by JobName/JobRunId shows it, as on AWS (publishing is
`enableDataQualityResultsPublishing`, on by default). The job run must exist (EntityNotFoundException).
Dynamic rules in a job compare with the results of the same job and evaluation context.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Request, Response

from ..context import RequestContext
from ..errors import AwsError, EntityNotFoundException, SerializationException
from ..jobs.runs import JOB_RUN
from ..protocol import awsjson
from ..protocol.sigv4 import parse_scope
from .evaluation_runs import build_result
from .results import history, new_result_id, store_result

if TYPE_CHECKING:
    from ..core import Emulator

_ANSWER_MEMBERS = {"rule_results": list, "analyzer_results": list, "observations": list, "metrics": dict}


def job_history_key(job_name: str, context: str) -> list[str]:
    return ["job", job_name, context]


def _text(body: dict[str, Any], member: str) -> str:
    value = body.get(member)
    if not isinstance(value, str) or not value:
        raise SerializationException(f"{member} must be a non-empty string")
    return value


def job_history(ctx: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """{"History": metric -> values, newest first} of the results of a job's evaluation context."""
    return {"History": history(ctx, job_history_key(_text(body, "JobName"), _text(body, "EvaluationContext")))}


def publish(ctx: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """Store a job's evaluation as a data-quality result; {"ResultId"}."""
    job_name, run_id, context = _text(body, "JobName"), _text(body, "JobRunId"), _text(body, "EvaluationContext")
    answer = body.get("Evaluation")
    if not isinstance(answer, dict) or any(not isinstance(answer.get(m), t) for m, t in _ANSWER_MEMBERS.items()):
        raise SerializationException("Evaluation must hold rule_results, analyzer_results, observations, metrics")
    started = body.get("StartedOn")
    if isinstance(started, bool) or not isinstance(started, int | float):
        raise SerializationException("StartedOn must be epoch seconds")
    if ctx.store.get(ctx.scope, JOB_RUN, job_name, run_id) is None:
        raise EntityNotFoundException(f"Job run {run_id} of job {job_name} not found")
    ruleset = body.get("RulesetName") if isinstance(body.get("RulesetName"), str) else None
    result = build_result(answer, result_id=new_result_id(), profile_id="dqprofile-" + uuid.uuid4().hex,
                          started=float(started), RulesetName=ruleset, EvaluationContext=context,
                          JobName=job_name, JobRunId=run_id)
    metrics = {name: value for name, value in answer["metrics"].items() if isinstance(value, int | float)}
    return {"ResultId": store_result(ctx, result, metrics, job_history_key(job_name, context))}


def handle_http(emulator: Emulator, request: Request, action: Callable[[RequestContext, dict[str, Any]], Any]
                ) -> Response:
    """Serve one of the endpoints above (see the module's docstring) with `action` (job_history or publish)."""
    request_id = str(uuid.uuid4())
    try:
        body, _ = awsjson.parse_json(request.get_data())  # refuses what is not a faithful JSON object
        scope = parse_scope(request.headers, request.args)
        answer = action(RequestContext(scope.account, scope.region, request_id, emulator), body)
    except AwsError as error:
        return awsjson.error_response(error, request_id)
    return Response(json.dumps(answer), status=200, mimetype="application/json")
