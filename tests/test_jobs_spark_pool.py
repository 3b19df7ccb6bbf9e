"""The warm Spark pool driven directly with RunSpecs: real PySpark, s3:// paths on a temp data dir.

One pool of two workers serves the whole module (starting a JVM costs seconds); tests that kill a
worker leave the other one warm while the replacement starts.
"""

from __future__ import annotations

import os
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import alive, wait_until

from emulator.config import Settings
from emulator.core import Emulator
from emulator.jobs import spark_pool as spark_pool_module
from emulator.jobs.executor import RunOutcome, RunSpec
from emulator.jobs.spark_pool import SparkPool, SparkRunHandle, _crash_outcome
from emulator.jobs.spark_worker import describe_failure, exit_outcome, mount_target
from emulator.jobs.worker_output import END_OF_RUN, Pump, _partial_suffix

WAIT = 120.0


_submitted: list[Submitted] = []  # every run of the module, checked for a single outcome at the end


class Submitted:
    """A submitted run: its handle, and its outcome and logs once it ends."""

    def __init__(self, pool: SparkPool, spec: RunSpec):
        self.spec = spec
        self._done = threading.Event()
        self.outcomes: list[RunOutcome] = []
        self.started = time.perf_counter()
        self.elapsed = 0.0
        self.handle: SparkRunHandle = pool.submit(spec, self._on_done)
        _submitted.append(self)

    def _on_done(self, outcome: RunOutcome) -> None:
        self.elapsed = time.perf_counter() - self.started
        self.outcomes.append(outcome)
        self._done.set()

    def wait(self, timeout: float = WAIT) -> RunOutcome:
        assert self._done.wait(timeout), f"run {self.spec.run_id} did not end in {timeout} s"
        assert len(self.outcomes) == 1, self.outcomes  # a later second callback is caught at the pool's shutdown
        return self.outcomes[0]

    def log(self, name: str) -> str:
        return (self.spec.log_dir / name).read_text()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spark-pool") / "data"


@pytest.fixture(scope="module")
def pool(data_dir: Path) -> Iterator[SparkPool]:
    # The test run's shared class archive (tests/conftest.py): recorded once per run, not once more here.
    emulator = Emulator(Settings(data_dir=data_dir, spark_pool_size=2, spark_prewarm=True, durable=False,
                                 spark_class_archive_dir=os.environ.get("GLUE_EMULATOR_SPARK_CLASS_ARCHIVE_DIR") or None))
    os.environ["AWS_PROFILE"] = "the-server-profile"  # the server's AWS settings must not reach runs
    try:
        spark_pool = emulator.component(SparkPool)
    finally:
        del os.environ["AWS_PROFILE"]
    # One warm driver is enough to begin: the second warms while the first tests run on the first (the tests that
    # need both wait for it, as runs queue for a worker).
    health = wait_until(spark_pool.health, "a warm Spark driver", until=lambda h: h["status"] in ("ready", "unavailable"),
                        timeout=180, interval=0.1)
    assert health == {"status": "ready"}, (data_dir / "spark").joinpath("worker-0.log").read_text()[-3000:]
    yield spark_pool
    emulator.shutdown()
    # With the pool shut down no callback is pending: each run has reported its end exactly once.
    assert [(s.spec.run_id, s.outcomes) for s in _submitted if len(s.outcomes) != 1] == []


@pytest.fixture
def s3(data_dir: Path) -> Path:
    return data_dir / "s3"


_counter = iter(range(1_000_000))


def submit(pool: SparkPool, tmp_path: Path, source: str, *, env: dict[str, str] | None = None,
           timeout: float = 300, extra_py_files: list[Path] | None = None,
           spark_conf: dict[str, str] | None = None, args: list[str] | None = None) -> Submitted:
    run_id = f"jr_{next(_counter):064x}"
    script = tmp_path / f"{run_id}.py"
    script.write_text(textwrap.dedent(source))
    argv = [str(script), "--JOB_NAME", "job", "--JOB_RUN_ID", run_id, *(args or [])]
    spec = RunSpec(run_id=run_id, job_name="job", command="glueetl", script=script, argv=argv, env=env or {},
                   timeout_seconds=timeout, log_dir=tmp_path / "logs" / run_id,
                   extra_py_files=extra_py_files or [], spark_conf=spark_conf or {})
    return Submitted(pool, spec)


