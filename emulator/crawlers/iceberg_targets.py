"""What a crawl of one IcebergTarget finds: the Iceberg tables under its paths, as table plans.

AWS (IcebergTarget in the API reference; "Crawling Iceberg tables" in the crawler guide): each Path is
an s3://bucket/prefix holding Iceberg metadata folders; the crawler looks for them down to
MaximumTraversalDepth folder levels (1 to 20) and registers each table it finds as an Iceberg table
of the Data Catalog (table_type ICEBERG, metadata_location = the table's current metadata file).

Here a table is a folder that has a `metadata` folder holding `*.metadata.json` files; its current
metadata is the one with the highest version number in its name (`00003-<uuid>.metadata.json`, or
`v3.metadata.json` as Hadoop tables name them), the newest file on a tie. The table takes the
folder's name (the planner's naming rules, TablePrefix first). Exclusions are globs matched against
folder paths relative to the target path. Without MaximumTraversalDepth the emulator looks 10 levels
deep (AWS documents no default).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from ..catalog import iceberg
from . import planner

Log = Callable[[str], None]

DEFAULT_DEPTH = 10
_VERSION = re.compile(r"^v?(\d+)[-.]")


def _current_metadata(folder: Path) -> Path | None:
    """The newest metadata file in a table's metadata folder, or None when it holds none."""
    metadata = folder / iceberg.METADATA_FOLDER
    try:
        files = [entry for entry in os.scandir(metadata) if entry.is_file() and entry.name.endswith(".metadata.json")]
    except OSError:
        return None

    def order(entry: os.DirEntry[str]) -> tuple[int, float]:
        match = _VERSION.match(entry.name)
        return (int(match.group(1)) if match else -1, entry.stat().st_mtime)

    return Path(max(files, key=order).path) if files else None


def _table_folders(root: Path, depth: int, exclusions: list[re.Pattern[str]], rel: str = "") -> list[tuple[str, Path]]:
    """(path relative to the target, current metadata file) of each table folder under root."""
    current = _current_metadata(root)
    if current is not None:
        return [(rel, current)]
    if depth == 0:
        return []
    found: list[tuple[str, Path]] = []
    try:
        entries = sorted((e for e in os.scandir(root) if e.is_dir(follow_symlinks=False)), key=lambda e: e.name)
    except OSError:
        return []
    for entry in entries:
        child = f"{rel}/{entry.name}" if rel else entry.name
        if planner.skipped_name(entry.name) or any(p.fullmatch(child) for p in exclusions):
            continue
        found += _table_folders(Path(entry.path), depth - 1, exclusions, child)
    return found


def plan_iceberg_target(data_dir: Path, target: dict, path: str, table_prefix: str,
                        log: Log) -> list[planner.TablePlan]:
    """The Iceberg tables under one path of an IcebergTarget, as TablePlans of ICEBERG TableInputs."""
    bucket, _, prefix = path.removeprefix("s3://").partition("/")
    segments = [s for s in prefix.split("/") if s]
    local = (data_dir / "s3" / bucket).joinpath(*segments)
    if not path.startswith("s3://") or not bucket or planner.skipped_name(bucket) or not local.is_dir():
        log(f"Skipping Iceberg target path {path}: no objects under it")
        return []
    exclusions = [planner.glob_to_regex(p.lstrip("/")) for p in target.get("Exclusions") or []]
    depth = target.get("MaximumTraversalDepth") or DEFAULT_DEPTH
    base = f"s3://{bucket}/" + "".join(f"{s}/" for s in segments)
    plans = []
    for rel, metadata_file in _table_folders(local, depth, exclusions):
        location = (base + rel).rstrip("/")
        try:
            metadata = iceberg.read_metadata(metadata_file)
        except (OSError, ValueError) as exc:
            log(f"Skipping Iceberg table at {location}: cannot read {metadata_file.name} ({exc})")
            continue
        raw = rel.rpartition("/")[2] if rel else (segments[-1] if segments else bucket)
        name = planner.table_name(raw, table_prefix)
        metadata_location = f"{location}/{iceberg.METADATA_FOLDER}/{metadata_file.name}"
        table_input = iceberg.table_input(name, location, metadata_location, metadata)
        plans.append(planner.TablePlan(table_input, [], location, "iceberg"))
    return plans
