"""AWS's JSON protocol (awsJson1_1): `POST /` with `X-Amz-Target: <Prefix>.<Operation>`.

Parses and validates the request, calls the handler, and renders its result or its AwsError the
way AWS does: `{"__type": code, "Message": text}` with the error's HTTP status, so that botocore
raises the exception class of that name.

A body that cannot become a faithful request is refused with 400 SerializationException, as AWS's
JSON protocol refuses unparseable input (Smithy's awsJson/restJson malformed-request tests): invalid
UTF-8, NaN/Infinity, nesting deeper than MAX_JSON_DEPTH, and strings holding an unpaired UTF-16
surrogate (boto3 sends `os.fsdecode(b"\\x80")` as the escape `"\\udc80"`; such a string could not be
answered as UTF-8 later, so it is never stored). Any unexpected exception becomes a JSON 500
InternalServiceException: a client never sees a traceback, HTML or text/plain.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
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
from ..jsontext import FRACTION_MARKS, LONG_INTEGER, NUMBER_MARKS, response_bytes
from .sigv4 import parse_scope

if TYPE_CHECKING:
    from ..core import Emulator

log = logging.getLogger("glue_emulator.awsjson")
CONTENT_TYPE = "application/x-amz-json-1.1"
# Deepest nesting of objects and arrays a body may have. The Glue model's deepest input is about 12
# levels (ApplyMapping's Mappings nest without bound); validation and handlers recurse once or more
# per level, and Python's recursion limit is 1000 frames.
MAX_JSON_DEPTH = 100
# A JSON escape of a UTF-16 surrogate (paired ones are emoji and the like; json.loads joins a pair).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_AS_PARENTHESES = bytes.maketrans(b"{[}]", b"(())")
_NOT_MARKS = bytes(sorted(set(range(256)) - set(b'{[}]"')))
_LAST_RESORT = b'{"__type":"InternalServiceException","Message":"Internal service error"}'


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"cannot serialise {type(value).__name__}")


class Answer:
    """A finished awsJson response as a WSGI application. Its status line, headers and body are final, so
    serving it skips what werkzeug's Response spends on header objects and fix-ups (a tenth of a GetTable's
    time in the server, issue #19). The bytes on the wire are the same: werkzeug's status line, our headers
    plus Content-Length, no body for HEAD."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes):
        self.status = status
        self.headers = [*headers, ("Content-Length", str(len(body)))]
        self.body = body

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response(f"{self.status} {HTTP_STATUS_CODES.get(self.status, 'unknown').upper()}", self.headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [self.body]


def _answer(status: int, body: dict[str, Any], request_id: str, error_code: str | None = None) -> Answer:
    headers = [("Content-Type", CONTENT_TYPE), ("x-amzn-RequestId", request_id)]
    if error_code:
        headers.append(("X-Amzn-ErrorType", error_code))
    try:
        payload = response_bytes(body, _default)
    except UnicodeEncodeError:
        # A lone surrogate (in state written before requests were checked for them, or derived from
        # a file name): \u escapes carry it to the client faithfully, where raw UTF-8 cannot.
        payload = json.dumps(body, default=_default, separators=(",", ":")).encode("ascii")
    return Answer(status, headers, payload)


def _error_answer(error: AwsError, request_id: str) -> Answer:
    body = {"__type": error.code, "Message": error.message, **error.fields}
    return _answer(error.status, body, request_id, error.code)


def error_response(error: AwsError, request_id: str) -> Response:
    """An AwsError as AWS's JSON protocol answers it, as a werkzeug Response (for Flask views)."""
    answer = _error_answer(error, request_id)
    return Response(answer.body, status=answer.status, headers=answer.headers)


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


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _too_deep(raw: bytes, limit: int) -> bool:
    """Whether the objects/arrays of a valid JSON body nest more than `limit` levels, read from its text.

    Every step is a C-speed bytes operation (the walk of the parsed value it replaces cost as much as
    parsing). Escapes go first: escaped backslashes, then escaped quotes (in valid JSON only strings hold a
    backslash; the other escapes hold neither quote nor bracket). Then only quotes and brackets are kept
    (UTF-8 multibyte sequences hold no ASCII byte), and strings holding no bracket are dropped as `""`
    pairs: two adjacent quotes are one such string, or the end of one and the start of the next with no
    bracket between, so the brackets inside and outside strings stay where they were. The few strings left
    go, and what remains of brackets is a well-nested word in which each round of removing every adjacent
    "()" removes exactly one level.
    """
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    marks = raw.translate(_AS_PARENTHESES, _NOT_MARKS).replace(b'""', b"")
    brackets = b"".join(marks.split(b'"')[::2]) if b'"' in marks else marks
    if len(brackets) <= 2 * limit:  # at most `limit` pairs
        return False
    for _ in range(limit):
        if not brackets:
            return False
        brackets = brackets.replace(b"()", b"")
    return bool(brackets)


def _lone_surrogate(value: Any, path: str = "") -> str | None:
    """The member path of the first string (or map key) holding an unpaired surrogate, if any."""
    if isinstance(value, str):
        return path or "(body)" if _SURROGATE.search(value) else None
    if isinstance(value, dict):
        for name, child in value.items():
            where = f"{path}.{name}" if path else name
            if _SURROGATE.search(name):
                return where
            found = _lone_surrogate(child, where)
            if found:
                return found
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found = _lone_surrogate(child, f"{path}[{index}]")
            if found:
                return found
    return None


def parse_json(raw: bytes) -> tuple[dict[str, Any], bool]:
    """A request body as a JSON object, and whether it may hold a number written with a fraction or exponent
    (False only when it holds none).

    Raises SerializationException for what AWS's JSON protocol cannot read (see the module docstring).
    An empty body is `{}`.
    """
    if not raw.strip():
        return {}, False
    # orjson reads a body in about 60% of the CPU time json needs (a 100-partition BatchCreatePartition: 0.35-0.40
    # against 0.63-0.72 ms with json's hooks). What it accepts, json reads to the same value; what it refuses (NaN,
    # a byte-order mark, an unpaired surrogate, invalid UTF-8, nesting beyond 1,024) json reads below, which
    # either accepts it as before or says why not.
    try:
        fast = orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    else:
        # An integer of 19 digits may lie beyond 64 bits, which orjson read as a float (jsontext): json reads such
        # bodies (and those with such a run of digits in a string). Only a number with a fraction or an exponent
        # holds one of FRACTION_MARKS; text may too ("v1.2"), which costs a needless coercion, no more ("serde2.lazy"
        # in every SerDe name does not: it made each BatchCreatePartition coerce its 100 partitions).
        marks = raw.translate(NUMBER_MARKS)
        if isinstance(fast, dict) and LONG_INTEGER not in marks and not _too_deep(raw, MAX_JSON_DEPTH):
            return fast, any(fraction in marks for fraction in FRACTION_MARKS)
    floats: list[str] = []

    def parse_float(text: str) -> float:
        floats.append(text)
        return float(text)

    try:
        # Strict UTF-8 (json.loads of bytes would let encoded surrogates through as 'surrogatepass').
        params = json.loads(raw.decode("utf-8-sig"), parse_float=parse_float, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SerializationException(f"Request body is not valid JSON: {exc}") from None
    except RecursionError:
        raise SerializationException(f"Request body nests deeper than {MAX_JSON_DEPTH} levels") from None
    if not isinstance(params, dict):
        raise SerializationException("Request body must be a JSON object")
    if _too_deep(raw, MAX_JSON_DEPTH):
        raise SerializationException(f"Request body nests deeper than {MAX_JSON_DEPTH} levels")
    if _SURROGATE_ESCAPE.search(raw):
        where = _lone_surrogate(params)
        if where:
            raise SerializationException(
                f"Invalid string at '{where}': it holds an unpaired UTF-16 surrogate, which is not a Unicode character"
            )
    return params, bool(floats)


def handle(emulator: Emulator, request: Request) -> Answer | Response:
    """Serve one awsJson request end to end (a WSGI application to call); never lets an exception escape
    as a traceback."""
    request_id = str(uuid.uuid4())
    try:
        if request.method != "POST":
            raise SerializationException(f"awsJson requests must be POST, not {request.method}")
        target = request.environ.get("HTTP_X_AMZ_TARGET", "")
        prefix, _, operation = target.partition(".")
        service = emulator.json_services.get(prefix)
        if service is None or operation not in service.shapes.operations:
            raise UnknownOperationException(f"Unknown operation: {target}")
        raw = _read_body(request, emulator.settings.max_json_body)
        params, has_floats = parse_json(raw)
        service.shapes.validate_input(operation, params, raw)
        if has_floats:
            params = service.shapes.coerce_integers(operation, params)
        handler = service.handlers.get(operation)
        if handler is None:
            raise NotImplementedOperation(
                f"{service.name}.{operation} is not implemented by glue-emulator yet", status=501
            )
        # An empty query string needs no parsing (the query only matters for a presigned URL's credential).
        scope = parse_scope(request.headers, request.args if request.environ.get("QUERY_STRING") else {})
        ctx = RequestContext(scope.account, scope.region, request_id, emulator, scope.access_key)
        result = service.shapes.complete_output(operation, handler(ctx, params) or {})
        if emulator.settings.validate_responses:
            problems = service.shapes.output_errors(operation, json.loads(json.dumps(result, default=_default)))
            if problems:
                raise InternalServiceException(f"Response of {operation} departs from the model: {problems[:5]}")
        return _answer(200, result, request_id)
    except AwsError as error:
        return _error_answer(error, request_id)
    except Exception:  # a bug: answer as AWS would, keep serving, keep the traceback in our log
        log.exception("handler failed for %s", request.headers.get("X-Amz-Target"))
        return internal_error_response(request_id)


def internal_error_response(request_id: str) -> Response:
    """The last resort for a bug: AWS's 500 InternalServiceException as JSON, built from constants."""
    headers = {
        "Content-Type": CONTENT_TYPE,
        "x-amzn-RequestId": request_id,
        "X-Amzn-ErrorType": InternalServiceException.code,
    }
    return Response(_LAST_RESORT, status=500, headers=headers)
