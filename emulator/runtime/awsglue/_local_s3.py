"""The emulator's S3 as Hadoop file systems: `s3://bucket/key` (and s3a, s3n) is `<root>/bucket/key`.

Each scheme is Hadoop's ViewFileSystemOverloadScheme with one mount per bucket (the mount table is
named by the URI's authority, the bucket) whose fallback is the bucket's folder under the emulator's
S3 root, reached through a private RawLocalFileSystem scheme (no `.crc` side files). Job runs get
this from the warm Spark driver; users' own sessions (unit tests, notebooks) get it from
`emulator.runtime.use_local_s3`. A bucket created after the session was set up is mounted the first
time this library touches it; a bucket with no folder does not exist (NoSuchBucket on writes).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

SCHEMES = ("s3", "s3a", "s3n")
TARGET_SCHEME = "gluelocal"
_OVERLOAD = "org.apache.hadoop.fs.viewfs.ViewFileSystemOverloadScheme"
# Set by use_local_s3; inside job runs the root is read back from the mounts the driver made.
ROOT_KEY = "glue.emulator.s3.root"
# Spark SQL settings a session needs on these file systems. On a ViewFileSystem Spark lists a folder with
# listLocatedStatus, and each status RawLocalFileSystem gives it loads its permissions by running `ls -ld`
# on the entry: an entry renamed or deleted in between (an upload's temporary file, see s3/layout.py, a Spark
# job's staging file) makes that `ls` fail and with it the whole listing (a RuntimeException, not the
# FileNotFoundException listings skip), which ends a streaming query over the folder or fails the read.
# Without block locations (meaningless on one local disk) Spark lists with listStatus, which skips entries
# gone meanwhile and forks no `ls` per file.
SQL_SETTINGS = {"spark.sql.sources.ignoreDataLocality": "true"}


class NoSuchBucket(FileNotFoundError):
    """A write to a bucket that does not exist (S3's 404 NoSuchBucket, which fails a Glue job)."""


def hadoop_settings(root: str | os.PathLike[str]) -> dict[str, str]:
    """Hadoop keys (without `spark.hadoop.`) that map the S3 schemes onto the folders under `root`."""
    settings = {f"fs.{TARGET_SCHEME}.impl": "org.apache.hadoop.fs.RawLocalFileSystem",
                ROOT_KEY: str(Path(root).resolve())}
    for scheme in SCHEMES:
        # Hadoop's FileSystem cache stays on: one file system per bucket (a bucket with no mount yet fails to
        # initialize, so none is cached without its mount). Uncached, each path resolved made a new view file
        # system whose inner file system Hadoop keeps in that cache for good, with a copy of the whole
        # Configuration: a streaming query over 1,500 small files filled a 1 GB driver heap that way.
        settings[f"fs.{scheme}.impl"] = _OVERLOAD
    return settings


def mount_key(bucket: str) -> str:
    return f"fs.viewfs.mounttable.{bucket}.linkFallback"


def mount_target(folder: Path) -> str:
    """`gluelocal:///...` for a bucket folder (percent-encoded, as Hadoop parses it as a URI)."""
    return TARGET_SCHEME + folder.resolve().as_uri()[len("file"):]


def mount_all(conf: Any, root: Path) -> list[str]:
    """Mount every bucket folder under `root` in a Hadoop Configuration; the buckets mounted."""
    buckets = sorted(e.name for e in os.scandir(root) if e.is_dir() and not e.name.startswith(".")) \
        if root.is_dir() else []
    for bucket in buckets:
        conf.set(mount_key(bucket), mount_target(root / bucket))
    return buckets


def _root(conf: Any) -> Path | None:
    """The S3 root of this session: set explicitly, or the parent of the folder any bucket is mounted on."""
    if conf.get(ROOT_KEY):
        return Path(conf.get(ROOT_KEY))
    mounts = conf.getValByRegex(r"^fs\.viewfs\.mounttable\..*\.linkFallback$")
    for value in mounts.values():
        if str(value).startswith(TARGET_SCHEME + ":"):
            return Path(unquote(urlparse(str(value)).path)).parent
    return None


def bucket_exists(spark: Any, path: str) -> bool:
    """False only for an `s3://` path of a session on the emulator's S3 whose bucket has no folder.

    A bucket made since the session was set up (CreateBucket in the script) is mounted now."""
    url = urlparse(path)
    conf = spark._jsc.hadoopConfiguration()
    if url.scheme.lower() not in SCHEMES or conf.get(f"fs.{url.scheme.lower()}.impl") != _OVERLOAD:
        return True
    bucket = url.netloc
    if conf.get(mount_key(bucket)):
        return True
    root = _root(conf)
    if root is None or not bucket or not (root / bucket).is_dir():
        return False
    conf.set(mount_key(bucket), mount_target(root / bucket))
    return True


def require_bucket(spark: Any, path: str) -> None:
    """Raise NoSuchBucket, naming the bucket, for a path whose bucket does not exist."""
    if not bucket_exists(spark, path):
        bucket = urlparse(path).netloc
        raise NoSuchBucket(f"The specified bucket does not exist (Service: Amazon S3; Status Code: 404; "
                           f"Error Code: NoSuchBucket; Bucket: {bucket}) writing to {path}")
