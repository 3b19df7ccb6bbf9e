"""ListObjects and ListObjectsV2, walking the bucket's folders in S3's key order.

Keys come out in UTF-8 byte order (Python's code point order is the same) by sorting each folder's
entries with folders as `name/`, so `a-b` < `a/x` < `a0` as in S3. The walk starts at the deepest
folder the prefix names, skips subtrees wholly before the marker, and skips a folder as soon as its
keys are rolled up into a common prefix, so a delimited listing reads one folder level. Files that
appeared without the API are listed like any object (their ETag computed once and cached).
"""

from __future__ import annotations

import base64
import binascii
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..context import RequestContext
from ..protocol.s3xml import S3Reply, S3Request, iso8601, url_encode, xml_reply
from ..store import key as store_key
from .checksums import stored_algorithm
from .errors import InvalidArgument
from .layout import (
    FOLDER_MARKER,
    MARKER_NAME,
    Location,
    addressable,
    is_hadoop_checksum,
    is_inside,
    is_staging_dir,
)
from .storage import Storage, canonical_id, identity, storage

MAX_PAGE = 1000


@dataclass
class Listed:
    location: Location
    stat: os.stat_result
    doc: dict[str, Any] | None  # the folder's document for this name, maybe stale


class Walk:
    """The objects of a bucket under `prefix` with keys after `after`, in key order.

    Set `skip` to a key prefix while iterating to leave out every folder whose keys all start with it.
    """

    def __init__(self, store: Storage, bucket: str, prefix: str = "", after: str = ""):
        self.storage = store
        self.bucket = bucket
        self.prefix = prefix
        self.after = after
        self.skip: str | None = None
        self._bucket_real = ""

    def __iter__(self) -> Iterator[Listed]:
        folders = self.prefix.split("/")[:-1]
        if not all(addressable(f) for f in folders):
            return  # no object can have such a key
        hidden = any(is_staging_dir(f) for f in folders)
        if hidden and not self.storage.api_objects_under(store_key(self.bucket, *folders)):
            return
        layout = self.storage.layout
        bucket_dir = layout.bucket_dir(self.bucket)
        start = bucket_dir.joinpath(*folders)
        if os.path.islink(bucket_dir) or not layout.contained(start):
            return  # a bucket folder that is a link, or a prefix through a link out of the bucket
        self._bucket_real = str(bucket_dir)  # the root is resolved, and the bucket folder is no link
        real = os.path.realpath(start)
        yield from self._folder(start, "".join(f + "/" for f in folders), folders, hidden, real, frozenset([real]))

    def _folder(
        self, path: Path, key_prefix: str, folders: list[str], hidden: bool, real: str, entered: frozenset[str]
    ) -> Iterator[Listed]:
        """The objects below one folder; `real` is its resolved path, `entered` those of the folders above
        it (so a link back to one of them is not followed: no loop)."""
        try:
            with os.scandir(path) as scan:
                entries = list(scan)
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            return
        parent = store_key(self.bucket, *folders)
        docs = self.storage.folder_docs(parent)
        items: list[tuple[str, str, bool, os.DirEntry[str], str]] = []
        marker = False
        for entry in entries:
            if entry.name == FOLDER_MARKER:
                linked_out = entry.is_symlink() and not is_inside(os.path.realpath(entry.path), self._bucket_real)
                marker = not linked_out
            elif addressable(entry.name):
                try:
                    is_dir = entry.is_dir()
                    target = os.path.realpath(entry.path) if entry.is_symlink() else os.path.join(real, entry.name)
                except OSError:
                    continue
                if not is_inside(target, self._bucket_real):
                    continue  # a link out of the bucket: not an object (see layout)
                if is_dir and (target in entered or is_inside(real, target)):
                    continue  # a link to a folder this listing is already inside
                items.append((entry.name + "/" if is_dir else entry.name, entry.name, is_dir, entry, target))
        items.sort(key=lambda item: item[0])
        if marker and key_prefix:  # the folder-marker key `x/` comes before every `x/...`
            location = Location(self.bucket, key_prefix, path / FOLDER_MARKER, parent, MARKER_NAME, hidden)
            yield from self._file(location, docs, None)
        for _, name, is_dir, entry, target in items:
            key = key_prefix + name
            if not is_dir:
                location = Location(self.bucket, key, Path(entry.path), parent, name, hidden or is_hadoop_checksum(name))
                yield from self._file(location, docs, entry)
                continue
            sub = key + "/"
            if not (sub.startswith(self.prefix) or self.prefix.startswith(sub)):
                continue
            if self.after and self.after > sub and not self.after.startswith(sub):
                continue  # every key below sorts before the marker
            if self.skip and sub.startswith(self.skip):
                continue
            staging = not hidden and is_staging_dir(name)
            if staging and not self.storage.api_objects_under(store_key(self.bucket, *folders, name)):
                continue
            yield from self._folder(
                Path(entry.path), sub, [*folders, name], hidden or staging, target, entered | {target}
            )

    def _file(self, location: Location, docs: dict[str, dict[str, Any]], entry: os.DirEntry[str] | None) -> Iterator[Listed]:
        key = location.key
        if not key.startswith(self.prefix) or (self.after and key <= self.after):
            return
        try:
            st = entry.stat() if entry is not None else os.stat(location.path)
        except OSError:
            return
        if not stat.S_ISREG(st.st_mode):
            return
        doc = docs.get(location.name)
        if location.hidden and not (doc and doc.get("_api") and doc.get("_file") == identity(st)):
            return
        yield Listed(location, st, doc)