def wait_started(submitted: Submitted, output: str = "") -> float:
    """When the run's worker opened its logs (and printed `output`)."""
    log = submitted.spec.log_dir / "output"
    wait_until(lambda: log.exists() and log.read_text(), f"run {submitted.spec.run_id} to start and print {output!r}",
               until=lambda text: text is not False and output in text, timeout=WAIT, interval=0.02)
    return time.perf_counter()


def run(pool: SparkPool, tmp_path: Path, source: str, **kwargs: object) -> Submitted:
    submitted = submit(pool, tmp_path, source, **kwargs)  # type: ignore[arg-type]
    submitted.wait()
    return submitted


def succeeded(submitted: Submitted) -> Submitted:
    """The run, once it has ended SUCCEEDED (its error log in the failure message otherwise)."""
    outcome = submitted.wait()
    assert outcome == RunOutcome("SUCCEEDED"), (outcome, submitted.log("error")[-3000:])
    return submitted


# -- pure logic --------------------------------------------------------------------------------------


def test_describe_failure_keeps_class_and_message_without_java_frames() -> None:
    class Py4JJavaError(Exception):
        pass

    java = Py4JJavaError("An error occurred while calling o85.csv.\n: java.io.IOException: boom\n"
                         "\tat org.apache.Foo.bar(Foo.java:1)\n\tat org.apache.Foo.baz(Foo.java:2)\n")
    assert describe_failure(java) == (
        "Py4JJavaError: An error occurred while calling o85.csv. : java.io.IOException: boom")
    assert describe_failure(ZeroDivisionError("division by zero")) == "ZeroDivisionError: division by zero"
    assert describe_failure(KeyError()) == "KeyError"
    long = describe_failure(ValueError("x" * 5000))
    assert len(long) == 2048 and long.startswith("ValueError: xxx") and long.endswith("...")


def test_exit_codes_map_to_states() -> None:
    assert exit_outcome(None) == ("SUCCEEDED", None)
    assert exit_outcome(0) == ("SUCCEEDED", None)
    assert exit_outcome(2) == ("FAILED", "Command failed with exit code 2")
    assert exit_outcome("bad input") == ("FAILED", "Command failed with exit code 1")


def test_partial_end_marker_is_held_back_only_when_it_may_continue() -> None:
    assert _partial_suffix(b"hello", END_OF_RUN) == 0
    assert _partial_suffix(b"hello" + END_OF_RUN[:5], END_OF_RUN) == 5
    assert _partial_suffix(b"a\x1eb", END_OF_RUN) == 0


def test_pump_splits_runs_at_the_end_marker_and_caps_a_run_log(tmp_path: Path) -> None:
    read_fd, write_fd = os.pipe()
    idle = tmp_path / "idle"
    pump = Pump(read_fd, os.open(idle, os.O_WRONLY | os.O_CREAT), cap=10)
    first, second = tmp_path / "first", tmp_path / "second"
    pump.start_run(os.open(first, os.O_WRONLY | os.O_CREAT))
    os.write(write_fd, b"0123456789abcdef")
    os.write(write_fd, END_OF_RUN)
    assert pump.ended.wait(30)
    assert first.read_bytes() == b"0123456789\n[glue-emulator: output beyond 10 bytes dropped]\n"
    pump.start_run(os.open(second, os.O_WRONLY | os.O_CREAT))
    os.write(write_fd, b"ok" + END_OF_RUN[:4])  # one write: the pump reads it whole
    wait_until(second.read_bytes, "the pump to pass on b'ok'", until=lambda data: data == b"ok",
               timeout=30, interval=0.01)
    assert not pump.ended.is_set()  # the marker's start it read with b"ok" is held back, not taken for text
    os.write(write_fd, END_OF_RUN[4:] + b"idle")
    assert pump.ended.wait(30)
    wait_until(idle.read_bytes, "the idle output after the run", until=lambda data: data == b"idle",
               timeout=30, interval=0.01)
    assert second.read_bytes() == b"ok"
    os.close(write_fd)


