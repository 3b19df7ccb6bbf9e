"""Objects: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, CopyObject, object tagging.

Bodies stream from the request into a temporary file beside the target (MD5 and the requested
checksum computed on the way), then replace the object in one rename; reads stream from an open file.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, BinaryIO
from urllib.parse import parse_qsl, unquote
from xml.etree import ElementTree

from ..context import RequestContext
from ..errors import AwsError
from ..events import s3 as s3_events
from ..protocol.s3xml import (
    S3Reply,
    S3Request,
    child_text,
    http_date,
    iso8601,
    parse_http_date,
    xml_reply,
)
from .checksums import (
    FULL_OBJECT,
    BodyDigests,
    Expected,
    check_content_md5,
    content_sha256,
    member,
    parse_algorithm,
    response_headers,
    stored_algorithm,
)
from .errors import (
    EntityTooLarge,
    IncompleteBody,
    InvalidArgument,
    InvalidPartNumber,
    InvalidRange,
    InvalidRequest,
    InvalidStorageClass,
    InvalidTag,
    MalformedXML,
    MetadataTooLarge,
    MissingContentLength,
    NoSuchKey,
    NotModified,
    PreconditionFailed,
    S3NotImplemented,
)
from .layout import Location, StagedFile
from .storage import DEFAULT_CONTENT_TYPE, Storage, storage

MAX_OBJECT_SIZE = 5 * 1024**3
MAX_METADATA_BYTES = 2048
_CHUNK = 1 << 20
# Request/response headers kept with an object, and the document member each is stored as.
CONTENT_HEADERS = {
    "Content-Type": "ContentType",
    "Content-Encoding": "ContentEncoding",
    "Content-Disposition": "ContentDisposition",
    "Content-Language": "ContentLanguage",
    "Cache-Control": "CacheControl",
    "Expires": "Expires",
    "x-amz-website-redirect-location": "WebsiteRedirectLocation",
}
_META = "x-amz-meta-"
_STORAGE_CLASSES = {
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
    "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", "FSX_OPENZFS", "FSX_ONTAP",
}
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_TAG_TEXT = re.compile(r"^[\w\s+\-=.:/@]*$")
# Every object is encrypted at rest with S3-managed keys (S3's default since 2023), and says so.
ENCRYPTION = {"x-amz-server-side-encryption": "AES256"}
COPY_INTO_ITSELF = (
    "This copy request is illegal because it is trying to copy an object to itself without changing the object's"
    " metadata, storage class, website redirect location or encryption attributes."
)


# -- what an object carries ---------------------------------------------------------------------------


def object_fields(headers: Mapping[str, str]) -> dict[str, Any]:
    """The metadata a write request sets: content headers, user metadata, storage class, tags."""
    fields: dict[str, Any] = {}
    for header, name in CONTENT_HEADERS.items():
        value = headers.get(header)
        if header == "Content-Encoding" and value:  # aws-chunked is the transfer's, not the object's
            value = ",".join(v.strip() for v in value.split(",") if v.strip() != "aws-chunked")
        if value:
            fields[name] = value
    metadata = {name.lower()[len(_META):]: value for name, value in headers.items() if name.lower().startswith(_META)}
    if sum(len(k.encode()) + len(v.encode("utf-8", "surrogateescape")) for k, v in metadata.items()) > MAX_METADATA_BYTES:
        raise MetadataTooLarge(Size=str(sum(len(k) + len(v) for k, v in metadata.items())),
                               MaxSizeAllowed=str(MAX_METADATA_BYTES))
    if metadata:
        fields["Metadata"] = metadata
    storage_class = headers.get("x-amz-storage-class", "STANDARD")
    if storage_class not in _STORAGE_CLASSES:
        raise InvalidStorageClass(StorageClassRequested=storage_class)
    if storage_class != "STANDARD":
        fields["StorageClass"] = storage_class
    if headers.get("x-amz-tagging"):
        fields["TagSet"] = tags_from_header(headers["x-amz-tagging"])
    return fields


def object_headers(mtime: float, doc: Mapping[str, Any]) -> dict[str, str]:
    """The headers GetObject and HeadObject answer for an object."""
    headers = {
        "Content-Type": doc.get("ContentType", DEFAULT_CONTENT_TYPE),
        "ETag": doc["ETag"],
        "Last-Modified": http_date(mtime),
        "Accept-Ranges": "bytes",
        **ENCRYPTION,
    }
    for header, name in CONTENT_HEADERS.items():
        if name in doc and name != "ContentType":
            headers[header] = doc[name]
    for name, value in doc.get("Metadata", {}).items():
        headers[_META + name] = value
    if doc.get("TagSet"):
        headers["x-amz-tagging-count"] = str(len(doc["TagSet"]))
    if doc.get("StorageClass", "STANDARD") != "STANDARD":
        headers["x-amz-storage-class"] = doc["StorageClass"]
    return headers


def check_tags(tags: list[dict[str, str]]) -> list[dict[str, str]]:
    if len(tags) > 10:
        raise InvalidTag("Object tags cannot be greater than 10")
    seen: set[str] = set()
    for tag in tags:
        key, value = tag["Key"], tag["Value"]
        if key in seen:
            raise InvalidTag("Cannot provide multiple Tags with the same key", TagKey=key)
        seen.add(key)
        if not key or len(key) > 128 or not _TAG_TEXT.match(key):
            raise InvalidTag("The TagKey you have provided is invalid", TagKey=key)
        if len(value) > 256 or not _TAG_TEXT.match(value):
            raise InvalidTag("The TagValue you have provided is invalid", TagKey=key, TagValue=value)
        if key.lower().startswith("aws:"):
            raise InvalidTag("Your TagKey cannot be prefixed with aws:", TagKey=key)
    return tags


def tags_from_header(value: str) -> list[dict[str, str]]:
    """x-amz-tagging: a URL query string of key=value pairs."""
    return check_tags([{"Key": k, "Value": v} for k, v in parse_qsl(value, keep_blank_values=True)])


# -- requests that carry a body -----------------------------------------------------------------------


def receive(req: S3Request, target: StagedFile, digests: BodyDigests) -> None:
    """Stream the request's payload into `target`, feeding `digests`; the whole payload must arrive."""
    if req.length is None:
        raise MissingContentLength()
    if req.length > MAX_OBJECT_SIZE:
        raise EntityTooLarge(ProposedSize=str(req.length), MaxSizeAllowed=str(MAX_OBJECT_SIZE))
    digests.consume(_pieces(req.body), target.write)
    if digests.size != req.length:
        raise IncompleteBody()


