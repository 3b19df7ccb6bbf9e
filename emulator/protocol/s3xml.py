"""S3's REST/XML protocol: which bucket, key and operation a request addresses; XML in and out.

- Addressing: path style (`/bucket/key`) or virtual-host style (Host `bucket.localhost:PORT` or
  `bucket.s3.localhost:PORT`). The key is percent-decoded once from the raw request path (waitress'
  REQUEST_URI), never from a server-normalised path, so `//`, a trailing `/` and `%2F` survive as S3
  keeps them.
- The operation comes from botocore's S3 model: each operation's HTTP method, URI (service, bucket or
  object), literal query (`?uploads`, `?list-type=2`) and required query/header members
  (`uploadId`, `x-amz-copy-source`); the most specific match wins.
- Bodies: `aws-chunked` payloads (SigV4 streaming, signed or unsigned, with or without trailing
  checksums) are decoded as they are read; nothing is held whole in memory.
- Replies: XML documents in S3's namespace, files streamed with the server's file wrapper, and errors
  as S3's `<Error>` documents (no body for HEAD, as S3 does).
"""

from __future__ import annotations

import base64
import calendar
import io
import re
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from typing import Any, BinaryIO
from urllib.parse import parse_qsl, quote, unquote
from xml.etree import ElementTree

from werkzeug.wrappers import Request, Response

from ..errors import AwsError
from ..s3.errors import IncompleteBody, InvalidRequest, InvalidURI, MalformedXML, S3NotImplemented
from ..serving import CHUNKED_BODY

XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"
_VIRTUAL_HOST = re.compile(r"^(?P<bucket>.+?)(?:\.s3)?\.localhost$")
_STREAMING = "STREAMING-"
_MAX_XML_BODY = 4 * 1024 * 1024
_META_HEADER = "x-amz-meta-"


# -- requests ---------------------------------------------------------------------------------------


@dataclass
class S3Request:
    """What a handler needs of a request: addressing, query, headers and the decoded body."""

    method: str
    bucket: str | None
    key: str | None
    query: dict[str, str]
    headers: Mapping[str, str]
    body: BinaryIO
    # The payload's length once decoded (x-amz-decoded-content-length for aws-chunked), when announced.
    length: int | None
    trailers: dict[str, str] = field(default_factory=dict)

    def read_xml(self, root: str) -> ElementTree.Element:
        """The request's XML document (namespace dropped), checked to have the expected root element."""
        data = self.body.read(_MAX_XML_BODY + 1)
        if len(data) > _MAX_XML_BODY:
            raise MalformedXML("The XML you provided was larger than the maximum allowed")
        return parse_xml(data, root)


def parse_xml(data: bytes, root: str) -> ElementTree.Element:
    try:
        element = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise MalformedXML() from None
    for node in element.iter():
        node.tag = node.tag.rpartition("}")[2]
    if element.tag != root:
        raise MalformedXML()
    return element


def child_text(element: ElementTree.Element, tag: str) -> str | None:
    node = element.find(tag)
    return None if node is None else (node.text or "")