def test_mount_target_is_a_percent_encoded_private_scheme_uri(tmp_path: Path) -> None:
    folder = tmp_path / "my bucket"
    assert mount_target(folder) == "gluelocal://" + str(folder.resolve()).replace(" ", "%20")


# -- running scripts ---------------------------------------------------------------------------------


def test_csv_to_parquet_through_s3_paths(pool: SparkPool, tmp_path: Path, s3: Path) -> None:
    (s3 / "raw" / "in").mkdir(parents=True)
    (s3 / "raw" / "in" / "people.csv").write_text("name,age\nann,31\nbob,42\n")
    (s3 / "curated").mkdir(parents=True)  # created after the pool warmed up: mounted per run
    succeeded(run(pool, tmp_path, """
        from pyspark.context import SparkContext
        from pyspark.sql import SparkSession
        spark = SparkSession.builder.getOrCreate()
        df = spark.read.option("header", "true").option("inferSchema", "true").csv("s3://raw/in/")
        df.write.mode("overwrite").parquet("s3a://curated/people/")
    """))
    written = sorted(p.name for p in (s3 / "curated" / "people").iterdir())
    assert written[0] == "_SUCCESS" and len(written) == 2, written
    assert written[1].startswith("part-00000-") and written[1].endswith(".snappy.parquet")
    read_back = succeeded(run(pool, tmp_path, """
        from pyspark.sql import SparkSession
        spark = SparkSession.builder.getOrCreate()
        rows = spark.read.parquet("s3n://curated/people").orderBy("name").collect()
        print([(r.name, r.age) for r in rows])
    """))
    assert read_back.log("output") == "[('ann', 31), ('bob', 42)]\n"


def test_warm_trivial_runs_reuse_the_session(pool: SparkPool, tmp_path: Path) -> None:
    """How fast they are is measured by tests/benchmarks/bench_job_start.py."""
    for _ in range(3):
        submitted = succeeded(run(pool, tmp_path, """
            from pyspark.sql import SparkSession
            print(SparkSession.builder.getOrCreate().range(10).count())
        """))
        assert submitted.log("output") == "10\n"


def test_megabytes_of_output_arrive_whole(pool: SparkPool, tmp_path: Path) -> None:
    submitted = succeeded(run(pool, tmp_path, """
        import sys
        for i in range(30000):
            print(f"{i:099d}")
        sys.stderr.write("no newline at the end")
    """))
    output = submitted.log("output")
    assert len(output) == 3_000_000 and output.endswith(f"{29999:099d}\n")
    assert submitted.log("error") == "no newline at the end"


def test_failing_script_reports_its_exception(pool: SparkPool, tmp_path: Path) -> None:
    failed = run(pool, tmp_path, """
        print("before")
        total = 1 / 0
    """)
    assert failed.outcomes == [RunOutcome("FAILED", "ZeroDivisionError: division by zero")]
    assert failed.log("output") == "before\n"
    error = failed.log("error")
    assert error.startswith("Traceback (most recent call last):\n  File \"" + str(failed.spec.script)), error
    assert "runpy" not in error and error.endswith("ZeroDivisionError: division by zero\n")


def test_spark_error_shows_spark_message(pool: SparkPool, tmp_path: Path, s3: Path) -> None:
    (s3 / "raw").mkdir(exist_ok=True)
    failed = run(pool, tmp_path, """
        from pyspark.sql import SparkSession
        SparkSession.builder.getOrCreate().read.csv("s3://raw/missing/")
    """)
    message = "AnalysisException: [PATH_NOT_FOUND] Path does not exist: s3://raw/missing."
    assert failed.outcomes == [RunOutcome("FAILED", message)]