def _pieces(body: BinaryIO) -> Iterator[memoryview]:
    """The body in _CHUNK pieces read into two buffers in turn, so no piece is allocated or copied again: a
    piece is overwritten when the next-but-one is read, and BodyDigests.consume is done with it by then."""
    buffers = (bytearray(_CHUNK), bytearray(_CHUNK))
    for turn in itertools.count():
        buffer = buffers[turn % 2]
        count = body.readinto(buffer)  # type: ignore[attr-defined]
        if not count:
            return
        yield memoryview(buffer)[:count]


def write_condition(store: Storage, location: Location, headers: Mapping[str, str]) -> Callable[[], None] | None:
    """Conditional writes: If-None-Match: * (create only) and If-Match: <etag> (replace that version)."""
    if_none_match, if_match = headers.get("If-None-Match"), headers.get("If-Match")
    if if_none_match is None and if_match is None:
        return None
    if if_none_match is not None and if_none_match.strip() != "*":
        raise S3NotImplemented("A header you provided implies functionality that is not implemented: If-None-Match"
                               " only takes '*' on writes", Header="If-None-Match")

    def check() -> None:
        current = store.exists(location)
        if if_none_match is not None and current is not None:
            raise PreconditionFailed(Condition="If-None-Match")
        if if_match is not None:
            if current is None:
                raise NoSuchKey(Key=location.key)
            if not etag_matches(if_match, current["ETag"]):
                raise PreconditionFailed(Condition="If-Match")

    return check


def put_object(ctx: RequestContext, req: S3Request) -> S3Reply:
    store = storage(ctx)
    store.require_bucket(req.bucket or "")
    location = store.layout.locate(req.bucket or "", req.key or "")
    fields = object_fields(req.headers)
    expected = Expected.of_request(req.headers)
    content_md5 = check_content_md5(req.headers.get("Content-MD5"))
    condition = write_condition(store, location, req.headers)
    digests = BodyDigests(expected.algorithm, sha256=content_sha256(req.headers))
    with store.layout.staged(location) as staged:
        receive(req, staged, digests)
        expected.resolve(req.trailers)
        checksum = digests.verify(content_md5, expected)
        doc = {"ETag": digests.etag(), **fields, **checksum}
        written = store.commit(location, staged, doc, condition)
    s3_events.object_changed(ctx, location.bucket, location.key, "PutObject", written.st_size, doc["ETag"])
    return S3Reply(headers={"ETag": doc["ETag"], **ENCRYPTION, **response_headers(checksum)})


