"""The Flask application: one port, requests routed to a protocol by what they are.

- `/_emulator/...` (and `POST /moto-api/reset`): the emulator's own endpoints (health, reset, events, and the
  web console under `/_emulator/console/`, see console/);
- a request with `X-Amz-Target` of an emulated service: an awsJson service (Glue, Logs, Athena), see protocol/awsjson.py;
- a request signed for another AWS service (STS, IAM, Secrets Manager, ...): moto, see passthrough.py;
- anything else: S3's REST protocol, see s3/.

Before any of them, every request passes the security gate (Host, Origin, cross-site requests to the
emulator's endpoints, SigV4 when enabled; see security/), refused in its protocol's error format.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from . import console, s3
from .config import Settings
from .core import Emulator
from .dataquality import publishing as dq_publishing
from .errors import AwsError
from .jobs import bookmarks as job_bookmarks
from .orchestration import events as orchestration_events
from .passthrough import OWN_SERVICES, MotoServices, reset_backends, signed_service
from .protocol import awsjson, refusals
from .security import Gate

log = logging.getLogger("glue_emulator.app")


def _emulator_endpoint(environ: dict[str, Any]) -> bool:
    """The emulator's own endpoints; no bucket name starts with `_`, and S3 has no POST on a plain key."""
    path = environ.get("PATH_INFO", "")
    return path.startswith("/_emulator/") or (path == "/moto-api/reset" and environ.get("REQUEST_METHOD") == "POST")


def _route(environ: dict[str, Any], emulator: Emulator) -> tuple[str, str | None]:
    """(route, the SigV4 service name it serves or None for any): emulator, awsjson, moto or s3."""
    if _emulator_endpoint(environ):
        return "emulator", None
    target = environ.get("HTTP_X_AMZ_TARGET")
    service = emulator.json_services.get(target.partition(".")[0]) if target is not None else None
    if service is not None:
        return "awsjson", service.name
    signed = signed_service(environ)
    if signed is not None and signed not in OWN_SERVICES:
        return "moto", None
    return ("awsjson", None) if target is not None else ("s3", "s3")


# AWS's common error for a failure of the service itself (the "Common Errors" of every API reference).
_INTERNAL_FAILURE = "The request processing has failed because of an unknown error, exception or failure."


def _with_last_resort(
    wsgi: Callable[..., Iterable[bytes]], environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    """Call a WSGI app we do not own (moto); an exception it lets escape becomes AWS's 500 InternalFailure
    in the request's protocol (JSON for X-Amz-Target requests, else the query protocol's XML), not the
    server's text/plain page, and an action it does not implement 501 NotImplemented."""
    started: list[bool] = []

    def tracked(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started.append(True)
        return start_response(status, headers, exc_info)

    try:
        return wsgi(environ, tracked)
    except NotImplementedError as exc:
        if started:
            raise
        # An action moto lacks: AWS has it, so no AWS error fits, and a 500 would be retried by every SDK (boto3
        # tries 5 times) before the caller saw why. 501 NotImplemented, which SDKs do not retry, says so at once.
        return refusals.refusal(Request(environ), refusals.family_of(environ, "moto"), "not_served",
                                f"glue-emulator does not serve this action: {exc}")(environ, start_response)
    except Exception:
        if started:
            raise
        log.exception("passthrough request failed: %s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))
    request_id = str(uuid.uuid4())
    if "HTTP_X_AMZ_TARGET" in environ:
        body = json.dumps({"__type": "InternalFailure", "message": _INTERNAL_FAILURE}).encode()
        content_type = "application/x-amz-json-1.1"
    else:
        body = (
            "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>"
            f"<Message>{_INTERNAL_FAILURE}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        content_type = "text/xml"
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), ("x-amzn-RequestId", request_id)]
    start_response("500 Internal Server Error", headers)
    return [body]


def create_app(settings: Settings, emulator: Emulator | None = None) -> Flask:
    gate = Gate(settings)  # first: a misconfiguration stops the start before any state is touched
    emulator = emulator or Emulator(settings)
    s3.attach(emulator)
    emulator.on_reset(reset_backends)
    app = Flask("glue_emulator")
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.extensions["glue_emulator"] = emulator

    # The emulator's own endpoints answer errors as the awsJson services do (JSON `__type`/`Message`),
    # never Flask's HTML pages: clients of these endpoints parse JSON.
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        code = (error.name or "BadRequest").replace(" ", "")
        aws_error = AwsError(error.description or code, code=code, status=error.code)
        return awsjson.error_response(aws_error, str(uuid.uuid4()))

    @app.errorhandler(Exception)
    def internal_error(error: Exception) -> Response:
        log.exception("emulator endpoint %s %s failed", request.method, request.path, exc_info=error)
        return awsjson.internal_error_response(str(uuid.uuid4()))

    @app.get("/_emulator/health")
    def health() -> Response:
        return jsonify({**emulator.health(), "console": console.URL_PREFIX + "/"})

    @app.post("/_emulator/reset")
    @app.post("/moto-api/reset")
    def reset() -> Response:
        emulator.reset()
        return jsonify({"reset": True})

    @app.post("/_emulator/workflows/<path:name>/events")
    def workflow_event(name: str) -> Response:
        # An EventBridge event delivered to a workflow's EVENT trigger (see orchestration/events.py).
        return orchestration_events.handle_http(emulator, request, name)

    @app.post("/_emulator/jobs/<path:name>/bookmark")
    def job_bookmark(name: str) -> Response:
        # A job run's job.commit() saving its bookmark state (see jobs/bookmarks.py).
        return job_bookmarks.handle_http(emulator, request, name)

    console.register(app, emulator)
    @app.post("/_emulator/dataquality/history")
    def data_quality_history() -> Response:
        # A job's EvaluateDataQuality reading earlier metrics for dynamic rules (see dataquality/publishing.py).
        return dq_publishing.handle_http(emulator, request, dq_publishing.job_history)

    @app.post("/_emulator/dataquality/results")
    def data_quality_results() -> Response:
        # A job's EvaluateDataQuality publishing its result (see dataquality/publishing.py).
        return dq_publishing.handle_http(emulator, request, dq_publishing.publish)

    # awsJson requests skip Flask's routing and request context: they are the hot path
    # (Spark's metastore client and boto3 loops call GetTable/GetPartitions thousands of times).
    flask_wsgi = app.wsgi_app

    def wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        route, signing_name = _route(environ, emulator)
        refused = gate.check(environ, route, signing_name)
        if refused is not None:
            family = refusals.family_of(environ, route)
            response = refusals.refusal(Request(environ), family, refused.reason, refused.message, refused.fields,
                                        refused.query_auth)
            return response(environ, start_response)
        if route == "emulator":
            return flask_wsgi(environ, start_response)
        if route == "moto":
            return _with_last_resort(emulator.component(MotoServices), environ, start_response)
        if route == "awsjson":
            return awsjson.handle(emulator, Request(environ))(environ, start_response)
        # Anything else is S3's REST protocol. It skips Flask's routing too: any path can name a key,
        # and Flask refuses some (a newline, an unusual Host).
        return s3.handle(emulator, Request(environ))(environ, start_response)

    app.wsgi_app = wsgi_app  # type: ignore[method-assign]
    return app