def rolled_up(key: str, prefix: str, delimiter: str) -> str | None:
    """The common prefix a key is rolled up into (prefix up to the first delimiter after it), if any."""
    if not delimiter:
        return None
    at = key.find(delimiter, len(prefix))
    return key[: at + len(delimiter)] if at >= 0 else None


@dataclass
class Page:
    objects: list[tuple[Listed, dict[str, Any]]] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    last: str | None = None  # the last key or common prefix returned


def list_page(store: Storage, bucket: str, prefix: str, delimiter: str, after: str, max_keys: int) -> Page:
    """One page of keys and common prefixes, at most `max_keys` entries in all (S3 counts both)."""
    page = Page()
    if max_keys == 0:
        return page  # S3: nothing, and not truncated
    walk = Walk(store, bucket, prefix, after)
    if after and rolled_up(after, prefix, delimiter) == after:
        walk.skip = after  # the marker is a common prefix already returned: resume after all its keys
    deferred: list[tuple[Location, os.stat_result, dict[str, Any]]] = []
    for listed in walk:
        common = rolled_up(listed.location.key, prefix, delimiter)
        if common is not None and common == walk.skip:
            continue
        if len(page.objects) + len(page.prefixes) == max_keys:
            page.truncated = True
            break
        if common is not None:
            page.prefixes.append(common)
            walk.skip = page.last = common
            continue
        doc = store.describe(listed.location, listed.stat, listed.doc, deferred=deferred)
        if doc is not None:
            page.objects.append((listed, doc))
            page.last = listed.location.key
    store.remember(deferred)
    return page


def max_keys_of(query: dict[str, str], name: str = "max-keys") -> int:
    raw = query.get(name)
    if raw is None:
        return MAX_PAGE
    try:
        value = int(raw)
    except ValueError:
        raise InvalidArgument(f"Provided {name} not an integer or within integer range", ArgumentName=name,
                              ArgumentValue=raw) from None
    if not 0 <= value <= 2**31 - 1:
        raise InvalidArgument(f"Argument {name} must be an integer between 0 and 2147483647", ArgumentName=name,
                              ArgumentValue=raw)
    return value


def encoder_of(query: dict[str, str]) -> tuple[str | None, Callable[[str], str]]:
    encoding = query.get("encoding-type")
    if encoding is None:
        return None, lambda value: value
    if encoding != "url":
        raise InvalidArgument("Invalid Encoding Method specified in Request", ArgumentName="encoding-type",
                              ArgumentValue=encoding)
    return encoding, url_encode


