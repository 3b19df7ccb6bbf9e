"""Browser-based uploads: POST Object, an HTML form (multipart/form-data) posted to the bucket's URL.

What boto3's `generate_presigned_post` makes and a browser (or `requests.post(url, data=fields, files=...)`)
sends, as https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html and
https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html describe it:

- the form's fields carry what PutObject takes as headers (`key`, `Content-Type`, `Cache-Control`,
  `Content-Disposition`, `Content-Encoding`, `Expires`, `x-amz-meta-*`, `x-amz-storage-class`, `tagging` as a
  Tagging XML document, `Content-MD5`); field names are case-insensitive; the one file field is the object
  (fields after it are ignored by S3, and werkzeug's parser reads them all: they count here); the file is the
  part named `file`;
- `${filename}` in `key` becomes the uploaded file's name;
- a `policy` (base64 JSON `{"expiration", "conditions"}`) is enforced: an expired policy, a failed condition
  (`{"field": value}`, `["eq", "$field", value]`, `["starts-with", "$field", prefix]`,
  `["content-length-range", min, max]`) and a form field no condition covers are 403 AccessDenied
  "Invalid according to Policy: ..."; too small or too large a file is EntityTooSmall / EntityTooLarge;
- with GLUE_EMULATOR_VERIFY_SIGV4=1 the policy's signature (`x-amz-signature` over the base64 policy with
  the signing key of `x-amz-credential`) is verified, and a form without one is refused, as on a bucket that
  is not public;
- the answer: `success_action_redirect` (or `redirect`) -> 303 to that URL with `bucket`, `key` and `etag`
  added to its query; else `success_action_status` 200 or 201 (a PostResponse document), 204 otherwise
  (the default), each with the object's ETag and Location.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import hmac
import json
import time
from collections.abc import Mapping
from hashlib import sha256
from typing import Any, BinaryIO
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from werkzeug.datastructures import FileStorage, Headers
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.http import parse_options_header

from ..context import RequestContext
from ..events import s3 as s3_events
from ..protocol.s3xml import S3Reply, S3Request, child_text, parse_xml, to_xml
from .checksums import BodyDigests, Expected, check_content_md5
from .errors import (
    AccessDenied,
    EntityTooLarge,
    EntityTooSmall,
    InvalidAccessKeyId,
    InvalidArgument,
    InvalidPolicyDocument,
    InvalidRequest,
    MalformedPOSTRequest,
    MalformedXML,
    MaxPostPreDataLengthExceeded,
    SignatureDoesNotMatch,
)
from .objects import ENCRYPTION, MAX_OBJECT_SIZE, check_tags, object_fields
from .storage import storage

_MAX_FIELDS_BYTES = 20 * 1024  # S3 refuses more in the fields besides the file: MaxPostPreDataLengthExceeded
_PARSER_MEMORY = 1024 * 1024
_CHUNK = 1 << 20
# Fields no policy condition needs to cover (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html).
_UNCHECKED = {"policy", "x-amz-signature", "file", "signature", "awsaccesskeyid"}
_FORM_HEADERS = ("content-type", "cache-control", "content-disposition", "content-encoding", "content-language",
                 "expires", "x-amz-website-redirect-location", "x-amz-storage-class", "content-md5")


def _read_form(req: S3Request) -> tuple[dict[str, str], FileStorage]:
    """The form's fields (names lower case; x-amz-meta-* as sent) and its one file; MalformedPOSTRequest else."""
    mimetype, options = parse_options_header(req.headers.get("Content-Type", ""))
    if req.length is not None and req.length > MAX_OBJECT_SIZE + _MAX_FIELDS_BYTES:
        raise EntityTooLarge(ProposedSize=str(req.length), MaxSizeAllowed=str(MAX_OBJECT_SIZE))
    # werkzeug's limit bounds its buffer, which holds a read chunk (64 KiB) whole: S3's 20 KB is checked after.
    parser = FormDataParser(max_form_memory_size=_PARSER_MEMORY, silent=False, max_form_parts=1000)
    try:
        _, form, files = parser.parse(req.body, mimetype, req.length, options)
    except RequestEntityTooLarge:
        raise MaxPostPreDataLengthExceeded() from None
    except (HTTPException, ValueError):
        raise MalformedPOSTRequest() from None
    fields: dict[str, str] = {}
    for name, value in form.items(multi=True):
        fields.setdefault(name if name.lower().startswith("x-amz-meta-") else name.lower(), value)
    if sum(len(name) + len(value.encode()) for name, value in fields.items()) > _MAX_FIELDS_BYTES:
        raise MaxPostPreDataLengthExceeded()
    uploads = files.getlist("file")
    if len(uploads) != 1:
        raise InvalidArgument("POST requires exactly one file upload per request.", ArgumentName="file",
                              ArgumentValue=str(len(uploads)))
    return fields, uploads[0]