def _raw_target(environ: Mapping[str, Any]) -> str:
    """The request target as sent (waitress: REQUEST_URI; gunicorn: RAW_URI), else rebuilt."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if not raw:
        path = quote(environ.get("PATH_INFO", "").encode("latin-1"), safe="/")
        query = environ.get("QUERY_STRING", "")
        return path + ("?" + query if query else "")
    if raw.startswith(("http://", "https://")):  # absolute-form target
        raw = "/" + raw.split("://", 1)[1].partition("/")[2]
    return raw


def _decode(raw: str) -> str:
    try:
        return unquote(raw, errors="strict")
    except UnicodeDecodeError:
        raise InvalidURI(URI=raw) from None


def address(host: str, raw_path: str) -> tuple[str | None, str | None]:
    """(bucket, key) of a request from its Host header (virtual-host style) or its raw path."""
    hostname = host[1:].partition("]")[0] if host.startswith("[") else host.rpartition(":")[0] or host
    path = raw_path.removeprefix("/")
    match = _VIRTUAL_HOST.match(hostname.lower())
    if match and match.group("bucket") != "s3":
        return match.group("bucket"), _decode(path) or None
    if not path:
        return None, None
    bucket, slash, key = path.partition("/")
    return _decode(bucket), (_decode(key) if slash and key else None)


def parse_request(request: Request) -> S3Request:
    raw_path, _, raw_query = _raw_target(request.environ).partition("?")
    bucket, key = address(request.headers.get("Host", ""), raw_path)
    query: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        query.setdefault(name, value)
    headers = request.headers
    length = request.content_length
    body: BinaryIO = request.stream  # type: ignore[assignment]
    trailers: dict[str, str] = {}
    encoding = headers.get("Content-Encoding", "")
    streaming = headers.get("x-amz-content-sha256", "").startswith(_STREAMING) or "aws-chunked" in encoding
    if request.environ.get(CHUNKED_BODY) and not streaming:
        # S3 takes a body of unknown length only as SigV4 streaming (aws-chunked); plain HTTP chunking is refused
        # (seen by users of aws-sdk-go#4944, aws-sdk-js-v3#3383, botocore#35).
        raise S3NotImplemented(Header="Transfer-Encoding")
    if streaming:
        decoded = headers.get("x-amz-decoded-content-length")
        if decoded is None or not decoded.isdigit():
            raise InvalidRequest("x-amz-decoded-content-length must be given with an aws-chunked payload")
        length = int(decoded)
        body = AwsChunkedReader(body, length, trailers)  # type: ignore[assignment]
    return S3Request(request.method, bucket, key, query, headers, body, length, trailers)


class AwsChunkedReader(io.RawIOBase):
    """Decodes `<hex size>[;chunk-signature=...]\\r\\n<data>\\r\\n ... 0\\r\\n<trailers>\\r\\n`.

    Signatures are not checked (the emulator checks none); trailing headers (checksums) are put in
    `trailers`. A payload shorter or longer than announced is IncompleteBody.
    """

    def __init__(self, raw: BinaryIO, length: int, trailers: dict[str, str]):
        super().__init__()
        self._raw = raw
        self._announced = length
        self._received = 0
        self._left_in_chunk = 0
        self._done = False
        self.trailers = trailers

    def readable(self) -> bool:
        return True

    def _line(self) -> bytes:
        line = self._raw.readline(4096)
        if not line.endswith(b"\r\n"):
            raise IncompleteBody("The aws-chunked payload ended before its final chunk")
        return line[:-2]

    def _next_chunk(self) -> None:
        size_text = self._line().split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise IncompleteBody(f"Malformed aws-chunked chunk header: {size_text[:32]!r}") from None
        if size:
            self._left_in_chunk = size
            return
        while line := self._line():  # trailing headers, then an empty line
            name, _, value = line.decode("latin-1").partition(":")
            self.trailers[name.strip().lower()] = value.strip()
        self._done = True
        if self._received != self._announced:
            raise IncompleteBody(
                f"The aws-chunked payload held {self._received} bytes, x-amz-decoded-content-length announced"
                f" {self._announced}"
            )

    def read(self, size: int = -1) -> bytes:
        if self._done:
            return b""
        if self._left_in_chunk == 0:
            self._next_chunk()
            if self._done:
                return b""
        want = self._left_in_chunk if size is None or size < 0 else min(size, self._left_in_chunk)
        data = self._raw.read(want)
        if not data:
            raise IncompleteBody("The aws-chunked payload ended inside a chunk")
        self._left_in_chunk -= len(data)
        self._received += len(data)
        if self._left_in_chunk == 0 and self._raw.read(2) != b"\r\n":
            raise IncompleteBody("An aws-chunked chunk is not followed by CRLF")
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


# -- operations -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Route:
    operation: str
    literals: tuple[tuple[str, str | None], ...]  # query names, with the value they must have (or any)
    query: tuple[str, ...]  # required query members
    headers: tuple[str, ...]  # required header members (lower case)

    def matches(self, query: Mapping[str, str], headers: Mapping[str, str]) -> bool:
        return (
            all(name in query and (value is None or query[name] == value) for name, value in self.literals)
            and all(name in query for name in self.query)
            and all(name in headers for name in self.headers)
        )

    @property
    def specificity(self) -> int:
        return len(self.literals) + len(self.query) + len(self.headers)


@lru_cache(maxsize=1)
def _routes() -> dict[tuple[str, str], list[_Route]]:
    """Routes per (method, target) from botocore's S3 model; deprecated aliases left out."""
    import botocore.loaders

    model = botocore.loaders.Loader().load_service_model("s3", "service-2")
    targets = {"/": "service", "/{Bucket}": "bucket", "/{Bucket}/{Key+}": "object"}
    routes: dict[tuple[str, str], list[_Route]] = {}
    for operation, spec in sorted(model["operations"].items()):
        path, _, literal_query = spec["http"]["requestUri"].partition("?")
        if spec.get("deprecated") or path not in targets:
            continue
        literals = tuple((n, v if eq else None) for n, eq, v in (p.partition("=") for p in literal_query.split("&") if p))
        query: list[str] = []
        headers: list[str] = []
        shape = model["shapes"].get(spec.get("input", {}).get("shape", ""), {})
        for name in shape.get("required", []):
            member = shape["members"][name]
            if member.get("location") == "querystring":
                query.append(member["locationName"])
            elif member.get("location") == "header":
                headers.append(member["locationName"].lower())
        route = _Route(operation, literals, tuple(query), tuple(headers))
        routes.setdefault((spec["http"]["method"], targets[path]), []).append(route)
    return routes


