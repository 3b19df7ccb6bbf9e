"""Table optimizer runs: what an enabled optimizer really does to its Iceberg table, and when.

AWS's rules ("Optimizing Iceberg tables" in the Glue guide and the configuration shapes of the API reference):
- Snapshot retention removes from the table's metadata the snapshots older than snapshotRetentionPeriodInDays
  (default: the table's history.expire.max-snapshot-age-ms, else 5 days) while keeping at least the
  numberOfSnapshotsToRetain newest (default: history.expire.min-snapshots-to-keep, else 1) and every branch head
  and tag; with cleanExpiredFiles (the default) it then deletes the data files, manifests and manifest lists
  only the expired snapshots used. Metrics: NumberOfDataFilesDeleted, NumberOfManifestFilesDeleted,
  NumberOfManifestListsDeleted. It runs when enabled, then every runRateInHours (default 24).
- Orphan file deletion deletes the files under the table location (or the configured `location`) that no
  snapshot, manifest or metadata file references, that are older than orphanFileRetentionPeriodInDays (default 3)
  and that were created after the optimizer was: files from before it are never deleted. Metric:
  NumberOfOrphanFilesDeleted. It runs when enabled, then every runRateInHours (default 24).
- Compaction runs when the table qualifies: at least minInputFiles (default 100) data files smaller than 75% of
  write.target-file-size-bytes (default 512 MB), or at least deleteFileThreshold (default 1) delete files. It
  rewrites the data into large files (binpack; sort orders them by the table's sort order). Metrics:
  NumberOfBytesCompacted, NumberOfFilesCompacted.
- A run is in_progress, then completed or failed (with `error`); metrics also give NumberOfDpus, DpuHours and
  JobDurationInHour.
Here the work is pyiceberg's, in the server (iceberg_tables.py commits as Iceberg's Glue catalogs do), not a
Spark job: compaction rewrites the table's current data with an overwrite snapshot (AWS's Spark job makes a
"replace" snapshot; the rows are the same) and z-order is refused with a clear error. A run counts one DPU for
its duration. Compaction is checked when enabled and then every 10 minutes. Days and hours follow
GLUE_EMULATOR_TIME_SCALE (file and snapshot ages are real ages times the scale). Runs a previous server process
left in_progress end failed when the server starts.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..clock import now
from ..context import RequestContext
from ..s3.layout import addressable, is_hadoop_checksum, is_staging_dir
from .common import TABLE_OPTIMIZER_RUN
from .optimizers import OPTIMIZER, runs_parent

if TYPE_CHECKING:
    from pyiceberg.table import Table

    from ..core import Emulator

log = logging.getLogger("glue_emulator.table_optimizers")

_TICK = 1.0  # real seconds between looks at what is due (a create or update wakes the thread at once)
_DAY = 86400.0
_COMPACTION_CHECK = 600.0  # emulated seconds between checks of whether a table needs compacting
_DEFAULT_TARGET_FILE_SIZE = 512 * 1024 * 1024
Metrics = dict[str, Any]


class NothingToDo(Exception):
    """A compaction check that found the table does not qualify: no run is recorded."""


def _iceberg_configuration(optimizer: dict[str, Any], block: str) -> dict[str, Any]:
    return (optimizer["configuration"].get(block) or {}).get("icebergConfiguration") or {}


def _files(table: Table, snapshot: Any, live_only: bool) -> tuple[set[str], set[str], set[str]]:
    """(manifest lists, manifests, data and delete files) a snapshot references; `live_only` leaves out the
    entries of files the snapshot deleted."""
    from pyiceberg.manifest import ManifestEntryStatus

    manifests = snapshot.manifests(table.io)
    files = {entry.data_file.file_path
             for manifest in manifests for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=False)
             if not (live_only and entry.status == ManifestEntryStatus.DELETED)}
    return {snapshot.manifest_list}, {m.manifest_path for m in manifests}, files


def expire_snapshots(table: Table, optimizer: dict[str, Any], scale: float) -> Metrics:
    """Snapshot retention on `table` (see the module's rules); the run's IcebergMetrics counts."""
    config = _iceberg_configuration(optimizer, "retentionConfiguration")
    properties = table.metadata.properties
    days = config.get("snapshotRetentionPeriodInDays") or (
        int(properties["history.expire.max-snapshot-age-ms"]) / 1000 / _DAY
        if "history.expire.max-snapshot-age-ms" in properties else 5)
    keep = config.get("numberOfSnapshotsToRetain") or int(properties.get("history.expire.min-snapshots-to-keep", 1))
    cutoff_ms = (time.time() - days * _DAY / scale) * 1000
    protected = {ref.snapshot_id for ref in table.metadata.refs.values()}
    newest_first = sorted(table.metadata.snapshots, key=lambda s: s.timestamp_ms, reverse=True)
    expired = [s for s in newest_first[keep:] if s.timestamp_ms < cutoff_ms and s.snapshot_id not in protected]
    counts = {"NumberOfDataFilesDeleted": 0, "NumberOfManifestFilesDeleted": 0, "NumberOfManifestListsDeleted": 0}
    if not expired:
        return counts
    retained = [s for s in newest_first if s not in expired]
    used = [_files(table, s, live_only=False) for s in expired]
    kept = [_files(table, s, live_only=True) for s in retained]
    table.maintenance.expire_snapshots().by_ids([s.snapshot_id for s in expired]).commit()
    if config.get("cleanExpiredFiles", True):
        for position, metric in enumerate(("NumberOfManifestListsDeleted", "NumberOfManifestFilesDeleted",
                                           "NumberOfDataFilesDeleted")):
            doomed = set().union(*(files[position] for files in used)) - set().union(*(f[position] for f in kept))
            for location in doomed:
                table.io.delete(location)
            counts[metric] = len(doomed)
    return counts


def _is_object(parts: tuple[str, ...]) -> bool:
    """Whether a file under a folder is an S3 object: not the emulator's own (folder markers, uploads in progress),
    nor a Hadoop checksum or a file in a job's staging folder, which no listing shows."""
    return (all(addressable(part) for part in parts) and not any(is_staging_dir(part) for part in parts[:-1])
            and not is_hadoop_checksum(parts[-1]))


def delete_orphan_files(table: Table, optimizer: dict[str, Any], scale: float) -> Metrics:
    """Orphan file deletion on `table` (see the module's rules); the run's IcebergMetrics counts."""
    config = _iceberg_configuration(optimizer, "orphanFileDeletionConfiguration")
    min_age = (config.get("orphanFileRetentionPeriodInDays") or 3) * _DAY / scale
    referenced = {table.metadata_location} | {entry.metadata_file for entry in table.metadata.metadata_log}
    referenced |= {s.statistics_path for s in table.metadata.statistics}
    referenced |= {s.statistics_path for s in table.metadata.partition_statistics}
    for snapshot in table.metadata.snapshots:
        for files in _files(table, snapshot, live_only=False):
            referenced |= files
    root = (config.get("location") or table.metadata.location).rstrip("/")
    folder = table.io.local(root)  # type: ignore[attr-defined]
    deleted = 0
    moment = time.time()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []:
        parts = path.relative_to(folder).parts
        if not _is_object(parts):
            continue
        location = f"{root}/{'/'.join(parts)}"
        modified = path.stat().st_mtime
        if location in referenced or modified <= optimizer["createdAt"] or moment - modified < min_age:
            continue
        table.io.delete(location)
        deleted += 1
    return {"NumberOfOrphanFilesDeleted": deleted}


def compact(table: Table, optimizer: dict[str, Any], scale: float) -> Metrics:
    """Compaction of `table` when it qualifies (see the module's rules), else NothingToDo."""
    from pyiceberg.manifest import DataFileContent

    config = _iceberg_configuration(optimizer, "compactionConfiguration")
    snapshot = table.current_snapshot()
    if snapshot is None:
        raise NothingToDo()
    entries = [entry.data_file for manifest in snapshot.manifests(table.io)
               for entry in manifest.fetch_manifest_entry(table.io)]
    data = [f for f in entries if f.content == DataFileContent.DATA]
    deletes = [f for f in entries if f.content != DataFileContent.DATA]
    target = int(table.metadata.properties.get("write.target-file-size-bytes", _DEFAULT_TARGET_FILE_SIZE))
    small = [f for f in data if f.file_size_in_bytes < 0.75 * target]
    if len(small) < (config.get("minInputFiles") or 100) and len(deletes) < (config.get("deleteFileThreshold") or 1):
        raise NothingToDo()
    strategy = config.get("strategy") or "binpack"
    if strategy == "z-order":
        raise RuntimeError("z-order compaction is not available in glue-emulator: use binpack or sort.")
    rows = table.scan().to_arrow()
    if strategy == "sort":
        order = table.sort_order()
        if order.is_unsorted:
            raise RuntimeError("sort compaction needs a sort order on the table (none is set).")
        schema = table.schema()
        rows = rows.sort_by([(schema.find_column_name(f.source_id),
                              "ascending" if f.direction.value == "asc" else "descending") for f in order.fields])
    table.overwrite(rows)
    return {"NumberOfBytesCompacted": sum(f.file_size_in_bytes for f in data + deletes),
            "NumberOfFilesCompacted": len(data) + len(deletes)}


# optimizer type -> (its work, the run member holding its metrics)
_WORK: dict[str, tuple[Callable[[Table, dict[str, Any], float], Metrics], str]] = {
    "retention": (expire_snapshots, "retentionMetrics"),
    "orphan_file_deletion": (delete_orphan_files, "orphanFileDeletionMetrics"),
    "compaction": (compact, "compactionMetrics"),
}
_CONFIG_BLOCK = {"retention": "retentionConfiguration", "orphan_file_deletion": "orphanFileDeletionConfiguration",
                 "compaction": "compactionConfiguration"}


def _interval(optimizer: dict[str, Any]) -> float:
    """Emulated seconds until the optimizer's next run (or compaction check)."""
    if optimizer["type"] == "compaction":
        return _COMPACTION_CHECK
    return (_iceberg_configuration(optimizer, _CONFIG_BLOCK[optimizer["type"]]).get("runRateInHours") or 24) * 3600.0


class OptimizerRuns:
    """Runs enabled table optimizers when they are due (a component, started with the server)."""

    def __init__(self, emulator: Emulator):
        self.emulator = emulator
        self.scale = emulator.settings.time_scale
        self._wake = threading.Event()
        self._stop = threading.Event()
        ended = now()
        for scope, parent, name, run in emulator.store.list_scopes(TABLE_OPTIMIZER_RUN):
            if run["eventType"] == "in_progress":
                run.update(eventType="failed", endTimestamp=ended, error="The emulator stopped during the run.")
                emulator.store.put(scope, TABLE_OPTIMIZER_RUN, parent, name, run)
        self._thread = threading.Thread(target=self._loop, name="table-optimizers", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look at what is due now (an optimizer was created or enabled)."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(_TICK)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.run_due()
            except Exception:  # a broken optimizer must not stop the others' runs
                log.exception("table optimizer pass failed")

    def run_due(self) -> None:
        """Run every enabled optimizer whose time has come, one after the other."""
        for scope, parent, _, optimizer in self.emulator.store.list_scopes(OPTIMIZER.kind):
            if optimizer["configuration"].get("enabled") and optimizer.get("nextRunAt", 0) <= time.time():
                account, _, region = scope.partition("/")
                self._run(RequestContext(account, region, str(uuid.uuid4()), self.emulator), parent, optimizer)

    def _run(self, ctx: RequestContext, parent: str, optimizer: dict[str, Any]) -> None:
        from .iceberg_tables import load_table

        kind = optimizer["type"]
        work, metrics_member = _WORK[kind]
        table_params = {"CatalogId": optimizer["catalogId"], "DatabaseName": optimizer["databaseName"],
                        "TableName": optimizer["tableName"]}
        table_doc = {"DatabaseName": optimizer["databaseName"], "Name": optimizer["tableName"]}
        runs = runs_parent(optimizer["catalogId"], table_doc, kind)
        started = now()
        run: dict[str, Any] = {"eventType": "in_progress", "startTimestamp": started}
        if kind == "compaction":
            run["compactionStrategy"] = _iceberg_configuration(optimizer, "compactionConfiguration").get(
                "strategy", "binpack")
        name = f"{started:017.3f}-{uuid.uuid4().hex[:8]}"
        try:
            table = load_table(ctx, table_params)
            if kind != "compaction":  # a compaction run exists only once the table is found to qualify
                ctx.store.put(ctx.scope, TABLE_OPTIMIZER_RUN, runs, name, run)
            counts: Metrics | None = work(table, optimizer, self.scale)
            run["eventType"] = "completed"
        except NothingToDo:
            counts = None
        except Exception as exc:  # any failure is the run's error, as AWS reports it
            counts = {}
            run.update(eventType="failed", error=getattr(exc, "message", None) or str(exc) or type(exc).__name__)
        if counts is not None and ctx.store.get(ctx.scope, OPTIMIZER.kind, parent, kind) is not None:
            self._finish(ctx, runs, name, run, counts, metrics_member)
        self._schedule(ctx, parent, kind, _interval(optimizer) / self.scale)

    def _finish(self, ctx: RequestContext, runs: str, name: str, run: dict[str, Any], counts: Metrics,
                member: str) -> None:
        """Store the ended run with its metrics (IcebergMetrics; compaction also the older string RunMetrics)."""
        ended = now()
        hours = round((ended - run["startTimestamp"]) / 3600, 6)
        run["endTimestamp"] = ended
        run[member] = {"IcebergMetrics": {**counts, "NumberOfDpus": 1, "DpuHours": hours, "JobDurationInHour": hours}}
        if member == "compactionMetrics":
            run["metrics"] = {"NumberOfBytesCompacted": str(counts.get("NumberOfBytesCompacted", 0)),
                              "NumberOfFilesCompacted": str(counts.get("NumberOfFilesCompacted", 0)),
                              "NumberOfDpus": "1", "JobDurationInHour": str(hours)}
        ctx.store.put(ctx.scope, TABLE_OPTIMIZER_RUN, runs, name, run)

    def _schedule(self, ctx: RequestContext, parent: str, kind: str, real_seconds: float) -> None:
        with ctx.store.transaction():
            optimizer = ctx.store.get(ctx.scope, OPTIMIZER.kind, parent, kind)
            if optimizer is not None:  # deleted during the run: nothing to schedule
                optimizer["nextRunAt"] = time.time() + real_seconds
                ctx.store.put(ctx.scope, OPTIMIZER.kind, parent, kind, optimizer)

    def shutdown(self) -> None:
        """Stop the thread (a run in progress ends first: it is one commit away from done)."""
        self._stop.set()
        self._wake.set()