# -- reads ---------------------------------------------------------------------------------------------


def etag_matches(condition: str, etag: str) -> bool:
    """An If-Match/If-None-Match list (`*`, quoted or bare, weak or strong) against an ETag."""
    wanted = etag.strip('"')
    for candidate in condition.split(","):
        candidate = candidate.strip().removeprefix("W/").strip('"')
        if candidate == "*" or candidate == wanted:
            return True
    return False


def check_conditions(headers: Mapping[str, str], etag: str, mtime: float, copy_source: bool = False) -> None:
    """If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since with S3's precedence.

    If-Match holding makes If-Unmodified-Since irrelevant; If-None-Match failing makes
    If-Modified-Since irrelevant. A read answers 304 Not Modified where a copy answers 412.
    """
    prefix = "x-amz-copy-source-" if copy_source else ""
    seconds = int(mtime)
    if_match = headers.get(prefix + "If-Match")
    if if_match is not None:
        if not etag_matches(if_match, etag):
            raise PreconditionFailed(Condition=prefix + "If-Match")
    else:
        unmodified_since = parse_http_date(headers.get(prefix + "If-Unmodified-Since"))
        if unmodified_since is not None and seconds > unmodified_since:
            raise PreconditionFailed(Condition=prefix + "If-Unmodified-Since")
    not_modified = PreconditionFailed if copy_source else NotModified
    if_none_match = headers.get(prefix + "If-None-Match")
    if if_none_match is not None:
        if etag_matches(if_none_match, etag):
            raise not_modified(Condition=prefix + "If-None-Match")
    else:
        modified_since = parse_http_date(headers.get(prefix + "If-Modified-Since"))
        if modified_since is not None and seconds <= modified_since:
            raise not_modified(Condition=prefix + "If-Modified-Since")


