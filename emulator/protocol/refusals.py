"""Refusals in the wire format of the protocol a request speaks, so the client's SDK raises its usual error.

A request is refused before it reaches a handler when its Host or Origin is not trusted, when it is a
cross-site-capable request to the emulator's own endpoints, when its SigV4 signature fails, or when it asks
for a service the emulator does not pass to moto (see emulator/security/). The reason is decided there;
here it gets the code, status and document each protocol uses:

- S3 (REST/XML `<Error>`): codes from S3's error-code list (AccessDenied, InvalidAccessKeyId,
  SignatureDoesNotMatch, RequestTimeTooSkewed, AuthorizationHeaderMalformed,
  AuthorizationQueryParametersError: all HTTP 403 or 400 on record); a presigned URL past its expiry is
  `AccessDenied` "Request has expired", as S3 answers it.
- awsJson (Glue, Logs, the emulator's endpoints, moto's JSON and REST-JSON services): `__type` with
  InvalidSignatureException (signature mismatch, expired or skewed: the "Signature expired: ... is now
  earlier than ... (... - 15 min.)" text AWS JSON services send), UnrecognizedClientException (unknown access
  key), IncompleteSignatureException, MissingAuthenticationTokenException, all HTTP 403 (AWS's common-errors
  page gives 403 for IncompleteSignature, InvalidClientTokenId and MissingAuthenticationToken).
- query (STS, IAM, SNS, ...): `<ErrorResponse><Error>` with SignatureDoesNotMatch, InvalidClientTokenId,
  IncompleteSignature, MissingAuthenticationToken (HTTP 403).

A service moto could answer but the emulator does not serve gets HTTP 501 `NotImplemented` naming the
setting, in the service's own format (no AWS error fits "service switched off"; 501 is not retried by SDKs).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree

from werkzeug.wrappers import Request, Response

from ..errors import AwsError
from . import awsjson, s3xml

# The families of wire formats a refusal can take.
S3, JSON, QUERY = "s3", "json", "query"

# reason -> (code, HTTP status) per family; the reasons are emulator/security's.
_S3_CODES: dict[str, tuple[str, int]] = {
    "host": ("AccessDenied", 403),
    "origin": ("AccessDenied", 403),
    "missing": ("AccessDenied", 403),
    "incomplete": ("AuthorizationHeaderMalformed", 400),
    "unsupported": ("InvalidRequest", 400),
    "no_payload_hash": ("InvalidRequest", 400),
    "unknown_key": ("InvalidAccessKeyId", 403),
    "mismatch": ("SignatureDoesNotMatch", 403),
    "wrong_service": ("AuthorizationHeaderMalformed", 400),
    "skewed": ("RequestTimeTooSkewed", 403),
    "expired": ("AccessDenied", 403),
    "bad_expires": ("AuthorizationQueryParametersError", 400),
    "not_served": ("NotImplemented", 501),
}
_JSON_CODES: dict[str, tuple[str, int]] = {
    "host": ("AccessDeniedException", 403),
    "origin": ("AccessDeniedException", 403),
    "cross_site": ("AccessDeniedException", 403),
    "missing": ("MissingAuthenticationTokenException", 403),
    "incomplete": ("IncompleteSignatureException", 403),
    "unsupported": ("IncompleteSignatureException", 403),
    "no_payload_hash": ("IncompleteSignatureException", 403),
    "unknown_key": ("UnrecognizedClientException", 403),
    "mismatch": ("InvalidSignatureException", 403),
    "wrong_service": ("InvalidSignatureException", 403),
    "skewed": ("InvalidSignatureException", 403),
    "expired": ("InvalidSignatureException", 403),
    "bad_expires": ("InvalidSignatureException", 403),
    "not_served": ("NotImplemented", 501),
}
_QUERY_CODES: dict[str, tuple[str, int]] = {
    "host": ("AccessDenied", 403),
    "origin": ("AccessDenied", 403),
    "missing": ("MissingAuthenticationToken", 403),
    "incomplete": ("IncompleteSignature", 403),
    "unsupported": ("IncompleteSignature", 403),
    "no_payload_hash": ("IncompleteSignature", 403),
    "unknown_key": ("InvalidClientTokenId", 403),
    "mismatch": ("SignatureDoesNotMatch", 403),
    "wrong_service": ("SignatureDoesNotMatch", 403),
    "skewed": ("SignatureDoesNotMatch", 403),
    "expired": ("SignatureDoesNotMatch", 403),
    "bad_expires": ("SignatureDoesNotMatch", 403),
    "not_served": ("NotImplemented", 501),
}
# S3 names malformed presigned-URL fields apart from a malformed Authorization header.
_S3_QUERY_AUTH = {"incomplete": ("AuthorizationQueryParametersError", 400)}
# The texts S3 and the JSON services use where ours (from emulator/security) would differ.
_S3_MESSAGES = {
    "missing": "Access Denied",
    "unknown_key": "The AWS Access Key Id you provided does not exist in our records.",
    "mismatch": "The request signature we calculated does not match the signature you provided. Check your key "
    "and signing method.",
    "skewed": "The difference between the request time and the current time is too large.",
    "unsupported": "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.",
}
_JSON_MESSAGES = {
    "mismatch": "The request signature we calculated does not match the signature you provided. Check your AWS "
    "Secret Access Key and signing method. Consult the service documentation for details.",
}
# The details S3 puts in a SignatureDoesNotMatch/InvalidAccessKeyId/RequestTimeTooSkewed/expired document.
_S3_FIELDS = ("AWSAccessKeyId", "StringToSign", "SignatureProvided", "CanonicalRequest", "RequestTime",
              "ServerTime", "MaxAllowedSkewMilliseconds", "X-Amz-Expires", "Expires")


def family_of(environ: Mapping[str, Any], route: str) -> str:
    """The error format a request expects: `route` is app.py's (emulator, awsjson, moto, s3)."""
    if route == "s3":
        return S3
    if route != "moto" or environ.get("HTTP_X_AMZ_TARGET"):
        return JSON
    content_type = environ.get("CONTENT_TYPE", "")
    query = environ.get("QUERY_STRING", "")
    if content_type.startswith("application/x-www-form-urlencoded") or "Action=" in query or "xml" in content_type:
        return QUERY
    return JSON  # REST-JSON services (Lambda, Batch, ...) read X-Amzn-ErrorType like awsJson ones


