"""Multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts, ListMultipartUploads.

Parts are files `<data-dir>/s3/.multipart/<upload id>/<part number>`, outside every bucket so never
listed; the upload and each part have a document. Completing concatenates the chosen parts into a
temporary file beside the object (a kernel copy) and renames it into place like any write. The
ETag is S3's: the MD5 of the parts' MD5s, suffixed `-<number of parts>`; the checksum is COMPOSITE
(the checksum of the parts' checksums, `-N`) or FULL_OBJECT (of the whole object), as created.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from itertools import pairwise
from typing import Any
from urllib.parse import quote

from ..clock import now
from ..context import RequestContext
from ..events import s3 as s3_events
from ..protocol.s3xml import S3Reply, S3Request, child_text, iso8601, xml_reply
from ..store import key as store_key
from .checksums import (
    ALGORITHMS,
    COMPOSITE,
    FULL_OBJECT,
    BodyDigests,
    Expected,
    check_content_md5,
    check_value,
    composite,
    content_sha256,
    header,
    member,
    parse_algorithm,
)
from .errors import (
    BadDigest,
    EntityTooSmall,
    InvalidArgument,
    InvalidPart,
    InvalidPartOrder,
    InvalidRequest,
    MalformedXML,
    NoSuchUpload,
)
from .layout import StagedFile, is_upload_id, new_upload_id
from .listing import encoder_of, max_keys_of, rolled_up
from .objects import ENCRYPTION, object_fields, open_source, receive, write_condition
from .storage import PART, SCOPE, UPLOAD, Storage, canonical_id, storage

MIN_PART_SIZE = 5 * 1024 * 1024
MAX_PART_NUMBER = 10000
_COPY_RANGE = re.compile(r"^bytes=(\d+)-(\d+)$")


def _parts_parent(bucket: str, upload_id: str) -> str:
    return store_key(bucket, upload_id)


def _require_upload(store: Storage, req: S3Request) -> dict[str, Any]:
    upload_id = req.query.get("uploadId", "")
    doc = store.store.get(SCOPE, UPLOAD, req.bucket or "", upload_id) if is_upload_id(upload_id) else None
    if doc is None or doc["Key"] != req.key:
        raise NoSuchUpload(UploadId=upload_id)
    return doc


def _checksum_type(algorithm: str | None, requested: str | None) -> str | None:
    """S3's rules: CRC64NVME is full-object only, SHA checksums composite only; CRC32(C) default to composite."""
    if algorithm is None:
        if requested:
            raise InvalidRequest("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
        return None
    kind = (requested or (FULL_OBJECT if algorithm == "CRC64NVME" else COMPOSITE)).upper()
    if kind not in (COMPOSITE, FULL_OBJECT):
        raise InvalidRequest(f"Value for x-amz-checksum-type header is invalid: {requested}")
    if (kind == COMPOSITE and algorithm == "CRC64NVME") or (kind == FULL_OBJECT and algorithm.startswith("SHA")):
        raise InvalidRequest(f"The {kind} checksum type cannot be used with the {algorithm.lower()} checksum algorithm.")
    return kind


def create_multipart_upload(ctx: RequestContext, req: S3Request) -> S3Reply:
    store = storage(ctx)
    bucket, key = req.bucket or "", req.key or ""
    store.require_bucket(bucket)
    store.layout.locate(bucket, key)  # refuse an unusable key now, not after the upload
    fields = object_fields(req.headers)
    requested = req.headers.get("x-amz-checksum-algorithm")
    algorithm = parse_algorithm(requested) if requested else None
    checksum_type = _checksum_type(algorithm, req.headers.get("x-amz-checksum-type"))
    upload_id = new_upload_id()
    os.makedirs(store.layout.upload_dir(upload_id))
    doc = {"UploadId": upload_id, "Key": key, "Initiated": now(), "Owner": ctx.account, "Fields": fields,
           "ChecksumAlgorithm": algorithm, "ChecksumType": checksum_type}
    store.store.put(SCOPE, UPLOAD, bucket, upload_id, doc)
    headers = {**ENCRYPTION}
    if algorithm:
        headers.update({"x-amz-checksum-algorithm": algorithm, "x-amz-checksum-type": checksum_type or ""})
    return xml_reply("InitiateMultipartUploadResult", {"Bucket": bucket, "Key": key, "UploadId": upload_id}, headers)


def _part_number(req: S3Request) -> int:
    raw = req.query.get("partNumber", "")
    number = int(raw) if raw.isdigit() else 0
    if not 1 <= number <= MAX_PART_NUMBER:
        raise InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", ArgumentName="partNumber",
                              ArgumentValue=raw)
    return number


