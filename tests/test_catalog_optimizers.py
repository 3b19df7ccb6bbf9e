"""Table optimizers on Iceberg tables that pyiceberg (a real client) writes: their records through boto3, and the
runs that really expire snapshots, delete orphan files and compact data files.

The server's day lasts one real second (GLUE_EMULATOR_TIME_SCALE=86400), so a retention period of 1 day and the
default run rate of 24 hours pass within the test.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from support import wait_until

from emulator.testing import EmulatorServer

pa = pytest.importorskip("pyarrow")
pytest.importorskip("pyiceberg.catalog.glue", reason="pip install '.[test]' installs pyiceberg[glue,pyarrow]")

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/optimizer"
SERVER_ENV = {"GLUE_EMULATOR_SPARK_PREWARM": "0", "GLUE_EMULATOR_VALIDATE_RESPONSES": "1",
              "GLUE_EMULATOR_TIME_SCALE": "86400"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    started = EmulatorServer(tmp_path_factory.mktemp("optimizers") / "data", env=SERVER_ENV).start()
    yield started
    started.stop()


@pytest.fixture
def glue(server: EmulatorServer) -> Any:
    server.reset()
    server.client("s3").create_bucket(Bucket="warehouse")
    return server.client("glue")


@pytest.fixture
def catalog(server: EmulatorServer, glue: Any) -> Any:
    from pyiceberg.catalog import load_catalog

    settings = {"glue.endpoint": server.endpoint, "s3.endpoint": server.endpoint}
    for prefix in ("glue", "s3"):
        settings.update({f"{prefix}.region": "us-east-1", f"{prefix}.access-key-id": "testing",
                         f"{prefix}.secret-access-key": "testing"})
    iceberg = load_catalog("glue", type="glue", **settings)
    iceberg.create_namespace("lake")
    return iceberg


def _rows(*ids: int) -> Any:
    return pa.table({"id": pa.array(list(ids), pa.int64()), "kind": [f"k{i}" for i in ids]})


def _events(catalog: Any) -> Any:
    """lake.events: append 1-2, overwrite with 3-4 (a delete snapshot and an append: 1-2's file goes), append 5."""
    table = catalog.create_table("lake.events", schema=_rows(1).schema, location="s3://warehouse/events")
    table.append(_rows(1, 2))
    table.overwrite(_rows(3, 4))
    table.append(_rows(5))
    return table


def _configuration(block: str, **settings: Any) -> dict[str, Any]:
    return {"roleArn": ROLE, "enabled": True, block: {"icebergConfiguration": settings}}


def _optimizer(glue: Any, kind: str, configuration: dict[str, Any], table: str = "events") -> None:
    glue.create_table_optimizer(CatalogId=ACCOUNT, DatabaseName="lake", TableName=table, Type=kind,
                                TableOptimizerConfiguration=configuration)


def _runs(glue: Any, kind: str) -> list[dict[str, Any]]:
    return glue.list_table_optimizer_runs(CatalogId=ACCOUNT, DatabaseName="lake", TableName="events",
                                          Type=kind)["TableOptimizerRuns"]


def _orphans_deleted(run: dict[str, Any]) -> int:
    return run.get("orphanFileDeletionMetrics", {}).get("IcebergMetrics", {}).get("NumberOfOrphanFilesDeleted", 0)


def _exists(server: EmulatorServer, location: str) -> bool:
    bucket, _, key = location.removeprefix("s3://").partition("/")
    listed = server.client("s3").list_objects_v2(Bucket=bucket, Prefix=key)
    return any(entry["Key"] == key for entry in listed.get("Contents", []))


def test_configuration_lifecycle_and_errors(glue, catalog):
    _events(catalog)
    glue.create_table(DatabaseName="lake", TableInput={"Name": "plain"})
    configuration = _configuration("retentionConfiguration", snapshotRetentionPeriodInDays=30,
                                   numberOfSnapshotsToRetain=2, cleanExpiredFiles=False)
    configuration["enabled"] = False
    _optimizer(glue, "retention", configuration)
    got = glue.get_table_optimizer(CatalogId=ACCOUNT, DatabaseName="lake", TableName="events", Type="retention")
    assert got["TableOptimizer"] == {"type": "retention", "configuration": configuration,
                                     "configurationSource": "table"}
    with pytest.raises(glue.exceptions.AlreadyExistsException):
        _optimizer(glue, "retention", configuration)
    with pytest.raises(glue.exceptions.InvalidInputException, match="not an Iceberg table"):
        _optimizer(glue, "retention", configuration, table="plain")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        _optimizer(glue, "retention", configuration, table="missing")
    with pytest.raises(glue.exceptions.ValidationException, match="runRateInHours"):
        _optimizer(glue, "orphan_file_deletion", _configuration("orphanFileDeletionConfiguration", runRateInHours=1))
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_table_optimizer(CatalogId=ACCOUNT, DatabaseName="lake", TableName="events", Type="compaction")

    changed = {**configuration, "retentionConfiguration": {"icebergConfiguration": {"numberOfSnapshotsToRetain": 3}}}
    glue.update_table_optimizer(CatalogId=ACCOUNT, DatabaseName="lake", TableName="events", Type="retention",
                                TableOptimizerConfiguration=changed)
    batch = glue.batch_get_table_optimizer(Entries=[
        {"catalogId": ACCOUNT, "databaseName": "lake", "tableName": "events", "type": "retention"},
        {"catalogId": ACCOUNT, "databaseName": "lake", "tableName": "events", "type": "compaction"}])
    assert [o["tableOptimizer"]["configuration"] for o in batch["TableOptimizers"]] == [changed]
    assert [(f["type"], f["error"]["ErrorCode"]) for f in batch["Failures"]] == [("compaction",
                                                                                   "EntityNotFoundException")]
    assert _runs(glue, "retention") == []  # a disabled optimizer never runs

    glue.delete_table_optimizer(CatalogId=ACCOUNT, DatabaseName="lake", TableName="events", Type="retention")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.delete_table_optimizer(CatalogId=ACCOUNT, DatabaseName="lake", TableName="events", Type="retention")
    # Optimizers go with their table.
    _optimizer(glue, "retention", configuration)
    glue.delete_table(DatabaseName="lake", Name="events")
    catalog.create_table("lake.events", schema=_rows(1).schema, location="s3://warehouse/events2")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_table_optimizer(CatalogId=ACCOUNT, DatabaseName="lake", TableName="events", Type="retention")


def test_retention_expires_old_snapshots_and_deletes_their_files(server, glue, catalog):
    table = _events(catalog)
    *older, newest = table.metadata.snapshots
    assert len(older) == 3
    old_data = {task.file.file_path for task in table.scan(snapshot_id=older[0].snapshot_id).plan_files()}
    time.sleep(1.2)  # every snapshot is now older than a (server) day
    _optimizer(glue, "retention", _configuration("retentionConfiguration", snapshotRetentionPeriodInDays=1,
                                                 numberOfSnapshotsToRetain=1))

    run = wait_until(lambda: _runs(glue, "retention"), "a retention run",
                     until=lambda runs: bool(runs) and runs[-1]["eventType"] != "in_progress", timeout=60)[-1]
    assert run["eventType"] == "completed", run
    metrics = run["retentionMetrics"]["IcebergMetrics"]
    assert metrics["NumberOfManifestListsDeleted"] == 3
    assert metrics["NumberOfDataFilesDeleted"] == len(old_data) == 1
    assert metrics["NumberOfDpus"] == 1 and run["endTimestamp"] >= run["startTimestamp"]

    reloaded = catalog.load_table("lake.events")
    assert [s.snapshot_id for s in reloaded.metadata.snapshots] == [newest.snapshot_id]
    assert sorted(reloaded.scan().to_arrow()["id"].to_pylist()) == [3, 4, 5]
    assert not any(_exists(server, location) for location in old_data | {s.manifest_list for s in older})
    assert _exists(server, newest.manifest_list)
    last = glue.get_table_optimizer(CatalogId=ACCOUNT, DatabaseName="lake", TableName="events", Type="retention")
    assert last["TableOptimizer"]["lastRun"]["eventType"] == "completed"


def test_orphan_file_deletion_deletes_only_unreferenced_files_made_after_the_optimizer(server, glue, catalog):
    table = _events(catalog)
    s3 = server.client("s3")
    s3.put_object(Bucket="warehouse", Key="events/data/before.parquet", Body=b"older than the optimizer")
    time.sleep(0.05)
    _optimizer(glue, "orphan_file_deletion", _configuration("orphanFileDeletionConfiguration",
                                                            orphanFileRetentionPeriodInDays=1))
    time.sleep(0.05)
    s3.put_object(Bucket="warehouse", Key="events/data/stray.parquet", Body=b"left by a failed writer")
    s3.put_object(Bucket="warehouse", Key="events/data/empty/", Body=b"")  # a folder marker: kept, no failure

    # A run is listed in_progress while it works (it deletes the file before it is stored completed), and runs
    # follow each other every (server) day, a real second: only the runs that have ended are looked at.
    runs = wait_until(lambda: [r for r in _runs(glue, "orphan_file_deletion") if r["eventType"] != "in_progress"],
                      "the run that deletes the orphan to end", until=lambda ended: any(map(_orphans_deleted, ended)),
                      timeout=60)
    assert all(r["eventType"] == "completed" for r in runs), runs
    assert sum(map(_orphans_deleted, runs)) == 1
    assert not _exists(server, "s3://warehouse/events/data/stray.parquet")
    assert _exists(server, "s3://warehouse/events/data/before.parquet")
    assert _exists(server, "s3://warehouse/events/data/empty/")
    assert sorted(catalog.load_table("lake.events").scan().to_arrow()["id"].to_pylist()) == [3, 4, 5]
    assert table.metadata_location and _exists(server, table.metadata_location)


def test_compaction_rewrites_small_files_into_one(glue, catalog):
    table = _events(catalog)
    before = [task.file for task in table.scan().plan_files()]
    assert len(before) == 2
    _optimizer(glue, "compaction", _configuration("compactionConfiguration", strategy="binpack", minInputFiles=2))

    runs = wait_until(lambda: _runs(glue, "compaction"), "a compaction run", until=bool, timeout=60)
    assert runs[0]["eventType"] == "completed" and runs[0]["compactionStrategy"] == "binpack", runs
    metrics = runs[0]["compactionMetrics"]["IcebergMetrics"]
    assert metrics["NumberOfFilesCompacted"] == 2
    assert metrics["NumberOfBytesCompacted"] == sum(f.file_size_in_bytes for f in before)
    assert runs[0]["metrics"]["NumberOfFilesCompacted"] == "2"
    reloaded = catalog.load_table("lake.events")
    assert len(list(reloaded.scan().plan_files())) == 1
    assert sorted(reloaded.scan().to_arrow()["id"].to_pylist()) == [3, 4, 5]
    time.sleep(1.5)  # one file no longer qualifies: no further run
    assert len(_runs(glue, "compaction")) == 1


def test_z_order_compaction_fails_clearly(glue, catalog):
    _events(catalog)
    _optimizer(glue, "compaction", _configuration("compactionConfiguration", strategy="z-order", minInputFiles=2))
    runs = wait_until(lambda: _runs(glue, "compaction"), "a compaction run", until=bool, timeout=60)
    assert runs[0]["eventType"] == "failed" and "z-order" in runs[0]["error"]
