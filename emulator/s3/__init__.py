"""S3 on local disk, served on the same endpoint as Glue.

Objects are plain files `<data-dir>/s3/<bucket>/<key>` (layout.py) that Spark and local tools use
directly; their metadata lives in the emulator's store (storage.py). Operations are served, as Glue's
are, by the function named after them (GetObject -> `get_object`) in this package's modules, with
signature `(ctx: RequestContext, req: S3Request) -> S3Reply`; the wire format is protocol/s3xml.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING

from werkzeug.exceptions import ClientDisconnected
from werkzeug.exceptions import RequestTimeout as BodyTimeout
from werkzeug.wrappers import Request, Response

from ..context import RequestContext
from ..errors import AwsError
from ..protocol import s3xml
from ..protocol.sigv4 import parse_scope
from ..services import discover_handlers
from . import cors
from .errors import IncompleteBody, InternalError, MethodNotAllowed, RequestTimeout, S3NotImplemented
from .storage import Storage

if TYPE_CHECKING:
    from ..core import Emulator

log = logging.getLogger("glue_emulator.s3")


def attach(emulator: Emulator) -> None:
    """Set up S3 for a server: its folder, and its wipe on reset (every bucket and upload goes)."""
    emulator.on_reset(emulator.component(Storage).wipe)


@lru_cache(maxsize=1)
def handlers() -> dict[str, Callable[[RequestContext, s3xml.S3Request], s3xml.S3Reply]]:
    operations = s3xml.operation_names()
    return discover_handlers(SimpleNamespace(operations=operations), ("emulator.s3",))  # type: ignore[arg-type]


def handle(emulator: Emulator, request: Request) -> Response:
    """Serve one S3 request end to end; never lets an exception escape as a traceback.

    A request from a browser page (an Origin header) gets the CORS headers of its bucket's matching rule on
    its answer, error or not (cors.py), so the page can read either.
    """
    request_id = s3xml.new_request_id()
    ctx: RequestContext | None = None
    s3_request: s3xml.S3Request | None = None
    try:
        s3_request = s3xml.parse_request(request)
        table = handlers()
        operation = s3xml.operation_of(s3_request, table)
        if operation is None:
            raise MethodNotAllowed(Method=request.method, ResourceType="OBJECT" if s3_request.key else "BUCKET")
        handler = table.get(operation)
        if handler is None:
            raise S3NotImplemented(f"glue-emulator does not implement the S3 operation {operation} yet")
        scope = parse_scope(request.headers, request.args)
        ctx = RequestContext(scope.account, scope.region, request_id, emulator)
        response = s3xml.to_response(handler(ctx, s3_request), request, request_id)
    except AwsError as error:
        response = s3xml.error_response(error, request, request_id)
    # A body streamed from the connection (serving.SocketBody) that stopped coming, or ended early.
    except BodyTimeout:
        response = s3xml.error_response(RequestTimeout(), request, request_id)
    except ClientDisconnected:
        response = s3xml.error_response(IncompleteBody(), request, request_id)
    except Exception:  # a bug: answer as S3 would, keep serving, keep the traceback in our log
        log.exception("S3 request failed: %s %s", request.method, request.path)
        return s3xml.error_response(InternalError(), request, request_id)
    if ctx is not None and s3_request is not None and request.method != "OPTIONS" and "Origin" in request.headers:
        response.headers.update(cors.response_headers(ctx, s3_request.bucket, request.method, request.headers))
    return response