def _store_part(store: Storage, bucket: str, upload_id: str, number: int, staged: StagedFile, doc: dict[str, Any]) -> os.stat_result:
    """Install a part's file and document, unless the upload ended meanwhile."""
    st = staged.finish()
    with store.store.transaction():
        if store.store.get(SCOPE, UPLOAD, bucket, upload_id) is None:
            raise NoSuchUpload(UploadId=upload_id)
        staged.install()
        part = {"PartNumber": number, "LastModified": st.st_mtime, "Size": st.st_size, **doc}
        store.store.put(SCOPE, PART, _parts_parent(bucket, upload_id), f"{number:05d}", part)
    staged.sync()
    return st


def _part_algorithm(upload: dict[str, Any], expected: Expected) -> str | None:
    algorithm = upload.get("ChecksumAlgorithm")
    if expected.algorithm and algorithm and expected.algorithm != algorithm:
        raise InvalidRequest(f"Checksum Type mismatch occurred, expected checksum Type: {algorithm.lower()}, actual"
                             f" checksum Type: {expected.algorithm.lower()}")
    return expected.algorithm or algorithm


def _part_checksum_headers(checksum: dict[str, Any]) -> dict[str, str]:
    return {header(a): checksum[member(a)] for a in ALGORITHMS if member(a) in checksum}


def upload_part(ctx: RequestContext, req: S3Request) -> S3Reply:
    store = storage(ctx)
    upload = _require_upload(store, req)
    number = _part_number(req)
    expected = Expected.of_request(req.headers)
    algorithm = _part_algorithm(upload, expected)
    content_md5 = check_content_md5(req.headers.get("Content-MD5"))
    digests = BodyDigests(algorithm, sha256=content_sha256(req.headers))
    with store.layout.staged_part(upload["UploadId"], number) as staged:
        receive(req, staged, digests)
        expected.resolve(req.trailers)
        checksum = digests.verify(content_md5, expected if expected.algorithm else Expected(algorithm))
        checksum.pop("ChecksumType", None)
        _store_part(store, req.bucket or "", upload["UploadId"], number, staged, {"ETag": digests.etag(), **checksum})
    return S3Reply(headers={"ETag": digests.etag(), **ENCRYPTION, **_part_checksum_headers(checksum)})


def _copy_range(value: str | None, size: int) -> tuple[int, int]:
    if value is None:
        return 0, size
    match = _COPY_RANGE.match(value.strip())
    if match is None:
        raise InvalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and"
                              " last are the zero-based offsets of the first and last bytes to copy",
                              ArgumentName="x-amz-copy-source-range", ArgumentValue=value)
    first, last = int(match.group(1)), int(match.group(2))
    if first > last or last >= size:
        raise InvalidArgument(f"Range specified is not valid for source object of size: {size}",
                              ArgumentName="x-amz-copy-source-range", ArgumentValue=value)
    return first, last - first + 1


def upload_part_copy(ctx: RequestContext, req: S3Request) -> S3Reply:
    store = storage(ctx)
    upload = _require_upload(store, req)
    number = _part_number(req)
    _, file, st, _source = open_source(store, req)
    with file:
        offset, length = _copy_range(req.headers.get("x-amz-copy-source-range"), st.st_size)
        algorithm = upload.get("ChecksumAlgorithm")
        digests = BodyDigests(algorithm)
        with store.layout.staged_part(upload["UploadId"], number) as staged:
            staged.copy(file, offset, length, digests.update)
            checksum = digests.verify(None, Expected(algorithm))
            checksum.pop("ChecksumType", None)
            written = _store_part(store, req.bucket or "", upload["UploadId"], number, staged,
                                  {"ETag": digests.etag(), **checksum})
    return xml_reply("CopyPartResult", {"ETag": digests.etag(), "LastModified": iso8601(written.st_mtime), **checksum},
                     dict(ENCRYPTION))


def _requested_parts(req: S3Request) -> list[tuple[int, str, dict[str, str]]]:
    """(part number, ETag, checksums) of the Complete request, in the order given."""
    document = req.read_xml("CompleteMultipartUpload")
    parts = []
    for part in document.findall("Part"):
        number, etag = child_text(part, "PartNumber"), child_text(part, "ETag")
        if number is None or not number.strip().isdigit() or etag is None:
            raise MalformedXML()
        checksums = {member(a): v for a in ALGORITHMS if (v := child_text(part, member(a))) is not None}
        parts.append((int(number), etag.strip(), checksums))
    if not parts:
        raise MalformedXML()
    return parts


