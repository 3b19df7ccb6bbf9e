"""What a crawl of one S3 target finds: the tables and partitions Glue's crawler would write, as plans.

The runner applies the plans to the catalog (schema change policies, recrawl policies, logging); this
module only reads the local S3 folder. Glue's rules as implemented here:

- Walk: every object under the include path, less the exclusions (Glue's globs, relative to the include
  path), less what Glue and Hadoop keep out of data (names starting with `_` or `.` — `_SUCCESS`,
  `_temporary`, `.name.crc`, the emulator's own folder markers — and `*_$folder$` markers). SampleSize
  keeps the first N files of each folder (by name; Glue picks at random) for inference; the others still
  count in objectCount and sizeKey.
- Table roots: a folder whose files are all at the same depth below it, of one compatible format (same
  classification, compression and SerDe), and whose schemas are similar, is one table; the folder levels
  below it are its partitions. Similar, as Glue's crawler judges it: at most 5 distinct column sets, and
  each covers more than 70% of all their columns. TableGroupingPolicy CombineCompatibleSchemas skips the
  similarity test. Otherwise its sub-folders are judged on their own, and files lying directly in such a
  folder become one table each. The include path itself is the highest possible root.
- TableLevelConfiguration N puts every table at the absolute level N below the bucket (level 1 is the
  top folder), grouping what lies below regardless of schema; files of another format or depth than the
  majority under that root are logged and left out.
- Partition columns: a level whose folders all read `key=value` with one key is the column `key`, any
  other level is `partition_<i>`; all are strings. A data column of the same name as a partition column
  gives way to it (decided: Hive refuses a table having both).
- Names: the root folder's name (a file's name for a one-file table, the bucket's for the bucket's root),
  TablePrefix first, lower-cased, everything outside [a-z0-9_] becoming `_`, at most 128 characters;
  two tables of one crawl with one name: the later (by location) gets `_<8 hex digits of its location's
  hash>`. Column names are lower-cased; columns equal but for case merge.
- Exclusions are also written on the table as the parameter `exclusions`, a JSON list of the globs (the
  form the S3 reader's `exclusions` option takes), so readers of the table can skip the same objects.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .formats.csv import OPEN_CSV_SERDE
from .formats.schema import Columns, FileSchema, merge_columns, render, widen
from .inference import classify_file

Log = Callable[[str], None]

MAX_TABLE_NAME = 128
MAX_NAME = 255
MAX_TYPE = 131072
MAX_PARAMETER = 512000
MAX_DISTINCT_SCHEMAS = 5
SIMILARITY = 0.7
DEFAULT_PARTITION_VALUE = "__HIVE_DEFAULT_PARTITION__"  # Hive's name for an empty partition value
_NOT_IN_NAMES = re.compile(r"[^a-z0-9_]")
_NOT_IN_COLUMN_NAMES = re.compile(r"[^\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff\t]")


@dataclass
class SeenFile:
    """An object under a table root: the runner compares these between crawls."""

    key: str
    size: int
    mtime: float


@dataclass
class TablePlan:
    """One table as the crawl found it.

    `table_input` is a TableInput (without UPDATED_BY_CRAWLER, which names the crawler: the runner adds
    it); `partitions` are PartitionInputs, one per partition folder; `partition_folders` maps each
    partition's location to its Values (for CRAWL_NEW_FOLDERS_ONLY); `files` are the objects counted.
    """

    table_input: dict
    partitions: list[dict]
    root: str
    classification: str
    files: list[SeenFile] = field(default_factory=list)
    partition_folders: dict[str, list[str]] = field(default_factory=dict)


# -- walking -------------------------------------------------------------------------------------------


@dataclass
class _File:
    rel: str  # key relative to the include path ('' when the include path is this file)
    key: str
    path: str
    size: int
    mtime: float
    sampled: bool = False  # inference read it (SampleSize may leave files out)
    schema: FileSchema | None = None  # None: not sampled, or not classifiable

    @property
    def counted(self) -> bool:
        """Whether the file counts in its table: classified, or left out of the sample."""
        return self.schema is not None or not self.sampled


@dataclass
class _Folder:
    rel: str
    name: str
    files: list[_File] = field(default_factory=list)
    children: list[_Folder] = field(default_factory=list)


def skipped_name(name: str) -> bool:
    """Names Glue never treats as data: `_`/`.`-prefixed (markers, staging, checksums) and `_$folder$`."""
    if name.startswith(("_", ".")) or name.endswith("_$folder$"):
        return True
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # not a key S3 could hold
        return True
    return False


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Glue's exclude globs: `*` within a folder, `**` across folders, `?`, `[a-z]`/`[!a-z]`, `{a,b}`, `\\`.

    Raises ValueError naming the pattern when it cannot be a glob (a reversed range such as `[z-a]`).
    """
    try:
        return re.compile(_glob(pattern, allow_braces=True), re.DOTALL)
    except re.error as exc:
        raise ValueError(f"Invalid exclude pattern '{pattern}': {exc.msg}") from None


