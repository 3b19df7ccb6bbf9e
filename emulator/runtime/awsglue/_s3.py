"""Files on any Hadoop path (s3:// inside job runs, file:// in unit tests): listing with Glue's S3
options, Hive partition folders, Glue-style output names, purging.

Everything goes through Hadoop's FileSystem API of the running JVM, so the same code serves local
folders and the emulator's S3 mounts.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from awsglue import _local_s3

_GLOB_CHARS = re.compile(r"[*?\[{]")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(//[^/]*)?")


@dataclass(frozen=True)
class InputFile:
    """A data file found under one of a source's paths."""

    path: str  # as Hadoop names it (what Spark readers are given)
    root: str  # the source path it was found under
    modified: int  # epoch milliseconds (what job bookmarks compare)
    size: int
    partitions: tuple[tuple[str, str], ...] = field(default=())  # Hive `key=value` folders below root


def _hadoop(spark: Any) -> tuple[Any, Any]:
    return spark._jvm, spark._jsc.hadoopConfiguration()


def _fs_path(spark: Any, path: str) -> tuple[Any, Any]:
    _local_s3.bucket_exists(spark, path)  # mounts a bucket created during the run
    jvm, conf = _hadoop(spark)
    p = jvm.org.apache.hadoop.fs.Path(path)
    return p.getFileSystem(conf), p


def _hidden(name: str) -> bool:
    """Hadoop's rule, which Glue follows too: `_SUCCESS`, `.crc`, `_temporary` are not data."""
    return name.startswith(("_", "."))


def normalized(path: str) -> str:
    """A path without scheme/authority, percent-decoded: comparable with Spark's input_file_name()."""
    return unquote(_SCHEME.sub("", path))


def list_files(spark: Any, paths: Iterable[str], recurse: bool = False, exclusions: Any = None) -> list[InputFile]:
    """The data files of a source, in a stable order.

    A path may be a file, a folder (its files; with `recurse`, those of every sub-folder too) or a
    Hadoop glob. A missing path contributes nothing (Glue reads an empty prefix as an empty frame).
    `exclusions` is Glue's JSON list (or a list) of Unix globs: `**` crosses folders, `*` does not;
    a pattern may match the full path or the path relative to the source path.
    """
    patterns = [_glob_regex(p) for p in _exclusion_list(exclusions)]
    found: dict[str, InputFile] = {}
    for root in paths:
        fs, p = _fs_path(spark, root)
        statuses = fs.globStatus(p) if _GLOB_CHARS.search(root) else ([fs.getFileStatus(p)] if fs.exists(p) else [])
        for status in statuses or []:
            for item in _walk(fs, status, recurse, top=True):
                path = item.getPath().toString()
                relative = _relative(root, path)
                if any(rx.fullmatch(path) or rx.fullmatch(normalized(path)) or rx.fullmatch(relative)
                       for rx in patterns):
                    continue
                found.setdefault(path, InputFile(path, root, item.getModificationTime(), item.getLen(),
                                                 _partitions(relative)))
    return sorted(found.values(), key=lambda f: f.path)


def _walk(fs: Any, status: Any, recurse: bool, top: bool) -> Iterable[Any]:
    if status.isFile():
        if top or not _hidden(status.getPath().getName()):
            yield status
        return
    if not top and (not recurse or _hidden(status.getPath().getName())):
        return
    for child in sorted(fs.listStatus(status.getPath()), key=lambda s: s.getPath().toString()):
        if child.isFile() and _hidden(child.getPath().getName()):
            continue
        yield from _walk(fs, child, recurse, top=False)


def _relative(root: str, path: str) -> str:
    base = normalized(root).rstrip("/")
    full = normalized(path)
    return full[len(base) + 1:] if full.startswith(base + "/") else full.rsplit("/", 1)[-1]


def _partitions(relative: str) -> tuple[tuple[str, str], ...]:
    folders = relative.split("/")[:-1]
    return tuple((k, unquote(v)) for k, _, v in (f.partition("=") for f in folders if "=" in f and f[0] != "="))


def _exclusion_list(exclusions: Any) -> list[str]:
    if not exclusions:
        return []
    if isinstance(exclusions, str):
        try:
            exclusions = json.loads(exclusions)
        except ValueError:
            raise ValueError(f"exclusions must be a JSON list of glob patterns, got {exclusions!r}") from None
    return [str(e) for e in exclusions]


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out, i = "", 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**", i):
            out += ".*"
            i += 2
            continue
        if ch == "*":
            out += "[^/]*"
        elif ch == "?":
            out += "[^/]"
        elif ch == "{":
            end = pattern.find("}", i)
            if end == -1:
                out += re.escape(ch)
            else:
                out += "(?:" + "|".join(re.escape(a) for a in pattern[i + 1:end].split(",")) + ")"
                i = end
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out += re.escape(ch)
            else:
                body = pattern[i + 1:end]
                out += "[" + ("^" + body[1:] if body.startswith("!") else body) + "]"
                i = end
        else:
            out += re.escape(ch)
        i += 1
    return re.compile(out)


