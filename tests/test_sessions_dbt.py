"""dbt-glue, the dbt adapter for AWS Glue, runs a dbt project on the emulator's interactive sessions.

The project (tests/clients/dbt/shop) is run as its users run it: `dbt seed` and `dbt run` twice (the second time
with one more region and one more order), `dbt test` and `dbt show`, with AWS_ENDPOINT_URL pointing every boto3
client dbt-glue makes (Glue, STS, Lake Formation) at the server. Each command opens a session (CreateSession,
GetSession until READY, RunStatement / GetStatement per query, StopSession at the end); the models' SQL runs on the
session's Spark driver and its DDL reaches the Data Catalog. The tables are then read back as a user would:
GetTable, and their Parquet files in the local S3.

dbt-glue lives in a venv of its own (its protobuf 6 conflicts with the emulator's protobuf 5), built from
tests/clients/dbt/requirements.txt by .ci/run (GLUE_EMULATOR_DBT_VENV), or here when it is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
from clients.readme import client_env, run
from support import wait_until

from emulator.testing import EmulatorServer
from emulator.testing.plugin import session_server_env

# The session server (conftest's `server`, reset before the module), whose pool keeps warm drivers as a plain
# `glue-emulator serve` does: each command's session takes a warm one, and StopSession hands it back to the pool for
# the next command's (spark_pool.py's lend, sessions/manager.py). No server or JVM of the module's own.
SERVER_ENV = session_server_env()
DBT_FOLDER = Path(__file__).resolve().parent / "clients" / "dbt"
REQUIREMENTS = DBT_FOLDER / "requirements.txt"
DBT_TIMEOUT = 1200  # one command: a session's driver (a JVM) starts on a loaded 2-core machine, then every model


def _venv() -> Path:
    default = Path(__file__).resolve().parents[1] / ".ci-venvs" / "dbt"
    return Path(os.environ.get("GLUE_EMULATOR_DBT_VENV") or default)


@pytest.fixture(scope="module")
def dbt() -> Path:
    """The `dbt` of the dbt-glue venv, built (or brought up to requirements.txt) when needed."""
    venv = _venv()
    stamp = venv / "requirements.txt"
    if not (venv / "bin" / "dbt").is_file() or not stamp.is_file() or stamp.read_text() != REQUIREMENTS.read_text():
        steps = [[sys.executable, "-m", "venv", str(venv)],
                 [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                  "-r", str(REQUIREMENTS)]]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, check=False, timeout=1200)
            if done.returncode != 0:
                reason = f"the dbt-glue venv could not be built ({' '.join(step[:4])}): {done.stderr.strip()[-600:]}"
                if os.environ.get("CI") == "true":
                    pytest.fail(f"CI must build it (.ci/run does): {reason}")
                pytest.skip(reason)
        shutil.copyfile(REQUIREMENTS, stamp)
    return venv / "bin" / "dbt"


def _table_rows(server: EmulatorServer, name: str) -> list[dict[str, Any]]:
    """The rows of a table's Parquet files in the local S3 (partition folders `key=value` read as columns)."""
    folder = server.data_dir / "s3" / "dbt-lake" / "warehouse" / "shop" / name
    rows = ds.dataset(folder, format="parquet", partitioning="hive").to_table().to_pylist()
    return sorted(rows, key=lambda row: tuple(row[key] for key in sorted(row)))


