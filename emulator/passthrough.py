"""AWS services a pipeline touches beyond Glue, S3 and CloudWatch Logs (STS, IAM, Secrets Manager, SSM,
SNS, SQS, ...), answered on the same endpoint by moto's in-process server.

moto runs nothing, so it never serves Glue, S3 or Logs: requests signed for those stay with the emulator.
moto keeps its state in memory: it is wiped by reset and does not survive a restart.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any, Callable, Iterable

if TYPE_CHECKING:
    from .core import Emulator

OWN_SERVICES = frozenset({"glue", "s3", "logs"})
_SIGNED_SERVICE = re.compile(r"Credential=[^/,\s]*/\d{8}/[^/,\s]+/([^/,\s]+)/aws4_request")


def signed_service(environ: dict[str, Any]) -> str | None:
    """The service a request is signed for (SigV4 header or presigned URL), or None if unsigned."""
    for source in (environ.get("HTTP_AUTHORIZATION", ""), environ.get("QUERY_STRING", "").replace("%2F", "/")):
        match = _SIGNED_SERVICE.search(source.replace("X-Amz-Credential=", "Credential="))
        if match:
            return match.group(1)
    return None


class MotoServices:
    """moto's WSGI application, built on first use (importing moto costs over a second)."""

    def __init__(self, emulator: "Emulator"):
        self._app: Callable[..., Iterable[bytes]] | None = None
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self._app is None:
            with self._lock:
                if self._app is None:
                    from moto.server import DomainDispatcherApplication, create_backend_app

                    self._app = DomainDispatcherApplication(create_backend_app)
        return self._app(environ, start_response)

    def reset(self) -> None:
        if self._app is not None:
            from moto.moto_api._internal.models import moto_api_backend

            moto_api_backend.reset()