def refusal(
    request: Request,
    family: str,
    reason: str,
    message: str,
    fields: Mapping[str, str] | None = None,
    query_auth: bool = False,
) -> Response:
    """The response refusing `request` for `reason` (see the tables above)."""
    request_id = s3xml.new_request_id() if family == S3 else str(uuid.uuid4())
    if family == S3:
        code, status = (_S3_QUERY_AUTH if query_auth else {}).get(reason) or _S3_CODES.get(reason, _S3_CODES["host"])
        details = {name: value for name, value in (fields or {}).items() if name in _S3_FIELDS}
        return s3xml.error_response(AwsError(_S3_MESSAGES.get(reason, message), code, status, **details),
                                    request, request_id)
    if family == QUERY:
        code, status = _QUERY_CODES.get(reason, _QUERY_CODES["host"])
        return query_error(code, status, message, request_id)
    code, status = _JSON_CODES.get(reason, _JSON_CODES["host"])
    return awsjson.error_response(AwsError(_JSON_MESSAGES.get(reason, message), code, status), request_id)


def query_error(code: str, status: int, message: str, request_id: str) -> Response:
    root = ElementTree.Element("ErrorResponse")
    error = ElementTree.SubElement(root, "Error")
    ElementTree.SubElement(error, "Type").text = "Sender"
    ElementTree.SubElement(error, "Code").text = code
    ElementTree.SubElement(error, "Message").text = message
    ElementTree.SubElement(root, "RequestId").text = request_id
    body = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, status=status, headers={"Content-Type": "text/xml", "x-amzn-RequestId": request_id})