def byte_range(value: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) bytes of a Range header; None for the whole object.

    As S3 does, a header it cannot read (several ranges, bad syntax) is ignored, and a range starting
    past the end is InvalidRange (416).
    """
    match = _RANGE.match(value.strip()) if value else None
    if match is None or not (match.group(1) or match.group(2)):
        return None
    first, last = match.group(1), match.group(2)
    if first:
        start = int(first)
        end = int(last) if last else size - 1
        if last and end < start:
            return None
        if start >= size:
            raise InvalidRange(RangeRequested=value, ActualObjectSize=str(size))
        return start, min(end, size - 1)
    suffix = int(last)
    if suffix == 0 or size == 0:
        raise InvalidRange(RangeRequested=value, ActualObjectSize=str(size))
    return max(0, size - suffix), size - 1


def _part_range(req: S3Request, doc: Mapping[str, Any], size: int) -> tuple[tuple[int, int] | None, dict[str, str]]:
    """?partNumber=N: the bytes of that part of a multipart object (a simple object is one part)."""
    raw = req.query["partNumber"]
    parts = doc.get("_parts") or [size]
    number = int(raw) if raw.isdigit() else 0
    if not 1 <= number <= 10000:
        raise InvalidArgument("Part number must be an integer between 1 and 10000, inclusive",
                              ArgumentName="partNumber", ArgumentValue=raw)
    if number > len(parts):
        raise InvalidPartNumber(PartNumberRequested=raw, ActualPartCount=str(len(parts)))
    start = sum(parts[: number - 1])
    headers = {"x-amz-mp-parts-count": str(len(parts))} if doc.get("_parts") else {}
    return ((start, start + parts[number - 1] - 1) if parts[number - 1] else None), headers


_OVERRIDES = {
    "response-content-type": "Content-Type",
    "response-content-language": "Content-Language",
    "response-expires": "Expires",
    "response-cache-control": "Cache-Control",
    "response-content-disposition": "Content-Disposition",
    "response-content-encoding": "Content-Encoding",
}


def _read_reply(req: S3Request, size: int, mtime: float, doc: Mapping[str, Any], file: BinaryIO | None) -> S3Reply:
    """The reply of GetObject (with `file`) and HeadObject: conditions, range or part, checksums."""
    check_conditions(req.headers, doc["ETag"], mtime)
    headers = object_headers(mtime, doc)
    if "partNumber" in req.query:
        if "Range" in req.headers:
            raise InvalidRequest("Cannot specify both Range header and partNumber query parameter")
        selected, part_headers = _part_range(req, doc, size)
        headers.update(part_headers)
        partial = selected is not None and doc.get("_parts") is not None
    else:
        selected = byte_range(req.headers.get("Range"), size)
        partial = selected is not None
    for name, header in _OVERRIDES.items():
        if name in req.query and req.method == "GET":
            headers[header] = req.query[name]
    start, end = selected if selected else (0, size - 1)
    if partial:
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    elif req.headers.get("x-amz-checksum-mode", "").upper() == "ENABLED":
        headers.update(response_headers(doc))
    length = end - start + 1 if size else 0
    if file is None:
        return S3Reply(206 if partial else 200, {**headers, "Content-Length": str(length)})
    file.seek(start)
    return S3Reply(206 if partial else 200, headers, file=file, length=length)


def get_object(ctx: RequestContext, req: S3Request) -> S3Reply:
    store = storage(ctx)
    store.require_bucket(req.bucket or "")
    location = store.layout.locate(req.bucket or "", req.key or "")
    file, st, doc = store.open(location)
    try:
        return _read_reply(req, st.st_size, st.st_mtime, doc, file)
    except BaseException:
        file.close()
        raise


def head_object(ctx: RequestContext, req: S3Request) -> S3Reply:
    store = storage(ctx)
    store.require_bucket(req.bucket or "")
    st, doc = store.head(store.layout.locate(req.bucket or "", req.key or ""))
    return _read_reply(req, st.st_size, st.st_mtime, doc, None)


# -- deletes -------------------------------------------------------------------------------------------


def delete_object(ctx: RequestContext, req: S3Request) -> S3Reply:
    store = storage(ctx)
    store.require_bucket(req.bucket or "")
    store.delete(store.layout.locate(req.bucket or "", req.key or ""))
    s3_events.object_changed(ctx, req.bucket or "", req.key or "", "DeleteObject")
    return S3Reply(204)


def delete_objects(ctx: RequestContext, req: S3Request) -> S3Reply:
    """Up to 1000 keys; each key's failure (an unusable key) is reported, the others deleted."""
    store = storage(ctx)
    bucket = req.bucket or ""
    store.require_bucket(bucket)
    # .keys(): werkzeug's Headers iterate as (name, value) pairs, not as names.
    names = req.headers.keys()
    if "Content-MD5" not in req.headers and not any(h.lower().startswith("x-amz-checksum-") for h in names):
        raise InvalidRequest("Missing required header for this request: Content-MD5")
    document = req.read_xml("Delete")
    objects = document.findall("Object")
    if not objects or len(objects) > 1000:
        raise MalformedXML()
    quiet = (child_text(document, "Quiet") or "").strip().lower() == "true"
    deleted, errors = [], []
    for entry in objects:
        key = child_text(entry, "Key")
        if key is None:
            raise MalformedXML()
        try:
            store.delete(store.layout.locate(bucket, key))
        except AwsError as error:
            errors.append({"Key": key, "Code": error.code, "Message": error.message})
            continue
        if not quiet:
            deleted.append({"Key": key})
    return xml_reply("DeleteResult", {"Deleted": deleted, "Error": errors})


# -- copies --------------------------------------------------------------------------------------------


def copy_source(req: S3Request) -> tuple[str, str]:
    """The bucket and key of x-amz-copy-source (`bucket/key`, URL-encoded, optional leading `/`)."""
    raw = req.headers["x-amz-copy-source"]
    try:
        source, _, version = unquote(raw, errors="strict").partition("?versionId=")
    except UnicodeDecodeError:
        raise InvalidArgument("Invalid copy source encoding", ArgumentName="x-amz-copy-source",
                              ArgumentValue=raw) from None
    bucket, slash, key = source.removeprefix("/").partition("/")
    if not bucket or not slash or not key:
        raise InvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
                              ArgumentName="x-amz-copy-source", ArgumentValue=raw)
    if version and version != "null":  # no versioning: only the "null" version exists
        raise InvalidArgument("Invalid version id specified", ArgumentName="x-amz-copy-source", ArgumentValue=raw)
    return bucket, key


def open_source(store: Storage, req: S3Request) -> tuple[Location, BinaryIO, os.stat_result, dict[str, Any]]:
    """The source object of a copy, open, with its status and metadata; its copy-source conditions hold."""
    bucket, key = copy_source(req)
    store.require_bucket(bucket)
    location = store.layout.locate(bucket, key)
    file, st, doc = store.open(location)
    try:
        check_conditions(req.headers, doc["ETag"], st.st_mtime, copy_source=True)
    except BaseException:
        file.close()
        raise
    return location, file, st, doc