def _chosen_parts(store: Storage, req: S3Request, upload_id: str) -> list[dict[str, Any]]:
    """The stored parts the request names, checked as S3 checks them (order, ETags, sizes)."""
    requested = _requested_parts(req)
    numbers = [number for number, _, _ in requested]
    if any(b <= a for a, b in pairwise(numbers)):
        raise InvalidPartOrder(UploadId=upload_id)
    stored = dict(store.store.list(SCOPE, PART, _parts_parent(req.bucket or "", upload_id)))
    chosen = []
    for number, etag, checksums in requested:
        part = stored.get(f"{number:05d}")
        if part is None or part["ETag"].strip('"') != etag.strip('"'):
            raise InvalidPart(UploadId=upload_id, PartNumber=str(number), ETag=etag)
        for name, value in checksums.items():
            if part.get(name) not in (None, value):
                raise InvalidPart(f"The {name.removeprefix('Checksum').lower()} you specified for part {number} did"
                                  " not match what was uploaded.", UploadId=upload_id, PartNumber=str(number))
        chosen.append(part)
    for part in chosen[:-1]:
        if part["Size"] < MIN_PART_SIZE:
            raise EntityTooSmall(ProposedSize=str(part["Size"]), MinSizeAllowed=str(MIN_PART_SIZE),
                                 PartNumber=str(part["PartNumber"]), ETag=part["ETag"])
    return chosen


def _claim(store: Storage, bucket: str, upload_id: str, claimed: bool) -> None:
    """Mark an upload as being completed (one Complete at a time), or release the mark."""
    with store.store.transaction():
        doc = store.store.get(SCOPE, UPLOAD, bucket, upload_id)
        if doc is None or doc.get("_completing", False) == claimed:
            if claimed:
                raise NoSuchUpload(UploadId=upload_id)
            return
        store.store.put(SCOPE, UPLOAD, bucket, upload_id, {**doc, "_completing": claimed})


def _end_upload(store: Storage, bucket: str, upload_id: str) -> None:
    with store.store.transaction():
        store.store.delete(SCOPE, UPLOAD, bucket, upload_id)
        store.store.delete_under(SCOPE, PART, _parts_parent(bucket, upload_id))
    store.layout.remove_upload(upload_id)


def _whole_checksum(req: S3Request, upload: dict[str, Any], parts: list[dict[str, Any]]) -> tuple[
        BodyDigests | None, Callable[[], dict[str, Any]]]:
    """How the object's checksum is made: (digests to feed while assembling, the final fields)."""
    algorithm, kind = upload.get("ChecksumAlgorithm"), upload.get("ChecksumType")
    given = req.headers.get(header(algorithm)) if algorithm else None
    expected = Expected(algorithm, check_value(algorithm, given) if algorithm and given else None)
    if algorithm and kind == FULL_OBJECT:
        digests = BodyDigests(algorithm, md5=False)
        return digests, lambda: digests.verify(None, expected)
    if algorithm and kind == COMPOSITE:
        values = [part.get(member(algorithm)) for part in parts]
        value = composite(algorithm, values) if all(values) else None  # type: ignore[arg-type]
        if value and given and given != value:
            raise BadDigest(f"The {algorithm} you specified did not match the calculated checksum.")
        return None, lambda: {member(algorithm): value, "ChecksumType": COMPOSITE} if value else {}
    return None, dict


def complete_multipart_upload(ctx: RequestContext, req: S3Request) -> S3Reply:
    store = storage(ctx)
    bucket, key = req.bucket or "", req.key or ""
    upload = _require_upload(store, req)
    upload_id = upload["UploadId"]
    parts = _chosen_parts(store, req, upload_id)
    location = store.layout.locate(bucket, key)
    md5s = b"".join(bytes.fromhex(part["ETag"].strip('"')) for part in parts)
    etag = f'"{hashlib.md5(md5s).hexdigest()}-{len(parts)}"'
    digests, checksum_fields = _whole_checksum(req, upload, parts)
    feed = digests.update if digests is not None and digests.checksum is not None else None
    _claim(store, bucket, upload_id, True)
    try:
        with store.layout.staged(location) as staged:
            for part in parts:
                with open(store.layout.part_path(upload_id, part["PartNumber"]), "rb") as part_file:
                    staged.copy(part_file, 0, part["Size"], feed)
            checksum = checksum_fields()
            doc = {"ETag": etag, **upload["Fields"], **checksum, "_parts": [part["Size"] for part in parts]}
            written = store.commit(location, staged, doc, write_condition(store, location, req.headers))
    except BaseException:
        _claim(store, bucket, upload_id, False)
        raise
    _end_upload(store, bucket, upload_id)
    s3_events.object_changed(ctx, bucket, key, "CompleteMultipartUpload", written.st_size, etag)
    return xml_reply("CompleteMultipartUploadResult", {
        "Location": f"{ctx.settings.endpoint}/{bucket}/{quote(key)}",
        "Bucket": bucket,
        "Key": key,
        "ETag": etag,
        **checksum,
    }, dict(ENCRYPTION))