def _size_of(upload: FileStorage) -> int:
    stream = upload.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def _policy_failed(detail: str) -> AccessDenied:
    return AccessDenied(f"Invalid according to Policy: {detail}")


def _check_policy(encoded: str, fields: Mapping[str, str], bucket: str, size: int) -> None:
    """Enforce the policy document on the form (the module docstring's rules)."""
    try:
        policy = json.loads(base64.b64decode(encoded, validate=True))
        expiration = calendar.timegm(time.strptime(policy["expiration"][:19], "%Y-%m-%dT%H:%M:%S"))
        conditions = policy["conditions"]
        if not isinstance(conditions, list):
            raise TypeError
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise InvalidPolicyDocument() from None
    if time.time() > expiration:
        raise _policy_failed("Policy expired.")
    values = {**{name.lower(): value for name, value in fields.items()}, "bucket": bucket}
    covered: set[str] = set()
    for condition in conditions:
        if isinstance(condition, dict):
            for name, wanted in condition.items():
                name = name.lower().removeprefix("$")
                covered.add(name)
                if values.get(name) != wanted:
                    raise _policy_failed(f'Policy Condition failed: ["eq", "${name}", "{wanted}"]')
            continue
        if not isinstance(condition, list) or len(condition) != 3:
            raise InvalidPolicyDocument("Invalid Policy: Invalid Condition.")
        operator, subject, operand = condition
        if str(operator).lower() == "content-length-range":
            try:
                low, high = int(subject), int(operand)
            except (TypeError, ValueError):
                raise InvalidPolicyDocument("Invalid Policy: Invalid content-length-range.") from None
            if size < low:
                raise EntityTooSmall(ProposedSize=str(size), MinSizeAllowed=str(low))
            if size > high:
                raise EntityTooLarge(ProposedSize=str(size), MaxSizeAllowed=str(high))
            continue
        if operator not in ("eq", "starts-with") or not isinstance(operand, str):
            raise InvalidPolicyDocument(f"Invalid Policy: Invalid Condition: {json.dumps(condition)}")
        name = str(subject).lower().removeprefix("$")
        covered.add(name)
        value = values.get(name, "")
        holds = value == operand if operator == "eq" else value.startswith(operand)
        if not holds:
            raise _policy_failed(f'Policy Condition failed: ["{operator}", "${name}", "{operand}"]')
    extra = [name for name in values if name not in covered and name not in _UNCHECKED and name != "bucket"
             and not name.startswith("x-ignore-")]
    if extra:
        raise _policy_failed(f"Extra input fields: {', '.join(extra)}")


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), sha256).digest()
    return key


def _check_signature(ctx: RequestContext, fields: Mapping[str, str]) -> None:
    """With SigV4 verification on: x-amz-signature must be the policy's, signed with an accepted key pair.

    A SigV2 form (AWSAccessKeyId and signature: boto3's generate_presigned_post unless the client is configured
    with signature_version="s3v4") is InvalidRequest, as S3 answers SigV2 for buckets made since 2020.
    """
    if "awsaccesskeyid" in fields or "signature" in fields:
        raise InvalidRequest("The authorization mechanism you have provided is not supported. Please use "
                             "AWS4-HMAC-SHA256.")
    if "policy" not in fields or "x-amz-signature" not in fields or "x-amz-credential" not in fields:
        raise AccessDenied("Access Denied")
    access_key, _, scope = fields["x-amz-credential"].partition("/")
    date, _, rest = scope.partition("/")
    region, _, service = rest.partition("/")
    secret = ctx.settings.credentials.get(access_key)
    if secret is None:
        raise InvalidAccessKeyId(AWSAccessKeyId=access_key)
    expected = hmac.new(_signing_key(secret, date, region, service.partition("/")[0]), fields["policy"].encode(),
                        sha256).hexdigest()
    if not hmac.compare_digest(expected, fields["x-amz-signature"]):
        raise SignatureDoesNotMatch(AWSAccessKeyId=access_key, StringToSign=fields["policy"],
                                    SignatureProvided=fields["x-amz-signature"])


