"""SigV4 verification (opt-in: `GLUE_EMULATOR_VERIFY_SIGV4=1` with `GLUE_EMULATOR_CREDENTIALS=AKID:SECRET,...`).

The signature a request carries is recomputed with botocore's own signer (`botocore.auth.SigV4Auth`) from
what the client sent: the method, the raw path and query, the headers the client listed in SignedHeaders
(not the headers botocore would choose) and the payload hash, with the secret of the access key id named
in the credential scope. Both forms are verified:

- the Authorization header (`AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`): its
  X-Amz-Date must be within 15 minutes of the server's clock, as AWS requires;
- presigned URLs (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
  `X-Amz-SignedHeaders`, `X-Amz-Signature` in the query): they are refused after X-Amz-Date + X-Amz-Expires
  (at most 604800 s, 7 days).

Payload hash: S3 signs the value of `x-amz-content-sha256` (presigned URLs: `UNSIGNED-PAYLOAD`); other
services sign the SHA-256 of the body, so the body is read and hashed here. What is not verified: the
signatures of each `aws-chunked` chunk (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: the seed signature in the
Authorization header is), and that an S3 body matches its declared `x-amz-content-sha256`. SigV4A and
SigV2 are refused as unsupported.

Failures are raised as `AuthFailure` with a reason; the protocol layer names it as each service does
(see protocol/refusals.py).
"""

from __future__ import annotations

import hmac
import re
import time
from calendar import timegm
from collections.abc import Mapping
from dataclasses import dataclass
from hashlib import sha256
from urllib.parse import quote, unquote, unquote_plus

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials as BotoCredentials

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW_SECONDS = 15 * 60  # "more than 15 minutes" (AWS common errors: RequestExpired; S3: RequestTimeTooSkewed)
MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # S3: X-Amz-Expires at most 604800
_AUTH_FIELD = re.compile(r"(Credential|SignedHeaders|Signature)=([^,\s]*)")
_DATE = "%Y%m%dT%H%M%SZ"


class AuthFailure(Exception):
    """A request whose signature does not prove it comes from a holder of an accepted key pair.

    `reason` is one of: missing (unsigned), incomplete (malformed signature fields), unknown_key,
    mismatch, wrong_service, skewed (header date off by more than 15 minutes), expired (presigned URL),
    bad_expires, unsupported (SigV2/SigV4A), no_payload_hash (S3 without x-amz-content-sha256).
    `fields` are the details S3 adds to its error document.
    """

    def __init__(self, reason: str, message: str, **fields: str):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.fields = fields
        self.query_auth = False  # whether the request was a presigned URL (S3 names errors apart)


@dataclass(frozen=True)
class SignedRequest:
    """What a request says about its signature."""

    access_key: str
    date: str  # X-Amz-Date, e.g. 20261201T011500Z
    scope_date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    presigned: bool
    expires: int | None  # presigned URLs: seconds of validity


class _Verifier(SigV4Auth):
    """botocore's signer with the headers and payload hash taken from the request as received."""

    def __init__(self, secret: str, signed: SignedRequest, headers: HTTPHeaders, payload_hash: str):
        super().__init__(BotoCredentials(signed.access_key, secret), signed.service, signed.region)
        self._signed_headers = headers
        self._payload_hash = payload_hash
        self._s3 = signed.service == "s3"
        self._scope_date = signed.scope_date

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        return self._signed_headers

    def payload(self, request: AWSRequest) -> str:
        return self._payload_hash

    def _normalize_url_path(self, path: str) -> str:
        # S3 neither normalises nor double-encodes the path (botocore's S3SigV4Auth); other services do.
        return quote(unquote(path), safe="/~") if self._s3 else super()._normalize_url_path(path)

    def compute(self, method: str, path: str, query: list[tuple[str, str]], date: str) -> tuple[str, str, str]:
        """(canonical request, string to sign, signature) for the request."""
        request = AWSRequest(method=method, url="http://emulator" + path, params=query)
        request.context["timestamp"] = date
        canonical = self.canonical_request(request)
        string_to_sign = self.string_to_sign(request, canonical)
        return canonical, string_to_sign, self.signature(string_to_sign, request)

    def credential_scope(self, request: AWSRequest) -> str:
        # The client's scope date, which AWS requires to equal X-Amz-Date's day (a mismatch fails below).
        return f"{self._scope_date}/{self._region_name}/{self._service_name}/aws4_request"


def _parse_credential(credential: str) -> tuple[str, str, str, str]:
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or not parts[0]:
        raise AuthFailure("incomplete", f"Credential should have five slash-separated parts: {credential!r}")
    return parts[0], parts[1], parts[2], parts[3]


