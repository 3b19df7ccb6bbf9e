"""Objects as plain files: `<data-dir>/s3/<bucket>/<key>`, so Spark and any local tool use them directly.

Decisions (S3 has no folders; a file system does):
- A key maps to a path segment by segment. Segments that cannot be a file name inside the bucket
  folder are refused with InvalidArgument: empty segments (`a//b`, a leading `/`), `.` and `..`,
  backslashes, control characters (NUL included), and names starting with RESERVED (the emulator's
  own files). Longer than 1024 bytes (S3's limit) or a segment over 255 bytes (the file system's)
  answers KeyTooLongError. Percent-decoding happens once, before this check, so `%2e%2e` is `..`.
- A folder-marker key (`x/`) is the file FOLDER_MARKER inside the folder `x`, holding its bytes.
- `a/b` and `a/b/c` cannot both exist (a path is a file or a folder): the second write answers
  KeyConflict (409) and nothing is lost. An empty folder left behind by a tool is no obstacle.
- Files that are not objects, hidden from listings and reads unless written through the API:
  Hadoop's checksum side files `.<name>.crc`, and everything under the folders Hadoop, Spark and
  the awsglue runtime stage job output in (`_temporary`, `.spark-staging-*`, `_glue_temporary_*`),
  which vanish when the job commits.
- A write is a temporary file beside the target (so the rename stays on one file system), flushed
  and fsynced, then renamed over the target: readers see the old object or the new one, never half.
- Deleting the last object of a folder removes the emptied folders up to the bucket.
- Symbolic links (one rule for every S3 path, the rule job scripts follow too): a path is used only
  when, every link on its way followed, it stays inside its own bucket's folder. A link that leads
  out of it (or a bucket folder that is itself a link) is as good as absent: reads answer NoSuchKey,
  listings leave it out, a delete removes nothing, and a write answers AccessDenied, so the API never
  reads, writes or deletes outside the data dir. Links inside the bucket are followed (the object
  shows under each name); a listing never enters a folder it is already inside (link loops).
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import stat
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Self

from ..store import key as store_key
from .errors import (
    AccessDenied,
    InvalidArgument,
    InvalidBucketName,
    KeyConflict,
    KeyTooLongError,
    NoSuchBucket,
    NoSuchUpload,
)

RESERVED = ".glue-emulator"
FOLDER_MARKER = RESERVED + "-folder"
_TEMP_PREFIX = RESERVED + "-tmp-"
# The store name of a folder marker inside its folder's parent key: never a segment (no `/` in segments).
MARKER_NAME = "/"
MAX_KEY_BYTES = 1024
MAX_SEGMENT_BYTES = 255

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HADOOP_CRC = re.compile(r"^\..+\.crc$")
_CHUNK = 1 << 20
SYNC_EVERY = 32 << 20
_SYNC_THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="s3-sync")
_UNLINK_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="s3-unlink")
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
# Hadoop's and Spark's job staging folders, and the awsglue runtime's (runtime/awsglue/_s3.py staging_dir).
_STAGING_DIR = re.compile(r"^(_temporary|_glue_temporary_.*|\.spark-staging-.*)$")


def valid_bucket_name(name: str) -> bool:
    """S3's rules for general purpose buckets: 3-63 of [a-z0-9.-], alphanumeric at both ends, no
    `..`, not an IP address, none of S3's reserved prefixes and suffixes."""
    if not _BUCKET.match(name) or ".." in name or name.startswith(_BUCKET_PREFIXES) or name.endswith(_BUCKET_SUFFIXES):
        return False
    try:
        ipaddress.IPv4Address(name)
        return False
    except ValueError:
        return True


def check_bucket_name(name: str) -> None:
    if not valid_bucket_name(name):
        raise InvalidBucketName(BucketName=name)


def segment_problem(segment: str) -> str | None:
    """Why a key segment cannot be a file name in the bucket folder, or None when it can."""
    if segment in ("", ".", ".."):
        return "empty, '.' and '..' path segments"
    if "\\" in segment or _CONTROL.search(segment):
        return "backslashes and control characters"
    if segment.startswith(RESERVED):
        return f"names starting with {RESERVED!r}"
    return None


def new_upload_id() -> str:
    return uuid.uuid4().hex