# What browsers send and SDKs never do, so botocore's model lacks them: a form upload (POST Object) and a
# CORS preflight (OPTIONS object), https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html and
# https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html.
POST_OBJECT = "PostObject"
OPTIONS_OBJECT = "OptionsObject"


def operation_names() -> list[str]:
    """Every S3 operation that a request can address: the model's, and the browser's two."""
    return sorted({route.operation for routes in _routes().values() for route in routes} | {POST_OBJECT,
                                                                                             OPTIONS_OBJECT})


def operation_of(s3_request: S3Request, implemented: Mapping[str, Any]) -> str | None:
    """The S3 operation a request asks for (None: nothing answers that method there)."""
    target = "service" if s3_request.bucket is None else "bucket" if s3_request.key is None else "object"
    if s3_request.method == "OPTIONS" and target != "service":
        return OPTIONS_OBJECT
    headers = {name.lower(): value for name, value in s3_request.headers.items()}
    candidates = [r for r in _routes().get((s3_request.method, target), []) if r.matches(s3_request.query, headers)]
    if not candidates:
        form = headers.get("content-type", "").lower().startswith("multipart/form-data")
        return POST_OBJECT if s3_request.method == "POST" and target == "bucket" and form else None
    # Most specific first; between equals (ListBuckets and ListDirectoryBuckets), one the emulator serves.
    best = max(candidates, key=lambda r: (r.specificity, r.operation in implemented))
    return best.operation


# -- replies ----------------------------------------------------------------------------------------


@dataclass
class S3Reply:
    """A handler's answer: status, headers, and an XML document or an open file to stream."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    xml: bytes | None = None
    file: BinaryIO | None = None  # positioned at the first byte to send
    length: int = 0  # bytes of `file` to send


def iso8601(epoch: float) -> str:
    """S3's XML timestamps: UTC with milliseconds."""
    seconds = int(epoch)
    millis = round((epoch - seconds) * 1000)
    if millis == 1000:
        seconds, millis = seconds + 1, 0
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def http_date(epoch: float) -> str:
    return formatdate(int(epoch), usegmt=True)


def parse_http_date(value: str | None) -> int | None:
    """Epoch seconds of an HTTP date; None when absent or unreadable (S3 then ignores the condition)."""
    if not value:
        return None
    try:
        return calendar.timegm(parsedate_to_datetime(value).utctimetuple())
    except (TypeError, ValueError):
        return None


_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
# Characters XML 1.0 cannot carry at all, not even as references (they can reach error documents
# through refused keys): sent as U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("\ufffd", str(value).translate(_XML_ESCAPES))


def _xml_members(content: Mapping[str, Any], out: list[str]) -> None:
    for tag, value in content.items():
        for item in value if isinstance(value, list) else [value]:
            if item is None:
                continue
            if isinstance(item, Mapping):
                out.append(f"<{tag}>")
                _xml_members(item, out)
                out.append(f"</{tag}>")
            else:
                out.append(f"<{tag}>{_xml_value(item)}</{tag}>")