def read_signature(headers: Mapping[str, str], query: list[tuple[str, str]]) -> SignedRequest:
    """The signature fields of a request (Authorization header or presigned query); AuthFailure if none.

    `headers`: lower-case names.
    """
    auth = headers.get("authorization")
    params = dict(query)
    if auth is not None:
        algorithm = auth.strip().partition(" ")[0]
        if algorithm != ALGORITHM:
            raise AuthFailure("unsupported", f"Unsupported Authorization algorithm {algorithm!r}; expected {ALGORITHM}")
        fields = dict(_AUTH_FIELD.findall(auth))
        missing = [name for name in ("Credential", "SignedHeaders", "Signature") if not fields.get(name)]
        date = headers.get("x-amz-date", "")
        if missing or not date:
            absent = missing + ([] if date else ["X-Amz-Date"])
            raise AuthFailure("incomplete", f"Authorization header requires {', '.join(absent)}.")
        key, scope_date, region, service = _parse_credential(fields["Credential"])
        return SignedRequest(key, date, scope_date, region, service, tuple(fields["SignedHeaders"].split(";")),
                             fields["Signature"], presigned=False, expires=None)
    if "X-Amz-Signature" in params or "X-Amz-Credential" in params:
        if params.get("X-Amz-Algorithm") != ALGORITHM:
            raise AuthFailure("unsupported", f"X-Amz-Algorithm only supports {ALGORITHM}")
        needed = ("X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Expires")
        absent = [name for name in needed if not params.get(name)]
        if absent:
            raise AuthFailure("incomplete", f"Query-string authentication requires {', '.join(absent)}.")
        try:
            expires = int(params["X-Amz-Expires"])
        except ValueError:
            raise AuthFailure("bad_expires", "X-Amz-Expires should be a number") from None
        if not 0 <= expires <= MAX_PRESIGN_SECONDS:
            raise AuthFailure("bad_expires", "X-Amz-Expires must be less than a week (in seconds) that is 604800")
        key, scope_date, region, service = _parse_credential(params["X-Amz-Credential"])
        return SignedRequest(key, params["X-Amz-Date"], scope_date, region, service,
                             tuple(params["X-Amz-SignedHeaders"].split(";")), params["X-Amz-Signature"],
                             presigned=True, expires=expires)
    if "Signature" in params and "AWSAccessKeyId" in params:
        raise AuthFailure("unsupported", "Signature Version 2 is not supported; sign requests with SigV4")
    raise AuthFailure("missing", "Request is missing Authentication Token")


def _epoch(date: str) -> int:
    try:
        return timegm(time.strptime(date, _DATE))
    except ValueError:
        raise AuthFailure("incomplete", f"X-Amz-Date must be in the ISO8601 basic format YYYYMMDD'T'HHMMSS'Z': "
                                        f"{date!r}") from None


def _check_time(signed: SignedRequest, now: float) -> None:
    signed_at = _epoch(signed.date)
    server_time = time.strftime(_DATE, time.gmtime(now))
    if signed.presigned:
        assert signed.expires is not None
        if now > signed_at + signed.expires:
            raise AuthFailure("expired", "Request has expired", **{"X-Amz-Expires": str(signed.expires)},
                              Expires=_iso(signed_at + signed.expires), ServerTime=_iso(now))
        if signed_at - now > MAX_SKEW_SECONDS:
            raise AuthFailure("skewed", f"Signature not yet current: {signed.date} is still later than "
                                        f"{_plus(now, MAX_SKEW_SECONDS)} ({server_time} + 15 min.)")
        return
    if now - signed_at > MAX_SKEW_SECONDS:
        raise AuthFailure("skewed", f"Signature expired: {signed.date} is now earlier than "
                                    f"{_plus(now, -MAX_SKEW_SECONDS)} ({server_time} - 15 min.)",
                          RequestTime=signed.date, ServerTime=_iso(now), MaxAllowedSkewMilliseconds="900000")
    if signed_at - now > MAX_SKEW_SECONDS:
        raise AuthFailure("skewed", f"Signature not yet current: {signed.date} is still later than "
                                    f"{_plus(now, MAX_SKEW_SECONDS)} ({server_time} + 15 min.)",
                          RequestTime=signed.date, ServerTime=_iso(now), MaxAllowedSkewMilliseconds="900000")


def _plus(now: float, seconds: int) -> str:
    return time.strftime(_DATE, time.gmtime(now + seconds))


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


