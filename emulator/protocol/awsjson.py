"""AWS's JSON protocol (awsJson1_1): `POST /` with `X-Amz-Target: <Prefix>.<Operation>`.

Parses and validates the request, calls the handler, and renders its result or its AwsError the
way AWS does: `{"__type": code, "Message": text}` with the error's HTTP status, so that botocore
raises the exception class of that name.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from ..context import RequestContext
from ..errors import (
    AwsError,
    InternalServiceException,
    NotImplementedOperation,
    RequestEntityTooLargeException,
    SerializationException,
    UnknownOperationException,
)
from .sigv4 import parse_scope

if TYPE_CHECKING:
    from ..core import Emulator

log = logging.getLogger("glue_emulator.awsjson")
CONTENT_TYPE = "application/x-amz-json-1.1"


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _response(status: int, body: dict[str, Any], request_id: str, error_code: str | None = None) -> Response:
    headers = {"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": request_id}
    if error_code:
        headers["X-Amzn-ErrorType"] = error_code
    payload = json.dumps(body, default=_default, separators=(",", ":"), ensure_ascii=False)
    return Response(payload.encode("utf-8"), status=status, headers=headers)


def error_response(error: AwsError, request_id: str) -> Response:
    body = {"__type": error.code, "Message": error.message, **error.fields}
    return _response(error.status, body, request_id, error.code)


def _read_body(request: Request, limit: int) -> bytes:
    content_type = request.headers.get("Content-Type", CONTENT_TYPE)
    if "json" not in content_type:
        raise SerializationException(f"Unsupported content type: {content_type}; expected {CONTENT_TYPE}")
    length = request.content_length
    if length is not None and length > limit:
        raise RequestEntityTooLargeException(f"Request body of {length} bytes exceeds the limit of {limit} bytes")
    try:
        raw = request.stream.read(length if length is not None else limit + 1)
    except HTTPException as exc:  # the client went away or sent a truncated body
        raise SerializationException(f"Could not read the request body: {exc.description}") from None
    if len(raw) > limit:
        raise RequestEntityTooLargeException(f"Request body exceeds the limit of {limit} bytes")
    return raw


def _parse(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        params = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SerializationException(f"Request body is not valid JSON: {exc}") from None
    if not isinstance(params, dict):
        raise SerializationException("Request body must be a JSON object")
    return params


def handle(emulator: Emulator, request: Request) -> Response:
    """Serve one awsJson request end to end; never lets an exception escape as a traceback."""
    request_id = str(uuid.uuid4())
    try:
        if request.method != "POST":
            raise SerializationException(f"awsJson requests must be POST, not {request.method}")
        target = request.headers.get("X-Amz-Target", "")
        prefix, _, operation = target.partition(".")
        service = emulator.json_services.get(prefix)
        if service is None or operation not in service.shapes.operations:
            raise UnknownOperationException(f"Unknown operation: {target}")
        raw = _read_body(request, emulator.settings.max_json_body)
        params = _parse(raw)
        service.shapes.validate_input(operation, params, raw)
        handler = service.handlers.get(operation)
        if handler is None:
            raise NotImplementedOperation(
                f"{service.name}.{operation} is not implemented by glue-emulator yet", status=501
            )
        scope = parse_scope(request.headers, request.args)
        ctx = RequestContext(scope.account, scope.region, request_id, emulator)
        result = service.shapes.complete_output(operation, handler(ctx, params) or {})
        if emulator.settings.validate_responses:
            problems = service.shapes.output_errors(operation, json.loads(json.dumps(result, default=_default)))
            if problems:
                raise InternalServiceException(f"Response of {operation} departs from the model: {problems[:5]}")
        return _response(200, result, request_id)
    except AwsError as error:
        return error_response(error, request_id)
    except Exception:  # a bug: answer as AWS would, keep serving, keep the traceback in our log
        log.exception("handler failed for %s", request.headers.get("X-Amz-Target"))
        return error_response(InternalServiceException("Internal service error"), request_id)