def _glob(pattern: str, allow_braces: bool) -> str:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
        elif c == "*":
            if pattern.startswith("**", i):
                out.append(".*")
                i += 2
            else:
                out.append("[^/]*")
                i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = i + 1
            if j < n and pattern[j] == "!":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            close = pattern.find("]", j)
            if close < 0:
                out.append(re.escape(c))
                i += 1
                continue
            body = pattern[i + 1 : close]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            body = body.replace("\\", "\\\\").replace("^", "\\^").replace("[", "\\[")
            out.append(f"[{'^' if negate else ''}{body}]")
            i = close + 1
        elif c == "{" and allow_braces and pattern.find("}", i) > 0:
            close = pattern.find("}", i)
            alternatives = pattern[i + 1 : close].split(",")
            out.append("(?:" + "|".join(_glob(a, allow_braces=False) for a in alternatives) + ")")
            i = close + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def _walk(directory: Path, rel: str, key_prefix: str, exclusions: list[re.Pattern[str]], log: Log) -> _Folder:
    folder = _Folder(rel, rel.rpartition("/")[2])
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        log(f"Skipping the folder {key_prefix}{rel}: cannot list it ({exc.strerror})")
        return folder
    for entry in entries:
        try:
            if skipped_name(entry.name):
                continue
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            if entry.is_dir(follow_symlinks=False):
                child = _walk(Path(entry.path), child_rel, key_prefix, exclusions, log)
                if child.files or child.children:
                    folder.children.append(child)
            elif entry.is_file():
                if any(p.fullmatch(child_rel) for p in exclusions):
                    continue
                stat = entry.stat()
                folder.files.append(_File(child_rel, key_prefix + child_rel, entry.path, stat.st_size,
                                          stat.st_mtime))
        except OSError as exc:  # gone or unreadable since the listing
            log(f"Skipping {key_prefix}{rel}/{entry.name}: {exc.strerror}")
    return folder


def _classify(folder: _Folder, sample_size: int | None, classifiers: list[dict], bucket: str, log: Log) -> None:
    sampled = folder.files if sample_size is None else folder.files[:sample_size]
    for f in sampled:
        f.sampled = True
        f.schema = classify_file(f.path, f.size, classifiers, log, f"s3://{bucket}/{f.key}")
    for child in folder.children:
        _classify(child, sample_size, classifiers, bucket, log)


# -- grouping ------------------------------------------------------------------------------------------


def _lower_names(columns: Columns) -> frozenset[str]:
    return frozenset(name.lower() for name, _ in columns)


def _format_key(schema: FileSchema) -> tuple:
    """What files must share to be one table. For CSV, quoting picks the SerDe per table, not per file."""
    if schema.classification == "csv":
        params = {k: v for k, v in schema.table_parameters.items() if k not in ("areColumnsQuoted", "customSerde")}
        return ("csv", schema.compression, tuple(sorted(params.items())))
    return schema.compat_key()


@dataclass
class _Group:
    """Files that can be one table under some folder: one format, one depth, similar schemas."""

    key: tuple
    levels: int  # folder levels between the group's root and its files (= partition columns)
    files: list[_File]
    columns: Columns
    column_sets: set[frozenset[str]]

    @classmethod
    def of_file(cls, f: _File) -> _Group:
        assert f.schema is not None
        return cls(_format_key(f.schema), 0, [f], f.schema.columns, {_lower_names(f.schema.columns)})


