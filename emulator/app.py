"""The Flask application: one port, requests routed to a protocol by what they are.

- `/_emulator/...` (and `/moto-api/reset`): the emulator's own endpoints (health, reset);
- a request with `X-Amz-Target`: an awsJson service (Glue, Logs), see protocol/awsjson.py;
- a request signed for another AWS service (STS, IAM, Secrets Manager, ...): moto, see passthrough.py;
- anything else: S3's REST protocol, see s3/.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, Callable, Iterable

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from . import s3
from .config import Settings
from .core import Emulator
from .errors import AwsError
from .jobs import bookmarks as job_bookmarks
from .orchestration import events as orchestration_events
from .passthrough import OWN_SERVICES, MotoServices, signed_service
from .protocol import awsjson

log = logging.getLogger("glue_emulator.app")


def _emulator_endpoint(environ: dict[str, Any]) -> bool:
    """The emulator's own endpoints; no bucket name starts with `_`, and S3 has no POST on a plain key."""
    path = environ.get("PATH_INFO", "")
    return path.startswith("/_emulator/") or (path == "/moto-api/reset" and environ.get("REQUEST_METHOD") == "POST")


def create_app(settings: Settings, emulator: Emulator | None = None) -> Flask:
    emulator = emulator or Emulator(settings)
    s3.attach(emulator)
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
        return jsonify(emulator.health())

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

    # awsJson requests skip Flask's routing and request context: they are the hot path
    # (Spark's metastore client and boto3 loops call GetTable/GetPartitions thousands of times).
    flask_wsgi = app.wsgi_app

    def wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target is None or target.partition(".")[0] not in emulator.json_services:
            service = signed_service(environ)
            if service is not None and service not in OWN_SERVICES:
                return emulator.component(MotoServices)(environ, start_response)
        if target is not None:
            return awsjson.handle(emulator, Request(environ))(environ, start_response)
        if _emulator_endpoint(environ):
            return flask_wsgi(environ, start_response)
        # Anything else is S3's REST protocol. It skips Flask's routing too: any path can name a key,
        # and Flask refuses some (a newline, an unusual Host).
        return s3.handle(emulator, Request(environ))(environ, start_response)

    app.wsgi_app = wsgi_app  # type: ignore[method-assign]
    return app