def is_upload_id(value: str) -> bool:
    """Upload ids are the emulator's own hex strings; anything else never names a folder."""
    return bool(_UPLOAD_ID.match(value))


def is_staging_dir(name: str) -> bool:
    return bool(_STAGING_DIR.match(name))


def is_hadoop_checksum(name: str) -> bool:
    return bool(_HADOOP_CRC.match(name))


def addressable(name: str) -> bool:
    """Whether a file name found on disk can be a key segment (valid UTF-8, see segment_problem)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in the name (surrogate escapes)
        return False
    return segment_problem(name) is None


@dataclass(frozen=True)
class Location:
    """Where an object lives: its file, and its metadata document's address (folder key, leaf name)."""

    bucket: str
    key: str
    path: Path
    parent: str
    name: str
    hidden: bool  # a name that is not an object unless written through the API

    @property
    def is_folder_marker(self) -> bool:
        return self.name == MARKER_NAME


class Layout:
    """The s3 folder: bucket folders, object files, multipart part files."""

    def __init__(self, root: Path, durable: bool):
        # Links are judged by where they resolve: the root itself is taken resolved (a data dir reached
        # through a link is fine).
        root.mkdir(parents=True, exist_ok=True)
        self.root = Path(os.path.realpath(root))
        self.durable = durable
        # Bucket names never start with a dot, so this folder is never a bucket's.
        self.uploads = root / ".multipart"
        # Where objects are written before their atomic rename into place: outside every bucket, so no listing
        # (S3's, a crawler's, Spark's) ever meets a half-written file (Hadoop's local listing fails on an entry
        # that vanishes between reading a folder and its `ls -ld`).
        self.staging = self.root / ".staging"
        self.root.mkdir(parents=True, exist_ok=True)

    # -- buckets ------------------------------------------------------------------------------------

    def bucket_dir(self, bucket: str) -> Path:
        check_bucket_name(bucket)
        return self.root / bucket

    def bucket_names(self) -> list[str]:
        """Bucket folders on disk, including those made by hand (a folder with a valid name is a bucket)."""
        with os.scandir(self.root) as entries:
            return sorted(e.name for e in entries if e.is_dir(follow_symlinks=False) and valid_bucket_name(e.name))

    def remove_bucket(self, bucket: str) -> None:
        shutil.rmtree(self.bucket_dir(bucket), ignore_errors=True)

    def wipe(self) -> None:
        """Remove every bucket and upload (reset)."""
        for entry in os.scandir(self.root):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)

    def remove_leftover_temps(self, older_than: float) -> int:
        """Delete the temporary files of writes a crashed server never finished (and the folders of uploads it
        was removing); how many went.

        Only files last modified before `older_than` (a time.time() value: the server's start) go,
        so a write this server is receiving meanwhile keeps its own temporary file. Symbolic links
        are not followed (nothing outside the s3 folder is touched); emptied folders are pruned.
        """
        removed = 0
        for folder, folders, names in os.walk(self.root, followlinks=False):
            for name in [name for name in folders if name.startswith(_TEMP_PREFIX)]:  # a removed upload's
                folders.remove(name)
                path = Path(folder) / name
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                if stat.S_ISDIR(st.st_mode) and st.st_mtime < older_than:
                    shutil.rmtree(path, ignore_errors=True)
                    removed += 1
            for name in names:
                if not name.startswith(_TEMP_PREFIX):
                    continue
                path = Path(folder) / name
                try:
                    st = os.lstat(path)
                    if not stat.S_ISREG(st.st_mode) or st.st_mtime >= older_than:
                        continue
                    os.unlink(path)
                except OSError:  # gone meanwhile, or not ours to remove
                    continue
                removed += 1
                relative = path.relative_to(self.root).parts
                if len(relative) > 2:  # inside a bucket's (or upload's) folders: prune what emptied
                    self.prune(self.root / relative[0], path.parent)
        return removed

    # -- symbolic links ------------------------------------------------------------------------------

    def contained(self, path: Path | str) -> bool:
        """Whether `path` (under the root), every symbolic link on its way followed, stays inside the
        folder of its bucket (or of its upload, for part files): the one rule for links, see above."""
        relative = os.path.relpath(path, self.root)
        top = os.path.join(self.root, relative.split(os.sep, 1)[0])
        return is_inside(os.path.realpath(path), top)

    # -- keys ---------------------------------------------------------------------------------------

    def locate(self, bucket: str, key: str) -> Location:
        """The file of a key, refusing any key that would not stay a file inside the bucket folder."""
        bucket_dir = self.bucket_dir(bucket)
        if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
            raise KeyTooLongError(Size=str(len(key.encode("utf-8", "surrogatepass"))), MaxSizeAllowed=str(MAX_KEY_BYTES))
        folder = key.endswith("/")
        segments = key.split("/")[:-1] if folder else key.split("/")
        for segment in segments:
            problem = segment_problem(segment)
            if problem:
                raise InvalidArgument(
                    f"Object key {key!r} cannot be stored: glue-emulator keeps objects as files under the bucket's"
                    f" folder, and refuses {problem} in keys",
                    ArgumentName="key",
                    ArgumentValue=key,
                )
            if len(segment.encode("utf-8", "surrogatepass")) > MAX_SEGMENT_BYTES:
                raise KeyTooLongError(
                    f"Your key is too long: a segment between '/' of at most {MAX_SEGMENT_BYTES} bytes can be a file name"
                )
        path = bucket_dir.joinpath(*segments, *([FOLDER_MARKER] if folder else []))
        # Belt and braces: whatever the checks above, the resolved path stays inside the bucket folder.
        normal = os.path.normpath(path)
        if os.path.commonpath([normal, bucket_dir]) != str(bucket_dir) or normal == str(bucket_dir):
            raise InvalidArgument(f"Object key {key!r} resolves outside its bucket", ArgumentName="key", ArgumentValue=key)
        folders = segments if folder else segments[:-1]
        name = MARKER_NAME if folder else segments[-1]
        hidden = any(is_staging_dir(s) for s in folders) or (not folder and is_hadoop_checksum(name))
        return Location(bucket, key, path, store_key(bucket, *folders), name, hidden)

    # -- reading ------------------------------------------------------------------------------------

    def stat_file(self, path: Path) -> os.stat_result | None:
        """The file's status when it is a regular file inside its bucket, else None (missing, a folder,
        under a file, or reached through a link that leads out of the bucket)."""
        if not self.contained(path):
            return None
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        return st if stat.S_ISREG(st.st_mode) else None

    def open_file(self, path: Path) -> BinaryIO | None:
        if not self.contained(path):
            return None
        try:
            # O_NONBLOCK: opening a FIFO someone put in a bucket folder would otherwise wait for a writer, holding
            # the request's thread; a regular file ignores the flag, and it is cleared before the file is used.
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
        os.set_blocking(fd, True)
        return open(fd, "rb")

    # -- writing ------------------------------------------------------------------------------------

    def staged(self, location: Location) -> StagedFile:
        """A new version of an object's file, written beside it."""
        gone = NoSuchBucket(BucketName=location.bucket)
        return StagedFile(self, location.path, self.bucket_dir(location.bucket), location.key, gone)

    def upload_dir(self, upload_id: str) -> Path:
        if not is_upload_id(upload_id):
            raise ValueError(f"not an upload id: {upload_id!r}")
        return self.uploads / upload_id

    def staged_part(self, upload_id: str, part_number: int) -> StagedFile:
        gone = NoSuchUpload(UploadId=upload_id)
        path = self.part_path(upload_id, part_number)
        return StagedFile(self, path, path.parent, f"part {part_number}", gone)

    def part_path(self, upload_id: str, part_number: int) -> Path:
        return self.upload_dir(upload_id) / str(part_number)

    def remove_upload(self, upload_id: str) -> None:
        """Remove an upload's folder: renamed at once to a temporary name, its part files freed on a helper thread
        (see StagedFile.install); a crash leaves the renamed folder to remove_leftover_temps."""
        removed = self.uploads / f"{_TEMP_PREFIX}{uuid.uuid4().hex}"
        try:
            os.rename(self.upload_dir(upload_id), removed)
        except FileNotFoundError:
            return
        _UNLINK_THREAD.submit(shutil.rmtree, removed, ignore_errors=True)

    def make_folders(self, base: Path, folder: Path) -> None:
        """Create the folders from `base` down to `folder`; a file on the way is another object: KeyConflict."""
        current = base
        for part in folder.relative_to(base).parts:
            current = current / part
            try:
                os.mkdir(current)
            except FileExistsError:
                if not os.path.isdir(current):
                    conflict = current.relative_to(base).as_posix()
                    raise KeyConflict(
                        f"The key cannot be stored: {conflict!r} is an object, and glue-emulator keeps objects as files,"
                        f" so {conflict + '/'!r} cannot also be a folder",
                        ConflictingKey=conflict,
                    ) from None
                continue
            if self.durable:
                _fsync_dir(current.parent)

    def remove_file(self, bucket: str, path: Path) -> None:
        """Delete an object's file (if there is one) and the folders it leaves empty.

        A file reached through a link out of the bucket is not there for the API: nothing is removed.
        The unlink removes a link itself, never what it points to.
        """
        if not self.contained(path):
            return
        try:
            os.unlink(path)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return
        self.prune(self.bucket_dir(bucket), path.parent)

    def prune(self, base: Path, folder: Path) -> None:
        """Remove `folder` and its parents while they are empty, up to (not including) `base`."""
        while folder != base and base in folder.parents:
            try:
                os.rmdir(folder)
            except OSError:  # not empty (or gone): other objects live here
                return
            folder = folder.parent
        if self.durable:
            _fsync_dir(folder)