def test_syntax_error(pool: SparkPool, tmp_path: Path) -> None:
    failed = run(pool, tmp_path, "def broken(:\n")
    assert failed.outcomes[0].state == "FAILED"
    assert failed.outcomes[0].error_message == f"SyntaxError: invalid syntax ({failed.spec.script.name}, line 1)"


def test_runs_are_isolated(pool: SparkPool, tmp_path: Path) -> None:
    """Temp views, SQL conf, UDFs, globals, modules, sys.path, environment and cwd do not leak."""
    lib_v1, lib_v2 = tmp_path / "v1" / "helper.py", tmp_path / "v2" / "helper.py"
    lib_v1.parent.mkdir()
    lib_v2.parent.mkdir()
    lib_v1.write_text("VERSION = 1\n")
    lib_v2.write_text("VERSION = 2\n")
    first = succeeded(run(pool, tmp_path, """
        import builtins, os, sys
        import helper
        from pyspark.sql import SparkSession
        spark = SparkSession.builder.getOrCreate()
        spark.range(3).createOrReplaceTempView("leaky_view")
        spark.range(3).createOrReplaceGlobalTempView("leaky_global")
        spark.conf.set("spark.sql.shuffle.partitions", "7")
        spark.udf.register("leaky_udf", lambda x: x)
        spark.sql("CREATE TABLE leaky_table (id INT) USING parquet")
        builtins.LEAKY = True
        os.environ["LEAKY_ENV"] = "1"
        open("leaky-file", "w").close()
        print(helper.VERSION, os.environ["RUN_ENV"], spark.conf.get("spark.sql.shuffle.partitions"))
    """, env={"RUN_ENV": "first"}, extra_py_files=[lib_v1]))
    assert first.log("output") == "1 first 7\n"
    second = succeeded(run(pool, tmp_path, """
        import builtins, os, sys
        import helper
        from pyspark.sql import SparkSession
        spark = SparkSession.builder.getOrCreate()
        names = [t.name for t in spark.catalog.listTables()]
        functions = [f.name for f in spark.catalog.listFunctions() if f.name.startswith("leaky")]
        globals_ = [r[1] for r in spark.sql("SHOW VIEWS IN global_temp").collect()]
        print(names, functions, globals_, spark.conf.get("spark.sql.shuffle.partitions"))
        print(hasattr(builtins, "LEAKY"), "LEAKY_ENV" in os.environ, os.environ.get("RUN_ENV"), os.listdir("."))
        print(helper.VERSION, [p for p in sys.path if p.endswith(("v1", "v2"))] == [os.path.dirname(helper.__file__)])
    """, env={"RUN_ENV": "second"}, extra_py_files=[lib_v2]))
    assert second.log("output") == "[] [] [] 4\nFalse False second []\n2 True\n", second.log("output")


def test_extra_py_files_reach_python_udf_workers(pool: SparkPool, tmp_path: Path) -> None:
    """Functions of --extra-py-files modules run in PySpark's Python workers, in their current version."""
    outputs = []
    for version in (1, 2):
        module = tmp_path / f"lib{version}" / "scaling.py"
        module.parent.mkdir()
        module.write_text(f"def scale(x):\n    return x * {version}\n")
        submitted = succeeded(run(pool, tmp_path, """
            from pyspark.sql import SparkSession
            from scaling import scale
            print(SparkSession.builder.getOrCreate().sparkContext.parallelize([1, 2, 3], 2).map(scale).collect())
        """, extra_py_files=[module]))
        outputs.append(submitted.log("output"))
    assert outputs == ["[1, 2, 3]\n", "[2, 4, 6]\n"]


def test_script_globals_do_not_leak(pool: SparkPool, tmp_path: Path) -> None:
    """A module-level global of one script is not a global of the next (fresh __main__)."""
    succeeded(run(pool, tmp_path, "RUN_GLOBAL = 1\n"))
    second = succeeded(run(pool, tmp_path, "print('RUN_GLOBAL' in globals(), __name__)\n"))
    assert second.log("output") == "False __main__\n"