def test_dbt_run_twice_then_test_and_show(dbt: Path, server: EmulatorServer, tmp_path: Path) -> None:
    glue, s3 = server.client("glue"), server.client("s3")
    s3.create_bucket(Bucket="dbt-lake")  # the profile's `location`; dbt creates the database (schema) itself
    project = tmp_path / "shop"
    shutil.copytree(DBT_FOLDER / "shop", project)
    env = client_env(tmp_path)
    env.update(AWS_ENDPOINT_URL=server.endpoint, AWS_DEFAULT_REGION="us-east-1", DBT_PROFILES_DIR=str(project),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    timings: dict[str, float] = {}

    def dbt_command(label: str, *args: str) -> str:
        started = time.monotonic()
        out = run([str(dbt), "--no-use-colors", *args], project, env, timeout=DBT_TIMEOUT)
        timings[label] = round(time.monotonic() - started, 1)
        return out

    seeded = dbt_command("dbt seed (1st)", "seed")
    assert "Done. PASS=1 WARN=0 ERROR=0 SKIP=0" in seeded, seeded
    first = dbt_command("dbt run (1st)", "run")
    assert "Done. PASS=4 WARN=0 ERROR=0 SKIP=0" in first, first

    database = glue.get_database(Name="shop")["Database"]
    assert database["LocationUri"] == "s3://dbt-lake/warehouse/shop/"
    tables = {t["Name"]: t for t in glue.get_tables(DatabaseName="shop")["TableList"]}
    assert sorted(tables) == ["north_orders", "order_events", "orders", "region_totals", "regions"]
    assert _table_rows(server, "regions") == [{"code": "north", "name": "North"}, {"code": "south", "name": "South"}]
    orders = tables["orders"]
    assert orders["TableType"] == "EXTERNAL_TABLE"
    assert orders["StorageDescriptor"]["Location"] == "s3://dbt-lake/warehouse/shop/orders"
    assert [(c["Name"], c["Type"]) for c in orders["StorageDescriptor"]["Columns"]] == [
        ("order_id", "int"), ("region", "string"), ("amount", "int")]
    view = tables["north_orders"]
    assert view["TableType"] == "VIRTUAL_VIEW"
    assert "from shop.orders where region = 'north'" in view["ViewOriginalText"]
    assert [c["Name"] for c in tables["region_totals"]["PartitionKeys"]] == ["region"]
    assert _table_rows(server, "order_events") == [
        {"amount": 5, "order_id": 2}, {"amount": 7, "order_id": 3}, {"amount": 10, "order_id": 1}]
    assert _table_rows(server, "region_totals") == [
        {"last_order": 2, "orders": 1, "region": "south", "total": 5},
        {"last_order": 3, "orders": 2, "region": "north", "total": 17}]
    south = server.data_dir / "s3" / "dbt-lake" / "warehouse" / "shop" / "region_totals" / "region=south"
    south_files = {p.name: p.stat().st_mtime_ns for p in south.iterdir()}

    # the seed again, with one more row: dbt-glue finds its table (SHOW TABLES) and overwrites it
    with (project / "seeds" / "regions.csv").open("a") as csv:
        csv.write("east,East\n")
    seeded = dbt_command("dbt seed (2nd)", "seed")
    assert "Done. PASS=1 WARN=0 ERROR=0 SKIP=0" in seeded, seeded
    assert _table_rows(server, "regions") == [
        {"code": "east", "name": "East"}, {"code": "north", "name": "North"}, {"code": "south", "name": "South"}]

    second = dbt_command("dbt run (2nd)", "run", "--vars", "{batch: 2}")
    assert "Done. PASS=4 WARN=0 ERROR=0 SKIP=0" in second, second
    assert sorted(r["order_id"] for r in _table_rows(server, "orders")) == [1, 2, 3, 4]  # the table was rebuilt
    # the incremental models: order 4 appended once; only the north partition rewritten
    assert _table_rows(server, "order_events") == [
        {"amount": 5, "order_id": 2}, {"amount": 7, "order_id": 3}, {"amount": 10, "order_id": 1},
        {"amount": 12, "order_id": 4}]
    assert _table_rows(server, "region_totals") == [
        {"last_order": 2, "orders": 1, "region": "south", "total": 5},
        {"last_order": 4, "orders": 3, "region": "north", "total": 29}]
    assert {p.name: p.stat().st_mtime_ns for p in south.iterdir()} == south_files
    partitions = glue.get_partitions(DatabaseName="shop", TableName="region_totals")["Partitions"]
    assert sorted(p["Values"][0] for p in partitions) == ["north", "south"]

    tested = dbt_command("dbt test", "test")
    assert "Done. PASS=4 WARN=1 ERROR=0 SKIP=0" in tested, tested
    assert "Warning in test unique_orders_region" in tested and "Got 1 result" in tested, tested

    shown = dbt_command("dbt show", "show", "--select", "north_orders", "--output", "json", "--log-format", "text")
    rows = json.loads(shown[shown.index("{"):shown.rindex("}") + 1])["show"]
    assert sorted((r["order_id"], r["amount"]) for r in rows) == [(1, 10), (3, 7), (4, 12)]

    # dbt stops the session of each command: no driver is left holding memory (STOPPING, then STOPPED once the
    # driver is back in the pool, as StopSession is asynchronous in Glue)
    sessions = wait_until(lambda: glue.list_sessions()["Sessions"], "every session STOPPED",
                          until=lambda found: {s["Status"] for s in found} == {"STOPPED"}, timeout=60)
    assert len(sessions) == 6
    print("dbt-glue timings (s):", timings)