def _object_headers(fields: Mapping[str, str]) -> Headers:
    """The PutObject headers the form's fields stand for (case-insensitive, as object_fields reads headers)."""
    headers = [(name, fields[name]) for name in _FORM_HEADERS if name in fields]
    headers += [(name, value) for name, value in fields.items() if name.lower().startswith("x-amz-meta-")]
    return Headers(headers)


def _tags(document: str) -> list[dict[str, str]]:
    root = parse_xml(document.encode(), "Tagging")
    tag_set = root.find("TagSet")
    if tag_set is None:
        raise MalformedXML()
    return check_tags([{"Key": child_text(tag, "Key") or "", "Value": child_text(tag, "Value") or ""}
                       for tag in tag_set.findall("Tag")])


def _write(ctx: RequestContext, bucket: str, key: str, body: BinaryIO, headers: Headers,
           tagging: str | None) -> dict[str, Any]:
    store = storage(ctx)
    location = store.layout.locate(bucket, key)
    fields = object_fields(headers)
    if tagging:
        fields["TagSet"] = _tags(tagging)
    expected = Expected.of_request(headers)
    content_md5 = check_content_md5(headers.get("Content-MD5"))
    digests = BodyDigests(expected.algorithm)
    with store.layout.staged(location) as staged:
        digests.consume(iter(lambda: body.read(_CHUNK), b""), staged.write)
        checksum = digests.verify(content_md5, expected)
        doc = {"ETag": digests.etag(), **fields, **checksum}
        written = store.commit(location, staged, doc, None)
    s3_events.object_changed(ctx, bucket, key, "PostObject", written.st_size, doc["ETag"])
    return doc


def _redirect(url: str, bucket: str, key: str, etag: str) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + [("bucket", bucket), ("key", key), ("etag", etag)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def post_object(ctx: RequestContext, req: S3Request) -> S3Reply:
    """Store the form's file as the object `key`; the answer the form asked for (module docstring)."""
    bucket = req.bucket or ""
    storage(ctx).require_bucket(bucket)
    fields, upload = _read_form(req)
    try:
        return _store_upload(ctx, req, bucket, fields, upload)
    finally:
        upload.close()  # werkzeug spools a large file to a temporary file: remove it now, not at collection


def _store_upload(ctx: RequestContext, req: S3Request, bucket: str, fields: dict[str, str],
                  upload: FileStorage) -> S3Reply:
    if "key" not in fields:
        raise InvalidArgument("Bucket POST must contain a field named 'key'.  If it is specified, please check the "
                              "order of the fields.", ArgumentName="key", ArgumentValue="")
    size = _size_of(upload)
    if ctx.settings.verify_sigv4:
        _check_signature(ctx, fields)
    if "policy" in fields:
        _check_policy(fields["policy"], fields, bucket, size)
    key = fields["key"].replace("${filename}", upload.filename or "")
    if not key:
        raise InvalidArgument("User key must have a length greater than 0.", ArgumentName="key", ArgumentValue="")
    doc = _write(ctx, bucket, key, upload.stream, _object_headers(fields), fields.get("tagging"))
    location = f"http://{req.headers.get('Host', 'localhost')}/{quote(bucket)}/{quote(key)}"
    headers = {"ETag": doc["ETag"], "Location": location, **ENCRYPTION}
    redirect = fields.get("success_action_redirect") or fields.get("redirect")
    if redirect:
        return S3Reply(303, {**headers, "Location": _redirect(redirect, bucket, key, doc["ETag"])})
    status = fields.get("success_action_status")
    if status == "201":
        body = to_xml("PostResponse", {"Location": location, "Bucket": bucket, "Key": key, "ETag": doc["ETag"]},
                      namespace=False)
        return S3Reply(201, {**headers, "Content-Type": "application/xml"}, body)
    return S3Reply(200 if status == "200" else 204, headers)