def test_spark_conf_applies_sql_settings_and_names_the_rest(pool: SparkPool, tmp_path: Path) -> None:
    submitted = succeeded(run(pool, tmp_path, """
        from pyspark.sql import SparkSession
        spark = SparkSession.builder.getOrCreate()
        print(spark.conf.get("spark.sql.shuffle.partitions"), spark.conf.get("spark.sql.session.timeZone"))
    """, spark_conf={"spark.sql.shuffle.partitions": "11", "spark.sql.session.timeZone": "UTC",
                     "spark.executor.memory": "4g"}))
    assert submitted.log("output") == "11 UTC\n"
    assert "glue-emulator: --conf spark.executor.memory is not applied on a warm Spark driver" in submitted.log("error")


def test_glue_style_context_handling_then_normal_run(pool: SparkPool, tmp_path: Path) -> None:
    """SparkContext() gives the warm context; sc.stop(), spark.stop() and sys.exit(0) end the run well."""
    first = succeeded(run(pool, tmp_path, """
        import os, sys
        from awsglue.utils import getResolvedOptions
        from pyspark import SparkConf
        from pyspark.context import SparkContext
        from pyspark.sql import SparkSession
        sc = SparkContext(conf=SparkConf().setAppName("mine").set("spark.sql.shuffle.partitions", "5"))
        assert SparkContext.getOrCreate() is sc
        spark = SparkSession(sc)
        print(spark.range(4).count(), spark.conf.get("spark.sql.shuffle.partitions"))
        options = getResolvedOptions(sys.argv, ["JOB_NAME", "day"])
        print(options["JOB_NAME"], options["day"], sorted(k for k in os.environ if k.startswith("AWS_")))
        spark.stop()
        sc.stop()
        sys.exit(0)
    """, env={"AWS_REGION": "eu-west-1"}, args=["--day", "monday"]))
    assert first.log("output") == "4 5\njob monday ['AWS_REGION']\n"
    assert "spark.app.name" not in first.log("error")
    second = succeeded(run(pool, tmp_path, """
        from pyspark.context import SparkContext
        sc = SparkContext.getOrCreate()
        print(sc.parallelize(range(5)).sum())
    """))
    assert second.log("output") == "10\n"


def test_nonzero_exit_fails_with_exit_code(pool: SparkPool, tmp_path: Path) -> None:
    failed = run(pool, tmp_path, "import sys\nsys.exit(3)\n")
    assert failed.outcomes == [RunOutcome("FAILED", "Command failed with exit code 3")]


def test_queued_run_waits_for_a_worker_and_can_be_stopped(pool: SparkPool, tmp_path: Path) -> None:
    sleeper = "import time\ntime.sleep(2)\nprint('slept')\n"
    busy = [submit(pool, tmp_path, sleeper) for _ in range(2)]
    queued = submit(pool, tmp_path, "print('never')\n")
    waiting = submit(pool, tmp_path, "print('ran after a worker freed')\n")
    queued.handle.stop()
    assert queued.wait(30) == RunOutcome("STOPPED")
    assert not queued.spec.log_dir.exists()
    for submitted in busy:
        assert submitted.wait() == RunOutcome("SUCCEEDED") and submitted.log("output") == "slept\n"
    assert succeeded(waiting).log("output") == "ran after a worker freed\n"
    assert waiting.elapsed > 1.5


