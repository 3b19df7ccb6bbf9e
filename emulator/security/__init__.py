"""Only the user drives the emulator: the checks every request passes before any protocol handles it.

In order (the first failure answers; see protocol/refusals.py for the error each protocol gets):

1. Host must name this server (hosts.py): stops DNS rebinding.
2. Origin, when a browser sends one, must name an allowed host too: stops cross-site requests.
3. The emulator's own endpoints (`/_emulator/*`, `POST /moto-api/reset`) take state-changing requests
   only with a JSON Content-Type or an `X-Glue-Emulator` header: both are impossible for a cross-site
   "simple" request (a form post or `fetch(..., {mode: "no-cors"})`), whose content type can only be
   text/plain, form-urlencoded or multipart, and which cannot add headers.
4. With GLUE_EMULATOR_VERIFY_SIGV4=1, the SigV4 signature (signatures.py); the emulator's endpoints need
   one too, except `GET /_emulator/health`. Two S3 requests carry no SigV4 headers by design and are left to
   S3 (after checks 1 and 2): a browser form upload (POST Object: its policy's signature is a form field,
   verified by s3/post.py) and a CORS preflight (`OPTIONS`, which browsers never sign; it only reads the
   bucket's CORS rules).

moto's pass-through services are limited in passthrough.py.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ..config import Settings
from .hosts import SETTING as HOSTS_SETTING
from .hosts import HostPolicy
from .signatures import AuthFailure, SignatureChecker

CUSTOM_HEADER = "X-Glue-Emulator"
_MAX_HASHED_BODY = 64 * 1024 * 1024
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_JSON_TYPES = ("application/json", "application/x-amz-json-1.1")


@dataclass
class Refusal:
    """Why a request is refused: `reason` names the case (see protocol/refusals.py's tables)."""

    reason: str
    message: str
    fields: Mapping[str, str] = field(default_factory=dict)
    query_auth: bool = False


class Gate:
    """The checks of the module docstring, configured once from the settings."""

    def __init__(self, settings: Settings):
        self.hosts = HostPolicy(settings.allowed_hosts, settings.host)
        # Bodies are hashed whole; past this size (far above any JSON or query API's limit) they are not
        # read, so their signature fails rather than the server buffering gigabytes.
        self.max_body = max(settings.max_json_body, _MAX_HASHED_BODY)
        self.checker: SignatureChecker | None = None
        if settings.verify_sigv4:
            if not settings.credentials:
                raise ValueError("GLUE_EMULATOR_VERIFY_SIGV4=1 needs the accepted key pairs in "
                                 "GLUE_EMULATOR_CREDENTIALS=ACCESS_KEY_ID:SECRET[,...]")
            self.checker = SignatureChecker(settings.credentials, settings.run_secret)

    def check(self, environ: dict[str, Any], route: str, signing_name: str | None) -> Refusal | None:
        """None if the request may proceed, else the Refusal.

        `route`: app.py's (emulator, awsjson, moto, s3); `signing_name`: the SigV4 service name the
        route serves (None: any). May replace `environ["wsgi.input"]` after reading the body to hash it.
        """
        host = environ.get("HTTP_HOST")
        if not self.hosts.allows_host(host):
            return Refusal("host", f"Host {host!r} is not allowed: glue-emulator answers only to localhost, *.localhost, "
                                   f"IP addresses, its --host and the names in {HOSTS_SETTING}.")
        origin = environ.get("HTTP_ORIGIN")
        if not self.hosts.allows_origin(origin):
            return Refusal("origin", f"Cross-site request from Origin {origin!r} refused: add its host to "
                                     f"{HOSTS_SETTING} to allow it.")
        method = environ.get("REQUEST_METHOD", "GET")
        if route == "emulator" and method not in _SAFE_METHODS and not _deliberate(environ):
            return Refusal("cross_site", f"The emulator's endpoints accept {method} requests only with a JSON "
                                         f"Content-Type (application/json) or an {CUSTOM_HEADER} header.")
        if self.checker is None or (route == "emulator" and method in _SAFE_METHODS):
            return None
        if route == "s3" and (method == "OPTIONS" or (method == "POST" and _form_upload(environ))):
            return None
        body = None if signing_name == "s3" else _read_body(environ, self.max_body)
        raw_path, _, raw_query = _raw_target(environ).partition("?")
        headers = {_header_name(key): value for key, value in environ.items() if _header_name(key)}
        try:
            self.checker.verify(method, raw_path, raw_query, headers, body, signing_name)
        except AuthFailure as failure:
            return Refusal(failure.reason, failure.message, failure.fields, failure.query_auth)
        return None


def _deliberate(environ: Mapping[str, Any]) -> bool:
    """Whether a request carries what no cross-site simple request can: a JSON content type or our header."""
    content_type = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
    return "HTTP_X_GLUE_EMULATOR" in environ or content_type in _JSON_TYPES


def _form_upload(environ: Mapping[str, Any]) -> bool:
    """An HTML form's POST (S3's POST Object): multipart/form-data, no SigV4 header and no query string (every
    other S3 POST names its operation in the query, so none of them passes unsigned as a form)."""
    content_type = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
    return (content_type == "multipart/form-data" and "HTTP_AUTHORIZATION" not in environ
            and not environ.get("QUERY_STRING"))


def _header_name(key: str) -> str | None:
    if key.startswith("HTTP_"):
        return key[5:].replace("_", "-").lower()
    if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        return key.replace("_", "-").lower()
    return None


def _raw_target(environ: Mapping[str, Any]) -> str:
    """The request target as the client sent and signed it (waitress: REQUEST_URI), else rebuilt."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if not raw:
        query = environ.get("QUERY_STRING", "")
        return quote(environ.get("PATH_INFO", "").encode("latin-1"), safe="/") + ("?" + query if query else "")
    if raw.startswith(("http://", "https://")):  # absolute-form target
        raw = "/" + raw.split("://", 1)[1].partition("/")[2]
    return raw


def _read_body(environ: dict[str, Any], limit: int) -> bytes | None:
    """The body (to hash it), put back for the handler; None (not read) when over `limit` bytes."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        return None
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body
