"""Incremental crawls: RecrawlBehavior CRAWL_NEW_FOLDERS_ONLY.

AWS's rules (Developer Guide, "Incremental crawls" / "Scheduling incremental crawls for adding new
partitions"): the first crawl is a full one and records the schema and partitions; later crawls read
only the folders added since the last crawl and add them as new partitions of existing tables, when
their schema is compatible; they add no tables, change no schema, and ignore changed or deleted
objects in folders already crawled (those are logged). The S3 targets of such a crawler cannot be
changed.

Here: every successful crawl of S3 targets records the folders holding data files under its targets
(store kind CRAWLER_FOLDERS, one document per crawler, so it survives restarts). A crawl of a
CRAWL_NEW_FOLDERS_ONLY crawler that has such a record is incremental: each folder not in the record
is matched to the table of this crawler whose location contains it, at the depth of the table's
partition keys, and becomes a partition of that table when its format (classification, compression,
delimiter) is the table's and its columns are similar (the planner's similarity rule). Anything else
is logged and skipped. The emulator's choices where AWS documents nothing: exclusions decide which
folders exist but not which files of a new folder are sampled.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..catalog.common import TABLE, table_parent
from ..context import RequestContext
from ..errors import InvalidInputException
from . import planner
from .writer import FUNDAMENTAL_PARAMETERS, Output, s3_prefix

CRAWLER_FOLDERS = "crawler_folders"  # parent "", name = crawler name: {"Folders": [s3://.../, ...]}
NEW_FOLDERS_ONLY = "CRAWL_NEW_FOLDERS_ONLY"

Log = Callable[[str], None]


def is_incremental(crawler: dict[str, Any]) -> bool:
    return crawler["RecrawlPolicy"]["RecrawlBehavior"] == NEW_FOLDERS_ONLY


def check_target_change(current: dict[str, Any], updated: dict[str, Any]) -> None:
    """UpdateCrawler: a crawler that crawls new folders only, and stays so, keeps its S3 targets.
    AWS's wording is not on record; switching to CRAWL_EVERYTHING in the same update is allowed."""
    if not (is_incremental(current) and is_incremental(updated)):
        return
    if current["Targets"]["S3Targets"] != updated["Targets"]["S3Targets"]:
        raise InvalidInputException("The S3 targets of a crawler with RecrawlBehavior CRAWL_NEW_FOLDERS_ONLY cannot "
                                    "be changed; set RecrawlBehavior CRAWL_EVERYTHING to change them.")


def seen_folders(ctx: RequestContext, crawler: str) -> set[str] | None:
    """The folders the crawler's last successful crawl found; None before a crawl that found data (so
    the first crawl with data is the full one, even after crawls of an empty target)."""
    doc = ctx.store.get(ctx.scope, CRAWLER_FOLDERS, "", crawler)
    return set(doc["Folders"]) if doc and doc["Folders"] else None


def remember_folders(ctx: RequestContext, crawler: str, folders: set[str]) -> None:
    ctx.store.put(ctx.scope, CRAWLER_FOLDERS, "", crawler, {"Folders": sorted(folders)})


def current_folders(data_dir: Path, crawler: dict[str, Any], log: Log) -> set[str]:
    """The folders holding data under all the crawler's S3 targets now."""
    folders: set[str] = set()
    for target in crawler["Targets"].get("S3Targets", []):
        folders |= planner.data_folders(data_dir, target, log)
    return folders


def _crawler_tables(ctx: RequestContext, database: str, crawler: str) -> list[dict[str, Any]]:
    """Partitioned tables this crawler made in the database, deepest location first."""
    tables = [doc for _, doc in ctx.store.list(ctx.scope, TABLE, table_parent(ctx.account, database.lower()))
              if doc.get("Parameters", {}).get("UPDATED_BY_CRAWLER") == crawler and doc.get("PartitionKeys")
              and doc.get("StorageDescriptor", {}).get("Location", "").startswith("s3://")]
    return sorted(tables, key=lambda t: -len(s3_prefix(t["StorageDescriptor"]["Location"])))


def _partition_values(table: dict[str, Any], folder: str) -> list[str] | None:
    """The values of the partition a folder is in the table, or None when it is not at partition depth."""
    rest = folder[len(s3_prefix(table["StorageDescriptor"]["Location"])):]
    segments = [s for s in rest.split("/") if s]
    if len(segments) != len(table["PartitionKeys"]):
        return None
    return [planner.partition_value(segment, "=" in segment) for segment in segments]


def _compatible(table: dict[str, Any], plan: planner.TablePlan) -> bool:
    old, new = table.get("Parameters", {}), plan.table_input.get("Parameters", {})
    if any(old.get(p) != new.get(p) for p in FUNDAMENTAL_PARAMETERS if p in old or p in new):
        return False
    columns = [{c["Name"].lower() for c in t["StorageDescriptor"].get("Columns", [])}
               for t in (table, plan.table_input)]
    return planner.similar({frozenset(c) for c in columns})


def plan_new_folders(ctx: RequestContext, data_dir: Path, crawler: dict[str, Any], database: str,
                     new: set[str], classifiers: list[dict[str, Any]], log: Log, warn: Log) -> list[Output]:
    """The partitions an incremental crawl adds: one Output per table that gains some."""
    tables = _crawler_tables(ctx, database, crawler["Name"])
    gained: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    for folder in sorted(new):
        table = next((t for t in tables if folder.startswith(s3_prefix(t["StorageDescriptor"]["Location"]))), None)
        values = _partition_values(table, folder) if table is not None else None
        if table is None or values is None:
            log(f"INFO : New folder {folder} is not a partition folder of a table of this crawler; skipped "
                "(incremental crawls add no tables)")
            continue
        plans = [p for p in planner.plan_s3_target(data_dir, {"Path": folder}, classifiers, {}, "", warn)
                 if s3_prefix(p.root) == folder]
        if not plans:
            continue
        if not _compatible(table, plans[0]):
            log(f"WARN : New folder {folder} has a schema incompatible with table {table['Name']}; not added "
                "(RecrawlBehavior CRAWL_NEW_FOLDERS_ONLY)")
            continue
        descriptor = {**table["StorageDescriptor"], "Location": folder,
                      "Parameters": plans[0].table_input["StorageDescriptor"].get("Parameters", {})}
        partition = {"Values": values, "StorageDescriptor": descriptor,
                     "Parameters": plans[0].table_input.get("Parameters", {})}
        gained.setdefault(table["Name"], (table, []))[1].append(partition)
    outputs = []
    for table, partitions in gained.values():
        plan = planner.TablePlan({"Name": table["Name"]}, partitions, table["StorageDescriptor"]["Location"],
                                 table.get("Parameters", {}).get("classification", ""))
        outputs.append(Output(table["DatabaseName"], plan, incremental=True))
    return outputs