def similar(column_sets: set[frozenset[str]]) -> bool:
    """Glue's test of similar schemas: at most 5 column sets, each covering more than 70% of all columns."""
    if len(column_sets) <= 1:
        return True
    if len(column_sets) > MAX_DISTINCT_SCHEMAS:
        return False
    union = frozenset().union(*column_sets)
    return all(len(s) / len(union) > SIMILARITY for s in column_sets)


def _combine(units: list[_Group], levels: int, combine_compatible: bool) -> _Group | None:
    """One group of all units when they can be one table, else None."""
    first = units[0]
    if any(u.key != first.key or u.levels != first.levels for u in units):
        return None
    column_sets: set[frozenset[str]] = set()
    for u in units:
        column_sets |= u.column_sets
        if len(column_sets) > MAX_DISTINCT_SCHEMAS and not combine_compatible:
            return None
    if not combine_compatible and not similar(column_sets):
        return None
    columns = first.columns
    for u in units[1:]:
        columns = merge_columns(columns, u.columns)
    if len(column_sets) > MAX_DISTINCT_SCHEMAS + 1:  # only needed for the similarity test: stay small
        column_sets = set(list(column_sets)[: MAX_DISTINCT_SCHEMAS + 1])
    return _Group(first.key, levels, [f for u in units for f in u.files], columns, column_sets)


@dataclass
class _Root:
    """A table decided: its root (a folder's key prefix, or a file's key) and what lies under it."""

    rel: str
    is_file: bool
    group: _Group


class _Grouper:
    def __init__(self, combine_compatible: bool):
        self.combine_compatible = combine_compatible
        self.roots: list[_Root] = []

    def analyze(self, folder: _Folder) -> _Group | None | bool:
        """The folder's group when it can be one table; False when nothing usable is under it; None when
        it cannot (its tables are then decided, in self.roots)."""
        children = [(child, self.analyze(child)) for child in folder.children]
        files = [f for f in folder.files if f.schema is not None]
        child_groups = [g for _, g in children if isinstance(g, _Group)]
        mixed = any(g is None for _, g in children) or (files and child_groups)
        group: _Group | None = None
        if not mixed and files:
            group = _combine([_Group.of_file(f) for f in files], 0, self.combine_compatible)
        elif not mixed and child_groups:
            group = _combine(child_groups, child_groups[0].levels + 1, self.combine_compatible)
        elif not mixed:
            return False
        if group is not None:
            if files:  # files left out of the sample go with their folder's table
                group.files.extend(f for f in folder.files if not f.sampled)
            return group
        for child, g in children:
            if isinstance(g, _Group):
                self.roots.append(_Root(child.rel, False, g))
        for f in files:
            self.roots.append(_Root(f.rel, True, _Group.of_file(f)))
        return None


def _group_at_level(root: _Folder, include_segments: int, level: int, log: Log, bucket: str) -> list[_Root]:
    """TableLevelConfiguration: every file joins the table at the absolute level given."""
    depth = max(level - include_segments, 0)
    by_root: dict[str, list[_File]] = {}
    stack = [root]
    while stack:
        folder = stack.pop()
        stack.extend(folder.children)
        for f in folder.files:
            segments = f.rel.split("/")
            if len(segments) - 1 < depth:
                if f.schema is not None:
                    log(f"Skipping s3://{bucket}/{f.key}: it lies above table level {level}")
                continue
            by_root.setdefault("/".join(segments[:depth]), []).append(f)
    roots = []
    for rel in sorted(by_root):
        files = sorted(by_root[rel], key=lambda f: f.rel)
        classified = [f for f in files if f.schema is not None]
        if not classified:
            continue
        shapes = Counter((_format_key(f.schema), f.rel.count("/")) for f in classified)  # type: ignore[arg-type]
        (key, slashes), _ = shapes.most_common(1)[0]
        kept = []
        for f in files:
            if not f.counted:
                continue
            fits = f.rel.count("/") == slashes and (f.schema is None or _format_key(f.schema) == key)
            if fits:
                kept.append(f)
            elif f.schema is not None:
                log(f"Skipping s3://{bucket}/{f.key}: its format or depth differs from the table at level {level}")
        sampled = [f for f in kept if f.schema is not None]
        columns: Columns = []
        for f in sampled:
            columns = merge_columns(columns, f.schema.columns)  # type: ignore[union-attr]
        levels = slashes - (rel.count("/") + 1 if rel else 0)
        group = _Group(key, levels, kept, columns, set())
        roots.append(_Root(rel, False, group))
    return roots