class StagedFile:
    """A write in progress: a temporary file beside `target`, renamed over it by `install()`.

    `base` is the folder that must exist already (the bucket's, an upload's); folders below it are
    created as needed and pruned again if the write is abandoned.
    """

    def __init__(self, layout: Layout, target: Path, base: Path, label: str, gone: Exception):
        self.layout = layout
        self.gone = gone  # raised when `base` does not exist (the bucket or upload was deleted)
        self.target = target
        self.base = base
        self.label = label
        self.temp: Path | None = None
        self.file: BinaryIO | None = None
        self._unsynced = 0
        self._syncing: Future[None] | None = None

    def write(self, data: bytes | memoryview) -> None:
        """Append bytes; when durable, the disk starts receiving them while more arrive.

        Every SYNC_EVERY bytes a helper thread flushes what is written so far (fdatasync), so the
        fsync before the rename only waits for the tail instead of the whole object.
        """
        assert self.file is not None
        self.file.write(data)
        self._written(len(data))

    def copy(self, source: BinaryIO, offset: int, length: int, feed: Callable[[bytes], object] | None = None) -> None:
        """Append `length` bytes of `source` from `offset` (see copy_range), SYNC_EVERY bytes at a time so that
        the disk receives them while the copy goes on, as with write()."""
        assert self.file is not None
        done = 0
        while done < length:
            step = min(SYNC_EVERY, length - done)
            copy_range(source, self.file, offset + done, step, feed)
            done += step
            self._written(step)

    def _written(self, count: int) -> None:
        assert self.file is not None
        self._unsynced += count
        if self.layout.durable and self._unsynced >= SYNC_EVERY and (self._syncing is None or self._syncing.done()):
            self._unsynced = 0
            self.file.flush()
            self._syncing = _SYNC_THREADS.submit(os.fdatasync, self.file.fileno())

    def _wait_sync(self) -> None:
        if self._syncing is not None:
            self._syncing.result()
            self._syncing = None

    def __enter__(self) -> Self:
        target = self.target
        if not self.layout.contained(target):  # checked before any folder is made on the way
            raise AccessDenied(
                f"{self.label!r} cannot be written: its path goes through a symbolic link that leads out of its"
                " folder, and glue-emulator never writes outside a bucket's folder"
            )
        if os.path.isdir(target) and not _remove_if_empty(target):
            raise self._conflict()
        for _attempt in range(10):  # a concurrent delete may prune the folder we just made
            if not os.path.isdir(self.base):
                raise self.gone
            self.layout.make_folders(self.base, target.parent)
            temp = self._staging_folder(target.parent) / f"{_TEMP_PREFIX}{uuid.uuid4().hex}"
            try:
                fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileNotFoundError:
                continue
            self.temp, self.file = temp, os.fdopen(fd, "wb")
            return self
        raise OSError(f"could not create a temporary file in {target.parent}")

    def _staging_folder(self, folder: Path) -> Path:
        """The layout's staging folder, or the object's own folder when that is another file system (a bucket
        folder that is a mount point), where a rename could not be atomic."""
        staging = self.layout.staging
        staging.mkdir(exist_ok=True)
        return staging if os.stat(staging).st_dev == os.stat(folder).st_dev else folder

    def __exit__(self, *exc: object) -> None:
        if self.file is not None:
            try:
                self._wait_sync()  # never close a descriptor a helper thread still syncs
            finally:
                self.file.close()
        if self.temp is not None:  # not installed: an error happened
            try:
                os.unlink(self.temp)
            except FileNotFoundError:
                pass
            self.layout.prune(self.base, self.target.parent)

    def finish(self) -> os.stat_result:
        """Make the written bytes durable; the status identifies the file once installed."""
        assert self.file is not None
        self.file.flush()
        self._wait_sync()
        if self.layout.durable:
            os.fsync(self.file.fileno())
        return os.fstat(self.file.fileno())

    def install(self) -> None:
        """Rename the temporary file over the target (atomic); a folder at the target is a conflict.

        The object replaced keeps a second name beside the temporary file until a helper thread unlinks
        it: freeing a large file's blocks takes a while (a quarter second for 256 MB on a disk mounted with
        `discard`), and the writer need not wait for it. A crash leaves that name to remove_leftover_temps.
        """
        assert self.temp is not None
        replaced: Path | None = self.temp.with_name(self.temp.name + "-replaced")
        try:
            os.link(self.target, replaced, follow_symlinks=False)
        except OSError:  # no object there yet (or a folder): nothing to free
            replaced = None
        try:
            os.replace(self.temp, self.target)
        except OSError as error:
            if not os.path.isdir(self.target):
                raise
            if not _remove_if_empty(self.target):
                raise self._conflict() from error
            os.replace(self.temp, self.target)
        finally:
            if replaced is not None:
                _UNLINK_THREAD.submit(_unlink, replaced)
        self.temp = None

    def sync(self) -> None:
        """Make the rename durable (after the metadata is committed)."""
        if self.layout.durable:
            _fsync_dir(self.target.parent)

    def _conflict(self) -> KeyConflict:
        key = self.label
        return KeyConflict(
            f"The key {key!r} cannot be stored: objects exist under {key + '/'!r}, and glue-emulator keeps objects as"
            " files, so a key cannot be both a file and a folder",
            Key=key,
        )