def abort_multipart_upload(ctx: RequestContext, req: S3Request) -> S3Reply:
    store = storage(ctx)
    upload = _require_upload(store, req)
    _end_upload(store, req.bucket or "", upload["UploadId"])
    return S3Reply(204)


def _int_param(req: S3Request, name: str, default: int) -> int:
    raw = req.query.get(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise InvalidArgument(f"Provided {name} not an integer or within integer range", ArgumentName=name,
                              ArgumentValue=raw)
    return int(raw)


def list_parts(ctx: RequestContext, req: S3Request) -> S3Reply:
    store = storage(ctx)
    upload = _require_upload(store, req)
    marker = _int_param(req, "part-number-marker", 0)
    max_parts = _int_param(req, "max-parts", 1000)
    rows = store.store.list(SCOPE, PART, _parts_parent(req.bucket or "", upload["UploadId"]), after=f"{marker:05d}",
                            limit=min(max_parts, 1000) + 1)
    page = [doc for _, doc in rows[: min(max_parts, 1000)]]
    truncated = len(rows) > len(page)
    owner = {"ID": canonical_id(upload["Owner"])}
    return xml_reply("ListPartsResult", {
        "Bucket": req.bucket,
        "Key": upload["Key"],
        "UploadId": upload["UploadId"],
        "PartNumberMarker": marker,
        "NextPartNumberMarker": page[-1]["PartNumber"] if page else 0,
        "MaxParts": max_parts,
        "IsTruncated": truncated,
        "Part": [{"PartNumber": p["PartNumber"], "LastModified": iso8601(p["LastModified"]), "ETag": p["ETag"],
                  "Size": p["Size"], **{m: p[m] for m in map(member, ALGORITHMS) if m in p}} for p in page],
        "Initiator": owner,
        "Owner": owner,
        "StorageClass": upload["Fields"].get("StorageClass", "STANDARD"),
        "ChecksumAlgorithm": upload.get("ChecksumAlgorithm"),
        "ChecksumType": upload.get("ChecksumType"),
    })


def list_multipart_uploads(ctx: RequestContext, req: S3Request) -> S3Reply:
    """Uploads in progress by key, then initiation; markers, prefix and delimiter as in S3."""
    store = storage(ctx)
    bucket = req.bucket or ""
    store.require_bucket(bucket)
    query = req.query
    prefix, delimiter = query.get("prefix", ""), query.get("delimiter", "")
    key_marker, id_marker = query.get("key-marker", ""), query.get("upload-id-marker", "")
    max_uploads = min(max_keys_of(query, "max-uploads"), 1000)
    encoding, encode = encoder_of(query)
    uploads = sorted((doc for _, doc in store.store.list(SCOPE, UPLOAD, bucket)),
                     key=lambda d: (d["Key"], d["Initiated"], d["UploadId"]))
    rows: list[dict[str, Any]] = []
    prefixes: list[str] = []
    truncated, last_prefix = False, None
    next_key, next_id = None, None  # where the next page starts: the last upload or common prefix returned
    for upload in uploads:
        key = upload["Key"]
        if not key.startswith(prefix):
            continue
        if key_marker and (key < key_marker or (key == key_marker and (not id_marker or upload["UploadId"] <= id_marker))):
            continue
        common = rolled_up(key, prefix, delimiter)
        if common is not None and common in (last_prefix, key_marker):
            continue
        if len(rows) + len(prefixes) == max_uploads:
            truncated = True
            break
        if common is not None:
            prefixes.append(common)
            last_prefix = next_key = common
            next_id = None
            continue
        rows.append(upload)
        next_key, next_id = key, upload["UploadId"]

    def owner_of(doc: dict[str, Any]) -> dict[str, str]:
        return {"ID": canonical_id(doc["Owner"])}

    return xml_reply("ListMultipartUploadsResult", {
        "Bucket": bucket,
        "KeyMarker": encode(key_marker),
        "UploadIdMarker": id_marker,
        "NextKeyMarker": encode(next_key) if truncated and next_key else None,
        "NextUploadIdMarker": next_id if truncated else None,
        "Delimiter": encode(delimiter) if delimiter else None,
        "Prefix": encode(prefix),
        "MaxUploads": max_uploads,
        "IsTruncated": truncated,
        "Upload": [{"Key": encode(u["Key"]), "UploadId": u["UploadId"], "Initiator": owner_of(u), "Owner": owner_of(u),
                    "StorageClass": u["Fields"].get("StorageClass", "STANDARD"), "Initiated": iso8601(u["Initiated"]),
                    "ChecksumAlgorithm": u.get("ChecksumAlgorithm"), "ChecksumType": u.get("ChecksumType")}
                   for u in rows],
        "CommonPrefixes": [{"Prefix": encode(p)} for p in prefixes],
        "EncodingType": encoding,
    })
