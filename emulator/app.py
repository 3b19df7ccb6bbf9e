"""The Flask application: one port, requests routed to a protocol by what they are.

- `/_emulator/...` (and `/moto-api/reset`): the emulator's own endpoints (health, reset);
- a request with `X-Amz-Target`: an awsJson service (Glue), see protocol/awsjson.py;
- anything else: S3's REST protocol, see s3/.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request

from .config import Settings
from .core import Emulator
from .errors import UnknownOperationException
from .protocol import awsjson

ALL_METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS"]


def create_app(settings: Settings, emulator: Emulator | None = None) -> Flask:
    emulator = emulator or Emulator(settings)
    app = Flask("glue_emulator")
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.extensions["glue_emulator"] = emulator

    @app.get("/_emulator/health")
    def health() -> Response:
        return jsonify(emulator.health())

    @app.post("/_emulator/reset")
    @app.post("/moto-api/reset")
    def reset() -> Response:
        emulator.reset()
        return jsonify({"reset": True})

    @app.route("/", defaults={"path": ""}, methods=ALL_METHODS)
    @app.route("/<path:path>", methods=ALL_METHODS)
    def dispatch(path: str) -> Response:
        if "X-Amz-Target" in request.headers:
            return awsjson.handle(emulator, request)
        return awsjson.error_response(
            UnknownOperationException(f"No service answers {request.method} /{path} (missing X-Amz-Target)"),
            "",
        )

    return app