def written_partitions(path: str, written: str) -> tuple[tuple[str, str], ...]:
    """The Hive `key=value` folders between a sink's path and a file it wrote."""
    return _partitions(_relative(path, written))


def partition_keys(files: list[InputFile]) -> list[str]:
    keys: list[str] = []
    for f in files:
        for k, _ in f.partitions:
            if k not in keys:
                keys.append(k)
    return keys


# -- writing -------------------------------------------------------------------------------------------

def staging_dir(path: str) -> str:
    """Where Spark writes before the files are moved into place (hidden from readers of `path`)."""
    return path.rstrip("/") + f"/_glue_temporary_{uuid.uuid4().hex}"


_SPARK_PART = re.compile(r"^part-(\d+)-.*?[.-]c\d{3}(\..*)?$")
_FORMAT_SUFFIXES = (".csv", ".json", ".txt")


def publish(spark: Any, staging: str, path: str, name: str = "", blocks: bool = False) -> list[str]:
    """Move what Spark wrote in `staging` into `path` with Glue's names, keeping partition folders and
    compression suffixes; existing files are never touched (appending).

    Names are `run-<name>-<n>-part-r-<part>` for a sink with a transformation_ctx `name` (n counts
    from 1, the first that names no existing file) and `run-<epoch millis>-part-r-<part>` without;
    then `.gz`, `.snappy.parquet`... With `blocks` (Glue's glueparquet writer) the part is
    `part-block-0-r-<part>-snappy.parquet`, as in file names of published Glue output.
    """
    fs, root = _fs_path(spark, path)
    _, stage = _fs_path(spark, staging)
    jvm, _ = _hadoop(spark)
    files = [s for s in _walk(fs, fs.getFileStatus(stage), recurse=True, top=True) if s.isFile()] \
        if fs.exists(stage) else []
    plan = []
    for index, status in enumerate(sorted(files, key=lambda s: s.getPath().toString())):
        folder, _, file_name = _relative(staging, status.getPath().toString()).rpartition("/")
        target_dir = jvm.org.apache.hadoop.fs.Path(root, folder) if folder else root
        suffix = _suffix(file_name)
        part = f"-part-r-{index:05d}{suffix}"
        if blocks:
            codec = suffix[1:-len(".parquet")] if suffix.endswith(".parquet") and suffix != ".parquet" else ""
            part = f"-part-block-0-r-{index:05d}" + (f"-{codec}.parquet" if codec else suffix)
        plan.append((status.getPath(), target_dir, part))
    counter = 1 if name else int(time.time() * 1000)
    while any(fs.exists(jvm.org.apache.hadoop.fs.Path(d, _run_name(name, counter) + rest)) for _, d, rest in plan):
        counter += 1  # an earlier write used this name (a millisecond apart, or an earlier run of the job)
    moved: list[str] = []
    for source, target_dir, rest in plan:
        fs.mkdirs(target_dir)
        target = jvm.org.apache.hadoop.fs.Path(target_dir, _run_name(name, counter) + rest)
        if not fs.rename(source, target):
            raise OSError(f"Could not move {source.toString()} to {target.toString()}")
        moved.append(target.toString())
    fs.delete(stage, True)
    return moved


def _run_name(name: str, counter: int) -> str:
    return f"run-{name}-{counter}" if name else f"run-{counter}"


def _suffix(name: str) -> str:
    match = _SPARK_PART.match(name)
    suffix = (match.group(2) or "") if match else ("." + name.split(".", 1)[1] if "." in name else "")
    for fmt in _FORMAT_SUFFIXES:
        if suffix == fmt:
            return ""
        if suffix.startswith(fmt + "."):
            return suffix[len(fmt):]
    return suffix


def write_bytes(spark: Any, path: str, data: bytes) -> None:
    fs, p = _fs_path(spark, path)
    out = fs.create(p, True)
    try:
        out.write(bytearray(data))
    finally:
        out.close()


def read_bytes(spark: Any, path: str) -> bytes:
    fs, p = _fs_path(spark, path)
    stream = fs.open(p)
    try:
        length = fs.getFileStatus(p).getLen()
        buf = spark._jvm.org.apache.commons.io.IOUtils.toByteArray(stream, length) if length else b""
        return bytes(buf)
    finally:
        stream.close()


def purge(spark: Any, path: str, retention_hours: float, manifest: str | None = None) -> list[str]:
    """Delete the files under `path` (recursively) last modified more than `retention_hours` ago."""
    fs, p = _fs_path(spark, path)
    if not fs.exists(p):
        return []
    cutoff = (time.time() - retention_hours * 3600) * 1000
    deleted = []
    for status in _walk(fs, fs.getFileStatus(p), recurse=True, top=True):
        if status.isFile() and status.getModificationTime() <= cutoff and fs.delete(status.getPath(), False):
            deleted.append(status.getPath().toString())
    if manifest:
        write_bytes(spark, manifest.rstrip("/") + "/Success.csv", "".join(d + "\n" for d in deleted).encode())
    return deleted