def _contents(page: Page, encode: Callable[[str], str], owner: dict[str, str] | None) -> list[dict[str, Any]]:
    rows = []
    for listed, doc in page.objects:
        algorithm = stored_algorithm(doc)
        rows.append({
            "Key": encode(listed.location.key),
            "LastModified": iso8601(listed.stat.st_mtime),
            "ETag": doc["ETag"],
            "ChecksumAlgorithm": algorithm,
            "ChecksumType": doc.get("ChecksumType") if algorithm else None,
            "Size": listed.stat.st_size,
            "StorageClass": doc.get("StorageClass", "STANDARD"),
            "Owner": owner,
        })
    return rows


def _owner(store: Storage, bucket: str) -> dict[str, str]:
    return {"ID": canonical_id(store.require_bucket(bucket)["Owner"])}


def list_objects(ctx: RequestContext, req: S3Request) -> S3Reply:
    store = storage(ctx)
    bucket = req.bucket or ""
    owner = _owner(store, bucket)
    query = req.query
    prefix, delimiter, marker = query.get("prefix", ""), query.get("delimiter", ""), query.get("marker", "")
    max_keys = max_keys_of(query)
    encoding, encode = encoder_of(query)
    page = list_page(store, bucket, prefix, delimiter, marker, min(max_keys, MAX_PAGE))
    return xml_reply("ListBucketResult", {
        "Name": bucket,
        "Prefix": encode(prefix),
        "Marker": encode(marker),
        "MaxKeys": max_keys,
        "Delimiter": encode(delimiter) if delimiter else None,
        "IsTruncated": page.truncated,
        # S3 gives NextMarker only with a delimiter; without one the last key is the next marker.
        "NextMarker": encode(page.last) if page.truncated and delimiter and page.last else None,
        "Contents": _contents(page, encode, owner),
        "CommonPrefixes": [{"Prefix": encode(p)} for p in page.prefixes],
        "EncodingType": encoding,
    })


def _token(last: str) -> str:
    return base64.urlsafe_b64encode(last.encode("utf-8")).decode()


def _after_token(token: str) -> str:
    try:
        # validate=True: without it base64 skips characters outside its alphabet, so junk decodes to a key.
        return base64.b64decode(token.encode("ascii"), altchars=b"-_", validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidArgument("The continuation token provided is incorrect", ArgumentName="continuation-token",
                              ArgumentValue=token) from None


def list_objects_v2(ctx: RequestContext, req: S3Request) -> S3Reply:
    store = storage(ctx)
    bucket = req.bucket or ""
    owner = _owner(store, bucket)
    query = req.query
    prefix, delimiter = query.get("prefix", ""), query.get("delimiter", "")
    token, start_after = query.get("continuation-token"), query.get("start-after")
    max_keys = max_keys_of(query)
    encoding, encode = encoder_of(query)
    if token is not None and not token:
        raise InvalidArgument("The continuation token provided is incorrect", ArgumentName="continuation-token",
                              ArgumentValue=token)
    after = _after_token(token) if token else (start_after or "")
    page = list_page(store, bucket, prefix, delimiter, after, min(max_keys, MAX_PAGE))
    fetch_owner = query.get("fetch-owner", "").lower() == "true"
    return xml_reply("ListBucketResult", {
        "Name": bucket,
        "Prefix": encode(prefix),
        "Delimiter": encode(delimiter) if delimiter else None,
        "MaxKeys": max_keys,
        "EncodingType": encoding,
        "KeyCount": len(page.objects) + len(page.prefixes),
        "IsTruncated": page.truncated,
        "ContinuationToken": token,
        "NextContinuationToken": _token(page.last) if page.truncated and page.last else None,
        "StartAfter": encode(start_after) if start_after is not None else None,
        "Contents": _contents(page, encode, owner if fetch_owner else None),
        "CommonPrefixes": [{"Prefix": encode(p)} for p in page.prefixes],
    })