def test_crashes_fail_the_run_and_workers_are_replaced(pool: SparkPool, tmp_path: Path) -> None:
    crashed = submit(pool, tmp_path, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")
    jvm_killed = submit(pool, tmp_path, """
        import os, signal
        from pyspark import SparkContext
        os.kill(SparkContext._gateway.proc.pid, signal.SIGKILL)
        SparkContext.getOrCreate().parallelize([1]).count()
    """)
    assert crashed.wait() == RunOutcome("FAILED", "The Spark driver process was killed by SIGKILL during the run")
    assert jvm_killed.wait() == RunOutcome("FAILED", "The Spark driver's JVM ended during the run (killed by SIGKILL)")
    assert "Traceback" in jvm_killed.log("error")
    # The next test's runs are served by the replacements.


def test_stop_and_timeout_kill_their_workers_and_the_pool_goes_on(pool: SparkPool, tmp_path: Path) -> None:
    """Runs on the workers that replaced the crashed ones; the shutdown test then meets their successors."""
    long_run = submit(pool, tmp_path, """
        import time
        from pyspark.sql import SparkSession
        print("started", flush=True)
        SparkSession.builder.getOrCreate().range(1).foreach(lambda _: time.sleep(600))
    """)
    timed_out = submit(pool, tmp_path, "import time\nwhile True:\n    time.sleep(0.1)\n", timeout=1.5)
    timed_out_start = wait_started(timed_out)
    wait_started(long_run, "started")
    long_run.handle.stop()
    assert long_run.wait(10) == RunOutcome("STOPPED")
    long_run.handle.stop()  # a second stop changes nothing
    assert timed_out.wait() == RunOutcome("TIMEOUT")
    since_start = timed_out.started + timed_out.elapsed - timed_out_start
    assert since_start >= 1.2, since_start  # the timeout counts from the run's start on a worker, not from submit
    timed_out.handle.stop()
    assert timed_out.outcomes == [RunOutcome("TIMEOUT")]


def test_a_driver_that_does_not_clean_up_after_its_run_is_replaced(pool: SparkPool, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The outcome is sent before the driver cleans up, so no run's Timeout covers the clean-up: a script can leave
    what blocks it (here a finalizer the collection after the run calls), and the pool replaces such a driver."""
    monkeypatch.setattr(spark_pool_module, "CLEANING_TIMEOUT", 2.0)
    stuck = succeeded(run(pool, tmp_path, """
        import gc, os, time
        print("pid", os.getpid(), flush=True)
        class Holder:
            def __del__(self):
                time.sleep(600)
        first, second = Holder(), Holder()
        first.other, second.other = second, first
        gc.collect()  # now in the oldest generation: only the full collection after the run meets the cycle
        del first, second
    """))
    pid = int(stuck.log("output").split()[1])
    wait_until(lambda: alive(pid), f"the stuck driver {pid} to be replaced", until=lambda up: not up, timeout=WAIT,
               interval=0.1)
    assert pool.wait_warm(WAIT)
    assert "after" in succeeded(run(pool, tmp_path, "print('after')\n")).log("output")


def test_crash_outcomes() -> None:
    assert _crash_outcome(4) == RunOutcome("FAILED", "Command failed with exit code 4")
    assert _crash_outcome(0) == RunOutcome("SUCCEEDED")
    assert _crash_outcome(-11) == RunOutcome("FAILED", "The Spark driver process was killed by SIGSEGV during the run")


def test_a_driver_that_cannot_start_fails_the_queued_runs(tmp_path: Path) -> None:
    emulator = Emulator(Settings(data_dir=tmp_path / "data", spark_master="nonsense://nowhere",
                                 spark_pool_size=1, spark_prewarm=False, durable=False))
    try:
        broken = emulator.component(SparkPool)
        failed = submit(broken, tmp_path, "print('never')\n")
        assert failed.wait() == RunOutcome("FAILED", (
            "The Spark driver could not start: PySparkRuntimeError: [JAVA_GATEWAY_EXITED] Java gateway process "
            "exited before sending its port number. (org.apache.spark.SparkException: Master must either be "
            "yarn or start with spark, mesos, k8s, or local)"))
    finally:
        emulator.shutdown()


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_shutdown_leaves_no_processes(pool: SparkPool, tmp_path: Path, data_dir: Path) -> None:
    """Last test of the module: it shuts the shared pool down."""
    marker = str((data_dir / "spark").resolve())
    assert len(_processes_mentioning(marker)) >= 2  # the JVMs carry their scratch folder in their command
    running = submit(pool, tmp_path, "import time\ntime.sleep(600)\n")
    wait_started(running)
    pool.shutdown()
    assert running.wait(10) == RunOutcome("STOPPED", "The emulator shut down during the run")
    assert _processes_mentioning(marker) == [] and os.path.isdir(data_dir / "s3")