def is_inside(path: str, folder: str) -> bool:
    """Whether the (resolved) `path` is `folder` or below it."""
    return path == folder or path.startswith(folder + os.sep)


def _remove_if_empty(folder: Path) -> bool:
    """Remove a folder holding no files, only (nested) empty folders; False when it holds a file."""
    try:
        for current, _, files in os.walk(folder, topdown=False):
            if files:
                return False
            os.rmdir(current)
    except OSError:  # a file appeared meanwhile
        return False
    return True


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:  # removed meanwhile by remove_leftover_temps
        pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_range(
    source: BinaryIO, target: BinaryIO, offset: int, length: int, feed: Callable[[bytes], object] | None = None
) -> None:
    """Append `length` bytes of `source`, from `offset`, to `target`.

    Without `feed` the kernel copies (copy_file_range, no trip through Python); with it every
    chunk goes through `feed` (a hash) on its way. A source that ends early (truncated by another
    program meanwhile) is an error, never a silently shorter object.
    """
    target.flush()
    copied = 0
    if feed is None and hasattr(os, "copy_file_range"):
        try:
            while copied < length:
                done = os.copy_file_range(source.fileno(), target.fileno(), length - copied, offset + copied)
                if done == 0:
                    break
                copied += done
        except OSError:  # not supported between these files: copy the rest through Python
            pass
        target.seek(0, os.SEEK_END)
    source.seek(offset + copied)
    while copied < length:
        data = source.read(min(_CHUNK, length - copied))
        if not data:
            break
        if feed is not None:
            feed(data)
        target.write(data)
        copied += len(data)
    if copied != length:
        raise OSError(f"the source ended after {copied} of {length} bytes")