def _directive(headers: Mapping[str, str], name: str, what: str) -> str:
    value = headers.get(name, "COPY").upper()
    if value not in ("COPY", "REPLACE"):
        raise InvalidArgument(f"Unknown {what} directive.", ArgumentName=name, ArgumentValue=headers[name])
    return value


def copy_object(ctx: RequestContext, req: S3Request) -> S3Reply:
    """Copy with S3's directives: metadata and tags COPY (default) or REPLACE from this request."""
    store = storage(ctx)
    store.require_bucket(req.bucket or "")
    target = store.layout.locate(req.bucket or "", req.key or "")
    metadata_directive = _directive(req.headers, "x-amz-metadata-directive", "metadata")
    tagging_directive = _directive(req.headers, "x-amz-tagging-directive", "tagging")
    requested = req.headers.get("x-amz-checksum-algorithm")
    source_location, file, st, source = open_source(store, req)
    with file:
        if (
            source_location.path == target.path
            and metadata_directive == "COPY"
            and "x-amz-storage-class" not in req.headers
            and "x-amz-website-redirect-location" not in req.headers
        ):
            raise InvalidRequest(COPY_INTO_ITSELF)
        request_fields = object_fields(req.headers)
        if metadata_directive == "REPLACE":
            fields = {k: v for k, v in request_fields.items() if k != "TagSet"}
        else:
            fields = {name: source[name] for name in (*CONTENT_HEADERS.values(), "Metadata") if name in source}
            if "StorageClass" in request_fields:
                fields["StorageClass"] = request_fields["StorageClass"]
        tags = request_fields.get("TagSet") if tagging_directive == "REPLACE" else source.get("TagSet")
        if tags:
            fields["TagSet"] = tags
        algorithm = parse_algorithm(requested) if requested else stored_algorithm(source)
        keep_checksum = algorithm is not None and algorithm == stored_algorithm(source) and source.get(
            "ChecksumType", FULL_OBJECT) == FULL_OBJECT
        simple_source = "-" not in source["ETag"]  # a multipart source's copy gets a plain MD5 ETag
        digests = BodyDigests(None if keep_checksum else algorithm, md5=not simple_source)
        feed = digests.update if (digests.md5 is not None or digests.checksum is not None) else None
        with store.layout.staged(target) as staged:
            staged.copy(file, 0, st.st_size, feed)
            etag = source["ETag"] if simple_source else digests.etag()
            if keep_checksum and algorithm:
                checksum = {member(algorithm): source[member(algorithm)], "ChecksumType": FULL_OBJECT}
            else:
                checksum = digests.verify(None, Expected(algorithm))
            written = store.commit(target, staged, {"ETag": etag, **fields, **checksum},
                                   write_condition(store, target, req.headers))
    s3_events.object_changed(ctx, target.bucket, target.key, "CopyObject", written.st_size, etag)
    return xml_reply(
        "CopyObjectResult",
        {"ETag": etag, "LastModified": iso8601(written.st_mtime), **checksum},
        dict(ENCRYPTION),
    )


# -- tagging -------------------------------------------------------------------------------------------


def tags_from_xml(document: ElementTree.Element) -> list[dict[str, str]]:
    tag_set = document.find("TagSet")
    if tag_set is None:
        raise MalformedXML()
    tags = []
    for tag in tag_set.findall("Tag"):
        key, value = child_text(tag, "Key"), child_text(tag, "Value")
        if key is None or value is None:
            raise MalformedXML()
        tags.append({"Key": key, "Value": value})
    return check_tags(tags)


def _object_location(ctx: RequestContext, req: S3Request) -> tuple[Storage, Location]:
    store = storage(ctx)
    store.require_bucket(req.bucket or "")
    return store, store.layout.locate(req.bucket or "", req.key or "")


def put_object_tagging(ctx: RequestContext, req: S3Request) -> S3Reply:
    store, location = _object_location(ctx, req)
    tags = tags_from_xml(req.read_xml("Tagging"))
    store.update(location, lambda doc: {**doc, "TagSet": tags})
    return S3Reply()


def get_object_tagging(ctx: RequestContext, req: S3Request) -> S3Reply:
    store, location = _object_location(ctx, req)
    _, doc = store.head(location)
    return xml_reply("Tagging", {"TagSet": {"Tag": doc.get("TagSet", [])}})


def delete_object_tagging(ctx: RequestContext, req: S3Request) -> S3Reply:
    store, location = _object_location(ctx, req)
    store.update(location, lambda doc: {k: v for k, v in doc.items() if k != "TagSet"})
    return S3Reply(204)