def to_xml(root: str, content: Mapping[str, Any] | str, namespace: bool = True) -> bytes:
    """An XML document: mappings nest, lists repeat their element, None leaves a member out."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<{root} xmlns="{XMLNS}">' if namespace else f"<{root}>"]
    if isinstance(content, str):
        out.append(_xml_value(content))
    else:
        _xml_members(content, out)
    out.append(f"</{root}>")
    return "".join(out).encode("utf-8")


def xml_reply(root: str, content: Mapping[str, Any] | str, headers: dict[str, str] | None = None) -> S3Reply:
    return S3Reply(200, headers or {}, to_xml(root, content))


def url_encode(value: str) -> str:
    """encoding-type=url: what boto3 asks for by default in listings, and decodes (unquote_plus)."""
    return quote(value, safe="/")


def new_request_id() -> str:
    return uuid.uuid4().hex[:16].upper()


def _base_headers(request_id: str) -> dict[str, str]:
    host_id = base64.b64encode(uuid.uuid4().bytes * 2).decode()
    return {"x-amz-request-id": request_id, "x-amz-id-2": host_id, "Server": "AmazonS3"}


def _file_body(environ: Mapping[str, Any], file: BinaryIO, length: int) -> Any:
    """The file's next `length` bytes: the server's wrapper (waitress sends it without copies)."""
    wrapper = environ.get("wsgi.file_wrapper")
    if wrapper is not None and getattr(wrapper, "__module__", "").startswith("waitress"):
        return wrapper(file, 1 << 20)

    def chunks() -> Iterator[bytes]:
        left = length
        try:
            while left > 0:
                data = file.read(min(left, 1 << 20))
                if not data:
                    return
                left -= len(data)
                yield data
        finally:
            file.close()

    return chunks()


def _response(body: Any, status: int, headers: dict[str, str], passthrough: bool = False) -> Response:
    response = Response(body, status, direct_passthrough=passthrough)
    # After construction: werkzeug sets Content-Length from the body it is given (0 for HEAD's),
    # and a text/html Content-Type S3 never sends.
    del response.headers["Content-Type"]
    response.headers.update(headers)
    return response


def to_response(reply: S3Reply, request: Request, request_id: str) -> Response:
    headers = {**_base_headers(request_id), **reply.headers}
    head = request.method == "HEAD"
    if reply.file is not None:
        headers["Content-Length"] = str(reply.length)
        if head:
            reply.file.close()
            return _response(b"", reply.status, headers)
        return _response(_file_body(request.environ, reply.file, reply.length), reply.status, headers, True)
    if reply.xml is not None:
        headers.setdefault("Content-Type", "application/xml")
        headers["Content-Length"] = str(len(reply.xml))
        return _response(b"" if head else reply.xml, reply.status, headers)
    headers.setdefault("Content-Length", "0")
    return _response(b"", reply.status, headers)


def error_response(error: AwsError, request: Request, request_id: str) -> Response:
    """S3's <Error> document; HEAD requests and 304 get the status alone, as S3 sends them."""
    if request.method == "HEAD" or error.status == 304:
        return to_response(S3Reply(error.status), request, request_id)
    content = {"Code": error.code, "Message": error.message, **error.fields, "RequestId": request_id}
    body = to_xml("Error", content, namespace=False)
    return to_response(S3Reply(error.status, {"Content-Type": "application/xml"}, body), request, request_id)


def adapt_waitress(server: Any) -> None:
    """Two fixes S3 clients need from a waitress server (its channel class is replaced, by one that also
    streams large bodies: serving.StreamingChannel).

    - waitress capitalises every response header name (`x-amz-meta-owner` -> `X-Amz-Meta-Owner`),
      and botocore takes user metadata keys from the names as received: `x-amz-meta-*` names are
      sent in the case the handler gave, so Metadata keys come back as S3 returns them.
    - waitress 3.0 answers `Expect: 100-continue` and then waits for a body even when
      Content-Length is 0, so boto3's PUT of an empty object (a folder marker) would hang:
      a request with no body stays complete after the 100 Continue.
    """
    from ..serving import StreamingChannel, StreamingTask

    class Task(StreamingTask):  # type: ignore[misc]
        def build_response_header(self) -> bytes:
            names = {n.lower(): n for n, _ in self.response_headers if n.lower().startswith(_META_HEADER)}
            block: bytes = super().build_response_header()
            if not names:
                return block
            lines = block.split(b"\r\n")
            for i, line in enumerate(lines):
                name, colon, rest = line.partition(b":")
                original = names.get(name.decode("latin-1").lower()) if colon else None
                if original:
                    lines[i] = original.encode("latin-1") + b":" + rest
            return b"\r\n".join(lines)

    class Channel(StreamingChannel):  # type: ignore[misc]
        task_class = Task

        def send_continue(self) -> None:
            bodiless = self.request.completed and self.request.body_rcv is None
            super().send_continue()
            if bodiless:
                self.request.completed = True

    server.channel_class = Channel