class SignatureChecker:
    """Verifies requests against the accepted key pairs (`credentials`: access key id -> secret).

    `run_secret` is also accepted with any 12-digit access key id (besides its configured secret, if any):
    the credentials the emulator gives its own job runs (the key id is the run's account).
    """

    def __init__(self, credentials: Mapping[str, str], run_secret: str | None = None):
        self._credentials = dict(credentials)
        self._run_secret = run_secret

    def _secrets(self, access_key: str) -> list[str]:
        """The secrets a key id may sign with: its configured one, and the runs' one for an account id."""
        secrets = [self._credentials[access_key]] if access_key in self._credentials else []
        if self._run_secret and len(access_key) == 12 and access_key.isdigit():
            secrets.append(self._run_secret)
        if not secrets:
            raise AuthFailure("unknown_key", "The security token included in the request is invalid.",
                              AWSAccessKeyId=access_key)
        return secrets

    def verify(
        self,
        method: str,
        raw_path: str,
        raw_query: str,
        headers: Mapping[str, str],
        body: bytes | None,
        expected_service: str | None = None,
        now: float | None = None,
    ) -> SignedRequest:
        """Check one request; returns its signature fields, raises AuthFailure.

        `raw_path`/`raw_query`: the request target as sent (percent-encoded); `body`: the payload for
        services that sign its hash (None: not read, for S3, which signs x-amz-content-sha256, or because
        it is too large to hash); `expected_service`:
        the signing name the route serves (None: any, for the emulator's own endpoints).
        """
        query = _parse_query(raw_query)
        received: dict[str, list[str]] = {}
        for name, value in headers.items():
            received.setdefault(name.lower(), []).append(value)
        try:
            return self._verify(method, raw_path, query, received, body, expected_service, now)
        except AuthFailure as failure:
            failure.query_auth = "authorization" not in received and any(k == "X-Amz-Credential" for k, _ in query)
            raise

    def _verify(
        self,
        method: str,
        raw_path: str,
        query: list[tuple[str, str]],
        received: dict[str, list[str]],
        body: bytes | None,
        expected_service: str | None,
        now: float | None,
    ) -> SignedRequest:
        headers = {name: values[0] for name, values in received.items()}
        signed = read_signature(headers, query)
        secrets = self._secrets(signed.access_key)
        _check_time(signed, time.time() if now is None else now)
        if expected_service is not None and signed.service != expected_service:
            raise AuthFailure("wrong_service", f"Credential should be scoped to correct service: '{expected_service}'.")
        signed_names = {name.lower() for name in signed.signed_headers}
        if "host" not in signed_names:
            raise AuthFailure("incomplete", "'Host' must be a 'SignedHeader' in the AWS Authorization.")
        header_map = HTTPHeaders()
        for name in sorted(signed_names):
            for value in received.get(name, [""]):
                header_map[name] = value  # HTTPHeaders keeps repeats; botocore joins them with commas
        if signed.presigned:
            query = [(k, v) for k, v in query if k != "X-Amz-Signature"]
        payload_hash = _payload_hash(signed, headers, body)
        for secret in secrets:
            verifier = _Verifier(secret, signed, header_map, payload_hash)
            canonical, string_to_sign, expected = verifier.compute(method, raw_path or "/", query, signed.date)
            if hmac.compare_digest(expected, signed.signature):
                return signed
        raise AuthFailure(
            "mismatch",
            "The request signature we calculated does not match the signature you provided. Check your key "
            "and signing method.",
            AWSAccessKeyId=signed.access_key,
            StringToSign=string_to_sign,
            SignatureProvided=signed.signature,
            CanonicalRequest=canonical,
        )


def _parse_query(raw_query: str) -> list[tuple[str, str]]:
    """Decoded (name, value) pairs in order (`+` is a space); botocore re-encodes them the canonical way."""
    pairs = []
    for item in raw_query.split("&"):
        if item:
            name, _, value = item.partition("=")
            pairs.append((unquote_plus(name), unquote_plus(value)))
    return pairs


def _payload_hash(signed: SignedRequest, headers: Mapping[str, str], body: bytes | None) -> str:
    declared = headers.get("x-amz-content-sha256")
    if signed.service == "s3":
        if declared:
            return declared
        if signed.presigned:
            return "UNSIGNED-PAYLOAD"
        raise AuthFailure("no_payload_hash", "Missing required header for this request: x-amz-content-sha256")
    if body is None:
        raise AuthFailure("incomplete", "The request body is too large to verify its signature")
    return sha256(body).hexdigest()
