"""Shared pytest fixtures: in-process Spark, an in-process emulator, and S3 set-up on the live server.

The live server itself (`glue_emulator`) comes from the plugin users get (emulator/testing/plugin.py);
pure helpers (waits, jobs from code, workflow vocabulary) are in support.py.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jdbc_postgres import postgres  # noqa: F401 (the throwaway PostgreSQL of the JDBC tests)
from support import FAST_ENV, Gates

from emulator.config import Settings
from emulator.context import RequestContext
from emulator.core import Emulator
from emulator.jobs.java import ClassArchive
from emulator.testing import EmulatorServer
from emulator.testing.plugin import START_TIMEOUT, session_server_env

# The servers tests start share one JVM class-data archive (emulator/jobs/java.py ClassArchive) in a folder of the
# test run (GLUE_EMULATOR_SPARK_CLASS_ARCHIVE_DIR, made by pytest_configure): the first server whose pool is warm
# records it (one Spark session in the whole run, both xdist workers included), and every Spark driver started after
# that, in any server, starts on it (about half the CPU of a driver's start). tests/test_jobs_class_archive.py
# gives its servers their data dir's own archive.
_CLASS_ARCHIVE_DIR = "GLUE_EMULATOR_SPARK_CLASS_ARCHIVE_DIR"
_made_archive_dir: Path | None = None


def pytest_configure(config: pytest.Config) -> None:
    """In the main pytest process: the run's class archive folder, in the environment xdist's workers inherit."""
    global _made_archive_dir
    if not os.environ.get(_CLASS_ARCHIVE_DIR) and not hasattr(config, "workerinput"):
        _made_archive_dir = Path(tempfile.mkdtemp(prefix="glue-emulator-class-archive-"))
        os.environ[_CLASS_ARCHIVE_DIR] = str(_made_archive_dir)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _made_archive_dir is not None:
        shutil.rmtree(_made_archive_dir, ignore_errors=True)  # about 120 MB


# Modules that take a minute or more (measured by .ci/run's module times), run first: with two processes
# (`-n 2 --dist loadfile --no-loadscope-reorder`) a long module started last keeps one process busy while the other
# has nothing left. Longest first.
SLOW_MODULES = (
    "test_sessions_dbt.py", "test_jobs_streaming.py", "test_jobs_spark_pool.py", "test_dataquality_composite_row.py",
    "test_dataquality_evaluation.py", "test_jobs_class_archive.py", "test_awsglue_fidelity.py",
    "test_jobs_spark_cluster.py", "test_examples_retail_pipeline.py",
    "test_console_browser.py", "test_sessions_api.py", "test_awsglue_context_sources.py",
    "test_dataquality_column_statistics_runs.py", "test_catalog_partitions_clients.py", "test_sessions_kernel.py",
    "test_dataquality_api.py", "test_cli.py", "test_protocol_fuzz.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules of SLOW_MODULES first, in its order; the others after, in their own order (stable sort)."""
    rank = {name: index for index, name in enumerate(SLOW_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session")
def spark():
    """One local SparkSession for the whole test session (starting a JVM costs seconds)."""
    from pyspark.sql import SparkSession

    # Spark's Python workers must be this interpreter: from a venv that is not activated, Spark would
    # otherwise start whichever `python3` PATH finds first (another version: PYTHON_VERSION_MISMATCH).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder
    archive_dir = os.environ.get(_CLASS_ARCHIVE_DIR)
    java_options = ClassArchive(Path(archive_dir), Path(archive_dir)).java_options() if archive_dir else ""
    if java_options:  # the run's class archive, when a server has recorded it by now
        builder = builder.config("spark.driver.extraJavaOptions", java_options)
    session = (builder.master("local[2]").appName("glue-emulator-tests")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def glue_context(spark: Any) -> Any:
    """A GlueContext of our awsglue (emulator/runtime) on the session's SparkSession."""
    import emulator.runtime

    emulator.runtime.install()
    from awsglue.context import GlueContext

    return GlueContext(spark.sparkContext)


@pytest.fixture
def emulator_settings() -> dict[str, Any]:
    """Settings of the in-process `emulator` beyond its data dir; a test module overrides this fixture
    to change them (e.g. {"time_scale": 60})."""
    return {"durable": False}


@pytest.fixture
def emulator(tmp_path: Path, emulator_settings: dict[str, Any]) -> Iterator[Emulator]:
    """An emulator in this process (no server, no Spark prewarm, the run's shared class archive): tests call
    handlers and components."""
    shared = {"spark_class_archive_dir": os.environ.get(_CLASS_ARCHIVE_DIR) or None}
    instance = Emulator(Settings(data_dir=tmp_path / "data", spark_prewarm=False, **{**shared, **emulator_settings}))
    yield instance
    instance.shutdown()


@pytest.fixture
def ctx(emulator: Emulator) -> RequestContext:
    """A request context of account 123456789012 in us-east-1 on the in-process emulator."""
    return RequestContext("123456789012", "us-east-1", "test", emulator)


@pytest.fixture(scope="session")
def shared_servers() -> Iterator[dict[tuple[tuple[str, str], ...], EmulatorServer]]:
    """The servers `server` shares between test modules, by their environment; all stopped at the session's end."""
    servers: dict[tuple[tuple[str, str], ...], EmulatorServer] = {}
    yield servers
    for started in servers.values():
        started.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest,
           shared_servers: dict[tuple[tuple[str, str], ...], EmulatorServer]) -> Iterator[EmulatorServer]:
    """The server of a test module's `SERVER_ENV` (environment variables; support.FAST_ENV when it has none),
    emptied (reset) before the module's first test.

    Starting a server costs seconds, and one with warm Spark drivers a JVM each, so servers are shared: modules
    whose `SERVER_ENV` is the session server's (`glue_emulator_server`) get that one, and modules with the same
    environment and no Spark drivers warmed share one server. A module whose environment warms Spark drivers of
    its own gets a server for itself, stopped after its last test, so that idle JVMs do not outlive it. A module
    that must have a process nobody else used (it reads the server's stdout, or stops it) starts an
    `EmulatorServer` itself.
    """
    env = getattr(request.module, "SERVER_ENV", FAST_ENV)
    if env == session_server_env():
        shared: EmulatorServer = request.getfixturevalue("glue_emulator_server")
    elif env.get("GLUE_EMULATOR_SPARK_PREWARM", "1") != "0":
        started = EmulatorServer(tmp_path_factory.mktemp(request.module.__name__) / "data", env=env).start(START_TIMEOUT)
        yield started
        started.stop()
        return
    else:
        key = tuple(sorted(env.items()))
        if key not in shared_servers:
            shared_servers[key] = EmulatorServer(tmp_path_factory.mktemp("shared") / "data",
                                                 env=env).start(START_TIMEOUT)
        shared = shared_servers[key]
    shared.reset()
    yield shared


@pytest.fixture
def glue(server: EmulatorServer) -> Any:
    """The Glue client of the module's own `server`, emptied (reset) before each test."""
    server.reset()
    return server.client("glue")


@pytest.fixture
def s3(glue_emulator: Any, request: pytest.FixtureRequest) -> Any:
    """The live server's S3 client, with the bucket named by the test module's `BUCKET` created."""
    glue_emulator.s3.create_bucket(Bucket=request.module.BUCKET)
    return glue_emulator.s3


@pytest.fixture
def bucket_dir(glue_emulator: Any, request: pytest.FixtureRequest) -> Path:
    """Where the server keeps the objects of the module's `BUCKET` on disk."""
    return glue_emulator.server.data_dir / "s3" / request.module.BUCKET


@pytest.fixture
def gates(tmp_path: Path) -> Iterator[Gates]:
    """Gates holding job runs (support.Gates) in the test's own folder; all opened after the test, so that no
    held script outlives it."""
    held = Gates(tmp_path / "gates")
    yield held
    held.open_all()