# -- building the plans --------------------------------------------------------------------------------


def table_name(raw: str, prefix: str = "") -> str:
    """A crawler table name: prefix + name, lower-cased, [a-z0-9_] only, at most 128 characters."""
    return _NOT_IN_NAMES.sub("_", (prefix + raw).lower())[:MAX_TABLE_NAME] or "_"


def clash_name(name: str, location: str) -> str:
    """The name a table gets when another table of the crawl already has `name`: a hash suffix."""
    suffix = "_" + hashlib.sha256(location.encode()).hexdigest()[:8]
    return name[: MAX_TABLE_NAME - len(suffix)] + suffix


def _column_name(name: str, index: int) -> str:
    clean = _NOT_IN_COLUMN_NAMES.sub("_", name.lower())[:MAX_NAME]
    return clean or f"col{index}"


def catalog_columns(columns: Columns, exclude: frozenset[str] | set[str] = frozenset()) -> list[dict]:
    """Columns as the catalog stores them: lower-cased names (case twins merge), Hive type strings."""
    merged: dict[str, object] = {}
    for index, (name, dtype) in enumerate(columns):
        lower = _column_name(name, index)
        if lower in exclude:
            continue
        merged[lower] = widen(merged[lower], dtype) if lower in merged else dtype  # type: ignore[arg-type]
    result = []
    for name, dtype in merged.items():
        rendered = render(dtype)  # type: ignore[arg-type]
        result.append({"Name": name, "Type": rendered if len(rendered) <= MAX_TYPE else "string"})
    return result


