"""Files and their metadata kept together: the layout on disk plus documents in the emulator's store.

An object's document (kind OBJECT, addressed by its folder and leaf name, see layout.Location) holds
what the file cannot: ETag, content type, user metadata, tags, checksums. It records the identity of
the file it describes (size, mtime in ns, inode): when the file on disk is not that file any more
(a Spark job or a person replaced it), the document is stale and the file is described afresh (its
MD5 computed and cached in a new document), exactly as if it had been uploaded without metadata.

Buckets, uploads and objects are global across accounts and regions (one namespace, as in S3), so
their documents live in one fixed store scope.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO

from ..config import DEFAULT_ACCOUNT, DEFAULT_REGION
from ..context import RequestContext
from .errors import NoSuchBucket, NoSuchKey
from .layout import Layout, Location, StagedFile

if TYPE_CHECKING:
    from ..core import Emulator

log = logging.getLogger("glue_emulator.s3")

SCOPE = "s3"
BUCKET = "s3_bucket"
OBJECT = "s3_object"
UPLOAD = "s3_upload"
PART = "s3_part"
DEFAULT_CONTENT_TYPE = "binary/octet-stream"
_CHUNK = 1 << 20
_UNSET: Any = object()


def identity(st: os.stat_result) -> list[int]:
    """What tells one file from another at the same path: size, modification time, inode."""
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def file_md5(file: BinaryIO) -> str:
    digest = hashlib.md5()
    while data := file.read(_CHUNK):
        digest.update(data)
    return f'"{digest.hexdigest()}"'


def canonical_id(account: str) -> str:
    """A stable 64-hex canonical user id per account, as S3 shows owners."""
    return hashlib.sha256(f"glue-emulator:{account}".encode()).hexdigest()


class Storage:
    """The emulator's S3 data: one per server (an Emulator component)."""

    def __init__(self, emulator: Emulator):
        self.store = emulator.store
        self.layout = Layout(emulator.settings.data_dir / "s3", emulator.settings.durable)
        # A server killed during uploads leaves their temporary files: clean them in the background.
        self.cleaned = threading.Event()
        threading.Thread(target=self._clean_leftovers, args=(time.time(),), name="s3-cleanup", daemon=True).start()

    def _clean_leftovers(self, started: float) -> None:
        try:
            removed = self.layout.remove_leftover_temps(started)
            if removed:
                log.info("removed %d temporary files of uploads a previous server never finished", removed)
        except OSError:
            log.exception("cannot clean the temporary files of unfinished uploads")
        finally:
            self.cleaned.set()

    def wipe(self) -> None:
        self.layout.wipe()

    # -- buckets ------------------------------------------------------------------------------------

    def bucket(self, name: str) -> dict[str, Any] | None:
        """A bucket's document; a folder made by hand is a bucket of the default account in us-east-1."""
        bucket_dir = self.layout.bucket_dir(name)
        try:
            st = os.lstat(bucket_dir)  # a link is no bucket folder (see layout: links out of a bucket)
        except FileNotFoundError:
            return None
        if not stat.S_ISDIR(st.st_mode):
            return None
        doc = self.store.get(SCOPE, BUCKET, "", name)
        return doc or {"Name": name, "CreationDate": st.st_mtime, "BucketRegion": DEFAULT_REGION, "Owner": DEFAULT_ACCOUNT}

    def require_bucket(self, name: str) -> dict[str, Any]:
        doc = self.bucket(name)
        if doc is None:
            raise NoSuchBucket(BucketName=name)
        return doc

    # -- objects ------------------------------------------------------------------------------------

    def describe(
        self,
        location: Location,
        st: os.stat_result,
        doc: dict[str, Any] | None = _UNSET,
        file: BinaryIO | None = None,
        deferred: list[tuple[Location, os.stat_result, dict[str, Any]]] | None = None,
    ) -> dict[str, Any] | None:
        """The metadata of the file with status `st` at `location`, or None when that file is no object.

        A stale or missing document is replaced by a computed one (ETag = MD5 of the file); listings
        pass `deferred` to store those in one transaction per page (`remember`).
        """
        if doc is _UNSET:
            doc = self.store.get(SCOPE, OBJECT, location.parent, location.name)
        if doc is not None and doc.get("_file") == identity(st):
            return doc if doc.get("_api") or not location.hidden else None
        if location.hidden:
            return None
        if file is not None:
            file.seek(0)
            etag = file_md5(file)
            file.seek(0)
        else:
            try:
                with open(location.path, "rb") as opened:
                    if identity(os.fstat(opened.fileno())) != identity(st):
                        return None  # replaced meanwhile: the caller saw a file that is gone
                    etag = file_md5(opened)
            except OSError:
                return None
        fresh = {"ETag": etag, "_file": identity(st)}
        if deferred is not None:
            deferred.append((location, st, fresh))
        else:
            self.remember([(location, st, fresh)])
        return fresh

    def remember(self, computed: list[tuple[Location, os.stat_result, dict[str, Any]]]) -> None:
        """Cache computed documents, unless the file changed or the API described it meanwhile."""
        if not computed:
            return
        with self.store.transaction():
            for location, st, doc in computed:
                now = self.layout.stat_file(location.path)
                if now is None or identity(now) != identity(st):
                    continue
                current = self.store.get(SCOPE, OBJECT, location.parent, location.name)
                if current is None or current.get("_file") != identity(st):
                    self.store.put(SCOPE, OBJECT, location.parent, location.name, doc)

    # A writer renames its file into place and then records its document, both in one store transaction
    # (commit). A reader taking the document first and the file second, without that lock, can find the file
    # of a write whose document is not committed yet: it then looks again inside a transaction, where no write
    # is half done. Without that second look, the new file's document was computed afresh (ETag alone),
    # and a GET racing an overwrite returned the bytes without their Content-Type and metadata.

    def _described(self, doc: dict[str, Any] | None, st: os.stat_result | None) -> bool:
        return st is not None and doc is not None and doc.get("_file") == identity(st)

    def _stat_with_doc(self, location: Location) -> tuple[os.stat_result | None, dict[str, Any] | None]:
        doc = self.store.get(SCOPE, OBJECT, location.parent, location.name)  # before the file (see above)
        return self.layout.stat_file(location.path), doc

    def head(self, location: Location) -> tuple[os.stat_result, dict[str, Any]]:
        """Status and metadata of an existing object, else NoSuchKey."""
        st, doc = self._stat_with_doc(location)
        if st is not None and not self._described(doc, st):
            with self.store.transaction():
                st, doc = self._stat_with_doc(location)
        described = self.describe(location, st, doc) if st is not None else None
        if st is None or described is None:
            raise NoSuchKey(Key=location.key)
        return st, described

    def _open_with_doc(self, location: Location) -> tuple[BinaryIO, os.stat_result, dict[str, Any] | None]:
        doc = self.store.get(SCOPE, OBJECT, location.parent, location.name)  # before the file (see above)
        file = self.layout.open_file(location.path)
        if file is None:
            raise NoSuchKey(Key=location.key)
        return file, os.fstat(file.fileno()), doc

    def open(self, location: Location) -> tuple[BinaryIO, os.stat_result, dict[str, Any]]:
        """An open object file (the bytes stay readable if it is replaced meanwhile) and its metadata."""
        file, st, doc = self._open_with_doc(location)
        if not self._described(doc, st):
            file.close()
            with self.store.transaction():
                file, st, doc = self._open_with_doc(location)
        described = self.describe(location, st, doc, file=file)
        if described is None:
            file.close()
            raise NoSuchKey(Key=location.key)
        return file, st, described

    def exists(self, location: Location) -> dict[str, Any] | None:
        st = self.layout.stat_file(location.path)
        return self.describe(location, st) if st is not None else None

    def commit(
        self,
        location: Location,
        staged: StagedFile,
        doc: dict[str, Any],
        precondition: Callable[[], None] | None = None,
    ) -> os.stat_result:
        """Install a written file with its metadata, atomically with respect to other writers."""
        st = staged.finish()
        stored = {**doc, "_file": identity(st), "_api": True}
        with self.store.transaction():
            if precondition is not None:
                precondition()
            staged.install()
            self.store.put(SCOPE, OBJECT, location.parent, location.name, stored)
            self._drop_hadoop_checksum(location)
        staged.sync()
        return st

    def update(self, location: Location, change: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
        """Change an existing object's metadata (tags), as long as its file stays the same."""
        for _attempt in range(5):
            st, doc = self.head(location)
            with self.store.transaction():
                now = self.layout.stat_file(location.path)
                if now is None or identity(now) != identity(st):
                    continue
                updated = change(dict(doc))
                self.store.put(SCOPE, OBJECT, location.parent, location.name, updated)
                return updated
        raise NoSuchKey(Key=location.key)

    def delete(self, location: Location) -> None:
        """Delete an object (nothing happens when there is none, as in S3)."""
        with self.store.transaction():
            doc = self.store.get(SCOPE, OBJECT, location.parent, location.name)
            if location.hidden and not (doc and doc.get("_api")):
                return  # a Hadoop side file is not an object: not ours to delete
            self.store.delete(SCOPE, OBJECT, location.parent, location.name)
            self._drop_hadoop_checksum(location)
            self.layout.remove_file(location.bucket, location.path)

    def _drop_hadoop_checksum(self, location: Location) -> None:
        """Remove `.<name>.crc` beside a file the API replaces or deletes.

        Hadoop's local file system verifies that checksum when Spark reads the file: left behind, it
        would describe the old bytes and make Spark fail on the new ones.
        """
        if location.is_folder_marker:
            return
        crc = location.path.parent / f".{location.path.name}.crc"
        crc_doc = self.store.get(SCOPE, OBJECT, location.parent, crc.name)
        if crc_doc is None or not crc_doc.get("_api"):
            try:
                os.unlink(crc)
            except OSError:
                pass

    # -- folders of keys -----------------------------------------------------------------------------

    def folder_docs(self, parent: str) -> dict[str, dict[str, Any]]:
        """The documents of one folder's objects, by leaf name (one query for a whole listing level)."""
        return dict(self.store.list(SCOPE, OBJECT, parent))

    def api_objects_under(self, parent: str) -> bool:
        """Whether any object was written through the API under a folder (hidden staging folders)."""
        return any(doc.get("_api") for _, _, doc in self.store.list_under(SCOPE, OBJECT, parent))


def storage(ctx: RequestContext) -> Storage:
    return ctx.emulator.component(Storage)
