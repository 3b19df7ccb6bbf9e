"""Materialized-view refresh task runs through boto3, evaluated by Spark SQL on the server's warm Spark driver and
written into the view's Iceberg table, read back with pyiceberg (a real client)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from support import wait_until

from emulator.testing import EmulatorServer

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("pyiceberg.catalog.glue", reason="pip install '.[test]' installs pyiceberg[glue,pyarrow]")

ACCOUNT = "123456789012"
SERVER_ENV = {"GLUE_EMULATOR_SPARK_PREWARM": "0", "GLUE_EMULATOR_SPARK_POOL_SIZE": "1",
              "GLUE_EMULATOR_VALIDATE_RESPONSES": "1"}
TOTALS = "SELECT kind, sum(amount) AS total FROM sales.orders GROUP BY kind"
FINAL = ("SUCCEEDED", "FAILED", "STOPPED")
SPARK_TIMEOUT = 600  # a cold driver's JVM on a loaded 2-core machine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    started = EmulatorServer(tmp_path_factory.mktemp("views") / "data", env=SERVER_ENV).start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def glue(server: EmulatorServer) -> Any:
    """A catalog with sales.orders (Parquet) and the view sales.kind_totals over it (an Iceberg table)."""
    s3, glue = server.client("s3"), server.client("glue")
    s3.create_bucket(Bucket="lake")
    orders = pa.table({"kind": ["a", "b", "a", "c"], "amount": [1.5, 2.0, 3.0, 4.25]})
    buffer = io.BytesIO()
    pq.write_table(orders, buffer)
    s3.put_object(Bucket="lake", Key="orders/part-0.parquet", Body=buffer.getvalue())
    glue.create_database(DatabaseInput={"Name": "sales"})
    glue.create_table(DatabaseName="sales", TableInput={
        "Name": "orders", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "parquet"},
        "StorageDescriptor": {"Location": "s3://lake/orders/",
                              "Columns": [{"Name": "kind", "Type": "string"}, {"Name": "amount", "Type": "double"}]}})
    _view(glue, "kind_totals", TOTALS)
    return glue


def _view(glue: Any, name: str, sql: str) -> None:
    glue.create_table(DatabaseName="sales", OpenTableFormatInput={"IcebergInput": {"MetadataOperation": "CREATE"}},
                      TableInput={"Name": name, "StorageDescriptor": {
                          "Location": f"s3://lake/{name}", "Columns": [{"Name": "kind", "Type": "string"},
                                                                         {"Name": "total", "Type": "double"}]},
                                  "ViewDefinition": {"Representations": [
                                      {"Dialect": "SPARK", "DialectVersion": "3.5", "ViewOriginalText": sql}]}})


def _start(glue: Any, view: str) -> str:
    return glue.start_materialized_view_refresh_task_run(CatalogId=ACCOUNT, DatabaseName="sales",
                                                         TableName=view)["MaterializedViewRefreshTaskRunId"]


def _run(glue: Any, run_id: str) -> dict[str, Any]:
    return glue.get_materialized_view_refresh_task_run(CatalogId=ACCOUNT, MaterializedViewRefreshTaskRunId=run_id)[
        "MaterializedViewRefreshTaskRun"]


def _finished(glue: Any, run_id: str) -> dict[str, Any]:
    return wait_until(lambda: _run(glue, run_id), f"refresh {run_id}", until=lambda r: r["Status"] in FINAL,
                      timeout=SPARK_TIMEOUT, interval=0.2)


def test_a_refresh_computes_the_view_into_its_iceberg_table(server, glue):
    from pyiceberg.catalog import load_catalog

    run_id = _start(glue, "kind_totals")
    with pytest.raises(glue.exceptions.MaterializedViewRefreshTaskRunningException):
        _start(glue, "KIND_TOTALS")
    run = _finished(glue, run_id)
    assert run["Status"] == "SUCCEEDED", run
    assert run["RefreshType"] == "FULL" and run["ProcessedBytes"] > 0 and run["DPUSeconds"] >= 0
    assert (run["CatalogId"], run["DatabaseName"], run["TableName"]) == (ACCOUNT, "sales", "kind_totals")

    settings = {"glue.endpoint": server.endpoint, "s3.endpoint": server.endpoint}
    for prefix in ("glue", "s3"):
        settings.update({f"{prefix}.region": "us-east-1", f"{prefix}.access-key-id": "testing",
                         f"{prefix}.secret-access-key": "testing"})
    rows = load_catalog("glue", type="glue", **settings).load_table("sales.kind_totals").scan().to_arrow()
    assert sorted(zip(rows["kind"].to_pylist(), rows["total"].to_pylist())) == [("a", 4.5), ("b", 2.0), ("c", 4.25)]
    table = glue.get_table(DatabaseName="sales", Name="kind_totals")["Table"]
    assert table["ViewDefinition"]["Representations"][0]["ViewOriginalText"] == TOTALS
    assert table["Parameters"]["previous_metadata_location"] and table["IsMaterializedView"] is True
    unfiltered = glue.get_unfiltered_table_metadata(CatalogId=ACCOUNT, DatabaseName="sales", Name="kind_totals",
                                                    SupportedPermissionTypes=["COLUMN_PERMISSION"])
    assert unfiltered["IsMaterializedView"] is True

    listed = glue.list_materialized_view_refresh_task_runs(CatalogId=ACCOUNT, DatabaseName="sales",
                                                           TableName="kind_totals")
    assert [r["MaterializedViewRefreshTaskRunId"] for r in listed["MaterializedViewRefreshTaskRuns"]] == [run_id]
    assert glue.list_materialized_view_refresh_task_runs(CatalogId=ACCOUNT, TableName="other")[
        "MaterializedViewRefreshTaskRuns"] == []


def test_a_definition_spark_cannot_evaluate_fails_the_run_clearly(glue):
    _view(glue, "broken", "SELECT kind, sum(amount) AS total FROM sales.no_such_table GROUP BY kind")
    run = _finished(glue, _start(glue, "broken"))
    assert run["Status"] == "FAILED" and "no_such_table" in run["ErrorMessage"], run


def test_stop_and_errors(glue):
    with pytest.raises(glue.exceptions.InvalidInputException, match="not a materialized view"):
        _start(glue, "orders")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        _start(glue, "missing")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        _run(glue, "3f0c6d2e-9f43-4c1b-8d2a-5b7e6f1a2c3d")
    with pytest.raises(glue.exceptions.MaterializedViewRefreshTaskNotRunningException):
        glue.stop_materialized_view_refresh_task_run(CatalogId=ACCOUNT, DatabaseName="sales", TableName="kind_totals")

    _view(glue, "slow", "SELECT kind, sum(amount) AS total FROM sales.orders "
                        "WHERE reflect('java.lang.Thread', 'sleep', cast(30000 as bigint)) IS NULL GROUP BY kind")
    run_id = _start(glue, "slow")
    glue.stop_materialized_view_refresh_task_run(CatalogId=ACCOUNT, DatabaseName="sales", TableName="slow")
    stopped = _finished(glue, run_id)
    assert stopped["Status"] == "STOPPED" and stopped["EndTime"] >= stopped["StartTime"], stopped
    # A second stop finds nothing running: the stop is immediate here.
    with pytest.raises(glue.exceptions.MaterializedViewRefreshTaskNotRunningException):
        glue.stop_materialized_view_refresh_task_run(CatalogId=ACCOUNT, DatabaseName="sales", TableName="slow")