def _stats(files: list[_File]) -> dict[str, str]:
    """objectCount, sizeKey, recordCount (files outside the sample estimated by size), averageRecordSize."""
    sampled = [f for f in files if f.schema is not None]
    records = sum(f.schema.records for f in sampled)  # type: ignore[union-attr]
    sampled_size = sum(f.size for f in sampled)
    unsampled_size = sum(f.size for f in files if f.schema is None)
    if unsampled_size and sampled_size:
        records += round(unsampled_size * records / sampled_size)
    sample_records = sum(f.schema.sample_records for f in sampled)  # type: ignore[union-attr]
    sample_bytes = sum(f.schema.sample_bytes for f in sampled)  # type: ignore[union-attr]
    return {
        "objectCount": str(len(files)),
        "sizeKey": str(sampled_size + unsampled_size),
        "recordCount": str(records),
        "averageRecordSize": str(sample_bytes // sample_records if sample_records else 0),
    }


def _representative(files: list[_File]) -> FileSchema:
    """The file whose SerDe the table takes: for CSV, one with quoted fields when any has them."""
    schemas = [f.schema for f in files if f.schema is not None]
    for schema in schemas:
        if schema.serde_library == OPEN_CSV_SERDE:
            return schema
    return schemas[0]


def _storage(files: list[_File], columns: Columns, location: str, exclude: set[str],
             extra: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """(StorageDescriptor, Parameters) for a table or a partition from the files under it."""
    rep = _representative(files)
    parameters = {
        **{k: v for k, v in rep.table_parameters.items() if len(v) <= MAX_PARAMETER},
        **_stats(files),
        "classification": rep.classification,
        "compressionType": rep.compression,
        "typeOfData": "file",
        "CrawlerSchemaSerializerVersion": "1.0",
        "CrawlerSchemaDeserializerVersion": "1.0",
        **extra,
    }
    if rep.classification == "csv":
        quoted = any(f.schema.table_parameters.get("areColumnsQuoted") == "true" for f in files if f.schema)
        parameters["areColumnsQuoted"] = "true" if quoted else "false"
    serde_parameters = {k: v for k, v in rep.serde_parameters.items() if len(v) <= MAX_PARAMETER}
    if "paths" in serde_parameters:  # the JSON SerDe's top-level keys, in the files' own case
        serde_parameters["paths"] = ",".join(sorted({name for name, _ in columns}))
    descriptor = {
        "Columns": catalog_columns(columns, exclude),
        "Location": location,
        "InputFormat": rep.input_format,
        "OutputFormat": rep.output_format,
        "Compressed": False,
        "NumberOfBuckets": -1,
        "SerdeInfo": {"SerializationLibrary": rep.serde_library, "Parameters": serde_parameters},
        "BucketColumns": [],
        "SortColumns": [],
        "Parameters": dict(parameters),
        "StoredAsSubDirectories": False,
    }
    return descriptor, parameters


def _partition_keys(paths: list[tuple[str, ...]], levels: int) -> list[tuple[str, bool]]:
    """(column, whether its folders read `key=value`) per partition level."""
    keys: list[tuple[str, bool]] = []
    for i in range(levels):
        names = {p[i].partition("=")[0] for p in paths}
        hive = all("=" in p[i] for p in paths) and len(names) == 1
        key = _column_name(names.pop(), i) if hive else f"partition_{i}"
        keys.append((key if all(key != k for k, _ in keys) else f"{key}_{i}", hive))
    return keys


def partition_value(folder: str, named: bool) -> str:
    """A partition folder's value: after `=` for a `key=value` folder, else the name; Hive's for empty."""
    value = folder.partition("=")[2] if named else folder
    return value or DEFAULT_PARTITION_VALUE


def _plan(root: _Root, bucket: str, key_prefix: str, name: str, exclusions: list[str]) -> TablePlan:
    group = root.group
    location = f"s3://{bucket}/{key_prefix}{root.rel}" + ("/" if root.rel and not root.is_file else "")
    strip = len(root.rel) + 1 if root.rel else 0
    by_partition: dict[tuple[str, ...], list[_File]] = {}
    for f in group.files:
        segments = f.rel[strip:].split("/")
        by_partition.setdefault(tuple(segments[: group.levels]), []).append(f)
    levels = _partition_keys(list(by_partition), group.levels)
    keys = {k for k, _ in levels}
    extra = {"exclusions": json.dumps(exclusions)} if exclusions else {}
    descriptor, parameters = _storage(group.files, group.columns, location, keys, extra)
    plan = TablePlan(
        table_input={
            "Name": name,
            "Owner": "owner",
            "Retention": 0,
            "StorageDescriptor": descriptor,
            "PartitionKeys": [{"Name": k, "Type": "string"} for k, _ in levels],
            "TableType": "EXTERNAL_TABLE",
            "Parameters": parameters,
        },
        partitions=[],
        root=location,
        classification=parameters["classification"],
        files=[SeenFile(f.key, f.size, f.mtime) for f in group.files],
    )
    if group.levels == 0:
        return plan
    for folders in sorted(by_partition):
        files = by_partition[folders]
        if not any(f.schema is not None for f in files):
            continue  # a partition whose files all failed to parse: nothing to say about it
        values = [partition_value(folder, levels[i][1]) for i, folder in enumerate(folders)]
        part_location = location + "/".join(folders) + "/"
        columns: Columns = []
        for f in files:
            if f.schema is not None:
                columns = merge_columns(columns, f.schema.columns)
        part_descriptor, part_parameters = _storage(files, columns, part_location, keys, extra)
        plan.partitions.append({"Values": values, "StorageDescriptor": part_descriptor, "Parameters": part_parameters})
        plan.partition_folders[part_location] = values
    return plan


def _parse_path(path: str) -> tuple[str, str] | None:
    if not path.startswith("s3://"):
        return None
    bucket, _, prefix = path[len("s3://") :].partition("/")
    return (bucket, prefix) if bucket else None


def _grouping(configuration: dict) -> tuple[bool, int | None]:
    grouping = configuration.get("Grouping") or {}
    combine = grouping.get("TableGroupingPolicy") == "CombineCompatibleSchemas"
    level = grouping.get("TableLevelConfiguration")
    return combine, level if isinstance(level, int) and level > 0 else None


def plan_s3_target(data_dir: Path, target: dict, classifiers: list[dict], configuration: dict, table_prefix: str,
                   log: Log) -> list[TablePlan]:
    """The tables one S3Target holds, as Glue's crawler would catalog them (see the module's docstring)."""
    parsed = _parse_path(target.get("Path", ""))
    if parsed is None:
        log(f"Skipping S3 target {target.get('Path')!r}: not an s3://bucket/prefix path")
        return []
    bucket, prefix = parsed
    bucket_dir = data_dir / "s3" / bucket
    if not bucket_dir.is_dir() or skipped_name(bucket):
        log(f"Skipping S3 target s3://{bucket}/{prefix}: the bucket {bucket} does not exist")
        return []
    segments = [s for s in prefix.split("/") if s]
    local = bucket_dir.joinpath(*segments)
    exclusions = list(target.get("Exclusions") or [])
    patterns = [glob_to_regex(p.lstrip("/")) for p in exclusions]
    sample_size = target.get("SampleSize")
    combine, level = _grouping(configuration)
    if local.is_file() and segments and not any(skipped_name(s) for s in segments):
        key_prefix = "/".join(segments[:-1]) + "/" if len(segments) > 1 else ""
        stat = local.stat()
        f = _File(segments[-1], "/".join(segments), str(local), stat.st_size, stat.st_mtime, sampled=True)
        f.schema = classify_file(local, f.size, classifiers, log, f"s3://{bucket}/{f.key}")
        if f.schema is None:
            return []
        root = _Root(f.rel, True, _Group.of_file(f))
        return [_plan(root, bucket, key_prefix, table_name(f.rel, table_prefix), exclusions)]
    if not local.is_dir() or any(skipped_name(s) for s in segments):
        log(f"Skipping S3 target s3://{bucket}/{prefix}: no objects under it")
        return []
    key_prefix = "/".join(segments) + "/" if segments else ""
    tree = _walk(local, "", key_prefix, patterns, log)
    _classify(tree, sample_size, classifiers, bucket, log)
    if level is not None:
        roots = _group_at_level(tree, len(segments), level, log, bucket)
    else:
        grouper = _Grouper(combine)
        result = grouper.analyze(tree)
        roots = grouper.roots
        if isinstance(result, _Group):
            roots = [_Root("", False, result)]
    plans: list[TablePlan] = []
    names: set[str] = set()
    for root in sorted(roots, key=lambda r: r.rel):
        raw = root.rel.rpartition("/")[2] if root.rel else (segments[-1] if segments else bucket)
        name = table_name(raw, table_prefix)
        plan = _plan(root, bucket, key_prefix, name, exclusions)
        if name in names:
            plan.table_input["Name"] = name = clash_name(name, plan.root)
        names.add(name)
        plans.append(plan)
    return plans


def data_folders(data_dir: Path, target: dict, log: Log) -> set[str]:
    """The folders under an S3 target that hold data files (less exclusions and what Glue skips), as
    s3://bucket/prefix/ locations: what an incremental crawl compares with the folders seen before."""
    parsed = _parse_path(target.get("Path", ""))
    if parsed is None:
        return set()
    bucket, prefix = parsed
    segments = [s for s in prefix.split("/") if s]
    local = (data_dir / "s3" / bucket).joinpath(*segments)
    if skipped_name(bucket) or any(skipped_name(s) for s in segments) or not local.is_dir():
        return set()
    key_prefix = "/".join(segments) + "/" if segments else ""
    patterns = [glob_to_regex(p.lstrip("/")) for p in target.get("Exclusions") or []]
    found: set[str] = set()
    pending = [_walk(local, "", key_prefix, patterns, log)]
    while pending:
        folder = pending.pop()
        if folder.files:
            found.add(f"s3://{bucket}/{key_prefix}{folder.rel}" + ("/" if folder.rel else ""))
        pending.extend(folder.children)
    return found
