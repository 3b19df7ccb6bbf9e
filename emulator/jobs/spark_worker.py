"""One warm Spark driver: a Python process holding a SparkSession, running glueetl scripts one by one.

Started by SparkPool (spark_pool.py) as `python -c <bootstrap> <config JSON>` in its own process
group, so killing the group also ends the JVM and PySpark's Python daemons. It talks to the pool over
a socket of JSON lines: it sends `{"event": "ready"}` once Spark is warm, then for each
`{"op": "run", ...}` it receives, runs the script and answers `{"event": "done", "state": ...}`.

Runs share the JVM (that is the point: starting it costs seconds) but nothing a script can observe:
each gets a fresh SparkSession (temp views, SQL conf, UDFs), a fresh `__main__`, its own sys.path,
environment, argv and working directory, and the Python modules it imported are dropped afterwards.
What the run and the JVM print goes to the run's logs (worker_output.py).
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import json
import logging
import os
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
from pathlib import Path
from queue import Queue
from typing import Any

# The S3 schemes Glue scripts use, mounted the same way in job runs and in users' own sessions;
# TARGET_SCHEME is the private scheme of the mount targets (a RawLocalFileSystem, no .crc side files).
from ..events import metrics, spark_counters
from ..jdbc import drivers as jdbc_drivers
from ..runtime.awsglue._local_s3 import SCHEMES as S3_SCHEMES
from ..runtime.awsglue._local_s3 import SQL_SETTINGS as S3_SQL_SETTINGS
from ..runtime.awsglue._local_s3 import TARGET_SCHEME as LOCAL_TARGET_SCHEME
from ..runtime.awsglue._local_s3 import mount_key, mount_target
from .processes import become_subreaper, children, kill_tree, reap
from .worker_output import OutputRouter

# Glue shows the failure's class and message; long Java messages are cut to stay readable.
MAX_ERROR_MESSAGE = 2048
# Thread-local job properties a script may set (runs all execute on the worker's main thread).
RUN_LOCAL_PROPERTIES = ("spark.scheduler.pool", "spark.job.description", "spark.jobGroup.id",
                        "spark.job.interruptOnCancel", "spark.job.tags")
# Exit status of a worker that retires itself after a run that broke its Spark driver.
EXIT_RETIRED = 3
# Spark's exit status for a JVM that died of java.lang.OutOfMemoryError (SparkExitCode.OOM).
SPARK_OOM_EXIT = 52
_JAVA_OOM = "java.lang.OutOfMemoryError"
# Seconds a driver whose JVM stopped answering waits for the JVM's process to end, to tell a JVM that ended (and
# how) from one that hangs.
_JVM_END_WAIT = 10.0


def spark_settings(master: str, scratch: Path, java_options: str = "") -> dict[str, str]:
    """The Spark configuration of a warm driver.

    Glue's own defaults are kept where users can see them (Spark's SQL defaults, _SUCCESS markers,
    WARN log level), except spark.sql.shuffle.partitions: 4 instead of 200, since local runs on small
    data spend most of their time scheduling empty partitions otherwise, and the SQL settings the local
    S3 file systems need (_local_s3.SQL_SETTINGS: listings without block locations).
    """
    settings = {
        "spark.master": master,
        "spark.app.name": "glue-emulator",
        "spark.driver.memory": "1g",
        # C1 only: the driver JVM starts and warms in about half the time on small machines, and the
        # small jobs run locally do not live long enough to profit from C2.
        # `java_options`: the class-data sharing archive's (java.py's ClassArchive).
        "spark.driver.extraJavaOptions": f"-XX:TieredStopAtLevel=1 {java_options}".strip(),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": "4",
        # A fresh Python worker (forked from PySpark's daemon) per task: a reused one would keep the
        # modules a previous run's UDFs imported (an old version of an --extra-py-files module).
        "spark.python.worker.reuse": "false",
        "spark.local.dir": str(scratch / "tmp"),
        "spark.sql.warehouse.dir": str(scratch / "warehouse"),
        "spark.sql.catalogImplementation": "in-memory",
        f"spark.hadoop.fs.{LOCAL_TARGET_SCHEME}.impl": "org.apache.hadoop.fs.RawLocalFileSystem",
    }
    jars = jdbc_drivers.classpath()  # JDBC sources and sinks of job scripts (emulator/jdbc/drivers.py)
    if jars:
        settings["spark.jars"] = ",".join(jars)
    if master.startswith("local"):
        settings["spark.driver.host"] = "127.0.0.1"
        settings["spark.driver.bindAddress"] = "127.0.0.1"
    for scheme in S3_SCHEMES:
        # Cached per bucket as Hadoop does by default (see _local_s3.hadoop_settings); refresh_mounts drops a
        # deleted bucket's cached file system with its mount.
        settings[f"spark.hadoop.fs.{scheme}.impl"] = "org.apache.hadoop.fs.viewfs.ViewFileSystemOverloadScheme"
    settings.update(S3_SQL_SETTINGS)  # listings that survive files renamed during them (S3 uploads)
    return settings


def describe_failure(exc: BaseException) -> str:
    """The ErrorMessage Glue shows: the exception's class and message, without Java stack frames."""
    try:
        text = str(exc)
    except Exception:  # a Py4J error whose JVM is gone cannot render itself
        text = ""
    lines = []
    for line in text.splitlines():
        if line.startswith("\tat ") or line.strip() == "JVM stacktrace:":
            break
        if line.strip():
            lines.append(line.strip())
    message = " ".join(lines)
    message = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    if len(message) > MAX_ERROR_MESSAGE:
        message = message[: MAX_ERROR_MESSAGE - 3] + "..."
    return message


def exit_outcome(code: object) -> tuple[str, str | None]:
    """sys.exit() in a script: 0/None succeed; anything else fails as Glue reports a non-zero exit.

    Python exits with status 1 for a non-integer code (after printing it), so that is the status shown.
    """
    if code is None or code == 0:
        return "SUCCEEDED", None
    if not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    return "FAILED", f"Command failed with exit code {code}"


def how_it_ended(returncode: int) -> str:
    """A process's end in words: "exit code 4", "killed by SIGKILL"."""
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


class _SavedState:
    """What a script can change in this process, captured before the run and put back after it."""

    def __init__(self) -> None:
        self.modules = set(sys.modules)
        self.path = list(sys.path)
        self.argv = list(sys.argv)
        self.environ = dict(os.environ)
        self.cwd = os.getcwd()
        self.streams = (sys.stdout, sys.stderr, sys.stdin)
        self.builtins = dict(vars(builtins))
        self.warning_filters = list(warnings.filters)
        root = logging.getLogger()
        self.root_logging = (list(root.handlers), root.level)
        self.loggers = set(logging.Logger.manager.loggerDict)

    def restore(self, library_dirs: tuple[str, ...]) -> None:
        sys.stdout, sys.stderr, sys.stdin = self.streams
        names = vars(builtins)
        names.clear()
        names.update(self.builtins)
        os.chdir(self.cwd)
        os.environ.clear()
        os.environ.update(self.environ)
        sys.argv[:] = self.argv
        sys.path[:] = self.path
        warnings.filters[:] = self.warning_filters
        handlers, level = self.root_logging
        root = logging.getLogger()
        root.handlers[:] = handlers
        root.setLevel(level)
        for name in set(logging.Logger.manager.loggerDict) - self.loggers:
            logger = logging.Logger.manager.loggerDict[name]
            if isinstance(logger, logging.Logger):  # kept: library modules hold their loggers
                logger.handlers.clear()
                logger.setLevel(logging.NOTSET)
        for name in set(sys.modules) - self.modules:
            # Modules of the installed environment stay (dropping numpy or pandas breaks their C
            # extensions, and they do not change between runs); the script's own modules and those
            # of --extra-py-files go, so the next run imports their current version.
            origin = _module_origin(sys.modules.get(name))
            if origin and not origin.startswith(library_dirs):
                sys.modules.pop(name, None)


def _module_origin(module: object) -> str:
    """Where a module was loaded from; "" for built-in ones (always kept)."""
    origin = getattr(module, "__file__", None)
    if origin is None:
        origin = next(iter(getattr(module, "__path__", None) or ()), None)
    return str(Path(origin).resolve()) if origin else ""


def _library_dirs() -> tuple[str, ...]:
    """Where the modules that stay loaded between runs come from: Python's, the environment's, awsglue."""
    import sysconfig

    from emulator.runtime import PATH as glue_library

    dirs = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    dirs.add(glue_library)
    return tuple(str(Path(d).resolve()) + os.sep for d in dirs) + tuple(d + os.sep for d in dirs)


class WarmDriver:
    """The worker's SparkContext and the per-run setup and cleanup around it."""

    def __init__(self, config: dict[str, Any]):
        from pyspark import SparkConf
        from pyspark.sql import SparkSession

        self.s3_root = Path(config["s3_root"])
        self.scratch = Path(config["scratch"])
        self.runs_dir = self.scratch / "runs"  # the runs' working directories
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        conf = SparkConf()
        for key, value in spark_settings(config["master"], self.scratch, config.get("java_options", "")).items():
            conf.set(key, value)
        self.spark = SparkSession.builder.config(conf=conf).getOrCreate()
        self.sc = self.spark.sparkContext
        self.base_includes = list(self.sc._python_includes)
        self.launch_conf = dict(self.sc.getConf().getAll())
        self.mounted: dict[str, str] = {}
        self.library_dirs = _library_dirs()
        self.run_session: Any = None
        self._guard_shared_context()
        self._warm_up()
        # What is alive now (PySpark, py4j, the modules warm-up imported) lives as long as the driver: frozen, it
        # is left out of the collection after each run (tidy), which scanned it all for 20-60 ms.
        gc.freeze()

    def _guard_shared_context(self) -> None:
        """Scripts written for Glue construct and stop their SparkContext; here it is shared.

        `SparkContext(...)` returns the warm context (Spark SQL settings of its conf go to the run's
        session), `sc.stop()` and `spark.stop()` do nothing: the JVM outlives the run.
        """
        from pyspark import SparkContext
        from pyspark.sql import SparkSession

        driver = self
        original_init = SparkContext.__init__

        def new_context(cls: type, *args: Any, **kwargs: Any) -> Any:
            active = SparkContext._active_spark_context
            return active if active is not None and cls is SparkContext else object.__new__(cls)

        def init_context(context: Any, *args: Any, **kwargs: Any) -> None:
            if context is not SparkContext._active_spark_context:
                original_init(context, *args, **kwargs)
                return
            conf = kwargs.get("conf") or next((a for a in args if hasattr(a, "getAll")), None)
            if conf is not None and driver.run_session is not None:
                # A SparkConf made in the script also holds the warm driver's own launch settings.
                wanted = {k: v for k, v in conf.getAll() if driver.launch_conf.get(k) != v}
                driver.apply_conf(wanted, quiet=("spark.master", "spark.app.name"))

        SparkContext.__new__ = staticmethod(new_context)  # type: ignore[assignment]
        SparkContext.__init__ = init_context  # type: ignore[method-assign]
        SparkContext.stop = lambda self: None  # type: ignore[method-assign]
        SparkSession.stop = lambda self: None  # type: ignore[method-assign]

    def _warm_up(self) -> None:
        """Load the classes a first real run would (query planning, CSV, Parquet) before any run."""
        folder = (self.scratch / "warm-up").as_uri()
        self.spark.range(100).selectExpr("id", "id % 7 AS k").groupBy("k").count().collect()
        self.spark.range(10).write.mode("overwrite").parquet(folder + "/parquet")
        self.spark.read.parquet(folder + "/parquet").count()
        self.spark.range(10).write.mode("overwrite").csv(folder + "/csv")
        self.spark.read.csv(folder + "/csv").count()
        shutil.rmtree(self.scratch / "warm-up", ignore_errors=True)
        for name in ("pyspark.sql.functions", "pyspark.sql.types", "boto3", "awsglue.context", "awsglue.job",
                     "awsglue.transforms", "awsglue.utils"):
            with contextlib.suppress(Exception):  # optional: only saves the first run that imports it some time
                __import__(name)

    def refresh_mounts(self) -> None:
        """Mount every bucket folder that exists now (buckets are created at any time)."""
        hadoop = self.sc._jsc.hadoopConfiguration()
        try:
            entries = list(os.scandir(self.s3_root))
        except FileNotFoundError:
            entries = []
        folders = {e.name: Path(e.path) for e in entries if e.is_dir() and not e.name.startswith(".")}
        for bucket in set(self.mounted) - set(folders):
            # Closing a cached file system takes it out of Hadoop's cache: a later use of the bucket fails as
            # a bucket with no mount does, instead of writing through a file system made while it existed.
            for scheme in S3_SCHEMES:
                uri = self.sc._jvm.java.net.URI(f"{scheme}://{bucket}/")
                self.sc._jvm.org.apache.hadoop.fs.FileSystem.get(uri, hadoop).close()
            hadoop.unset(mount_key(bucket))
            del self.mounted[bucket]
        for bucket, folder in folders.items():
            target = mount_target(folder)
            if self.mounted.get(bucket) != target:
                hadoop.set(mount_key(bucket), target)
                self.mounted[bucket] = target

    def apply_conf(self, conf: dict[str, str], quiet: tuple[str, ...] = ()) -> None:
        """Set what Spark allows on a running session (SQL settings); say what it refuses.

        Core and static settings (memory, cores, extensions, catalog implementation) are fixed when
        the JVM starts, so they cannot follow a run's --conf on a warm driver.
        """
        for key, value in conf.items():
            try:
                self.run_session.conf.set(key, value)
            except Exception as exc:
                if key not in quiet:
                    reason = describe_failure(exc).split(". ")[0]
                    print(f"glue-emulator: --conf {key} is not applied on a warm Spark driver ({reason})",
                          file=sys.stderr)

    def start_run(self, request: dict[str, Any]) -> None:
        """A fresh session, made the one every way of asking for a session returns."""
        from pyspark.sql import SparkSession

        self.refresh_mounts()
        session = self.spark.newSession()
        self.run_session = session
        SparkSession._instantiatedSession = session
        SparkSession._activeSession = session
        jvm_session = self.sc._jvm.SparkSession
        jvm_session.setDefaultSession(session._jsparkSession)
        jvm_session.setActiveSession(session._jsparkSession)
        self.apply_conf(request.get("spark_conf") or {})
        self.sc._python_includes = self.base_includes + list(request["python_paths"])
        for jar in request.get("extra_jars") or ():
            # --extra-jars: ADD JAR puts the jar on the executors' classpath and on the session's class loader,
            # which the script's thread (py4j pins it to one JVM thread) then loads classes with. The JVM keeps
            # it: run_script retires this driver after the run, so no later run sees the classes.
            session.sql("ADD JAR '" + jar.replace("\\", "\\\\").replace("'", "\\'") + "'")

    def end_run(self) -> None:
        """Drop what a session leaves in the state all sessions share: caches, global views, tables."""
        from pyspark.sql import SparkSession, SQLContext

        self.run_session = None
        self.sc._python_includes = list(self.base_includes)
        SparkSession._instantiatedSession = self.spark
        SparkSession._activeSession = self.spark
        SQLContext._instantiatedContext = None
        jvm_session = self.sc._jvm.SparkSession
        jvm_session.setDefaultSession(self.spark._jsparkSession)
        jvm_session.setActiveSession(self.spark._jsparkSession)
        shared = self.spark._jsparkSession.sharedState()
        self.spark.catalog.clearCache()
        shared.globalTempViewManager().clear()
        catalog = shared.externalCatalog()
        for database in _names(catalog.listDatabases()):
            for table in _names(catalog.listTables(database)):
                location = catalog.getTable(database, table).storage().locationUri()
                if location.isDefined() and _on_s3(location.get()):
                    _forget(catalog, database, table)  # a Data Catalog table's files are the user's data
                else:
                    catalog.dropTable(database, table, True, True)
            if database != "default":
                if _on_s3(catalog.getDatabase(database).locationUri()):
                    _forget(catalog, database, None)
                else:
                    catalog.dropDatabase(database, True, True)
        self.sc.setLogLevel("WARN")
        for key in RUN_LOCAL_PROPERTIES:
            self.sc.setLocalProperty(key, None)

    def tidy(self) -> None:
        """What can wait until the outcome is sent: the run's files, Python's garbage."""
        for leftover in self.runs_dir.iterdir():
            shutil.rmtree(leftover, ignore_errors=True)
        gc.collect()

    def jvm_failure(self) -> str | None:
        """Why this driver cannot serve another run, if it cannot (its JVM died or was stopped)."""
        from pyspark import SparkContext

        process = getattr(SparkContext._gateway, "proc", None)
        if process is not None and process.poll() is not None:
            return self._jvm_ended(process.returncode)
        try:
            if self.sc._jsc.sc().isStopped():
                return self._ended_meanwhile(process) or "The script stopped the Spark driver's JVM context"
        except Exception as exc:
            return (self._ended_meanwhile(process)
                    or f"The Spark driver's JVM stopped answering ({describe_failure(exc)})")
        return None

    def _ended_meanwhile(self, process: subprocess.Popen[bytes] | None) -> str | None:
        """How the JVM ended, if it does within _JVM_END_WAIT seconds. A JVM that is ending (killed, or out of memory:
        exit code 52) stops answering, and stops its SparkContext in its shutdown hooks, before its process has
        ended (its threads and heap take a moment to go): waiting tells that end from a script's doing."""
        if process is None:
            return None
        with contextlib.suppress(subprocess.TimeoutExpired):
            return self._jvm_ended(process.wait(timeout=_JVM_END_WAIT))
        return None

    def _jvm_ended(self, returncode: int) -> str:
        if returncode == SPARK_OOM_EXIT:
            return self.out_of_memory(f"{_JAVA_OOM}; the JVM ended with exit code {SPARK_OOM_EXIT}")
        return f"The Spark driver's JVM ended during the run ({how_it_ended(returncode)})"

    def out_of_memory(self, detail: str) -> str:
        """The ErrorMessage of a run whose driver JVM ran out of memory (in local mode the executors are
        threads of the driver: the driver's heap is all the run had)."""
        memory = self.launch_conf.get("spark.driver.memory", "1g")
        return f"The Spark driver ran out of memory (its heap, spark.driver.memory, is {memory}): {detail}"


def _print_script_traceback(exc: BaseException, script: Path) -> None:
    """The traceback as `python script.py` prints it: from the script's frame, without runpy's."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != str(script):
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb)


def _on_s3(uri: Any) -> bool:
    return str(uri.getScheme() or "").lower() in ("s3", "s3a", "s3n")


def _forget(catalog: Any, database: str, table: str | None) -> None:
    """Remove a table (or an emptied database) from the in-memory catalog without deleting its files,
    which dropping them would (the catalog's map is private, hence reflection)."""
    unwrapped = catalog.unwrapped()
    for field in unwrapped.getClass().getDeclaredFields():
        if field.getType().getName() == "scala.collection.mutable.HashMap":
            field.setAccessible(True)
            databases = field.get(unwrapped)
            if table is None:
                databases.remove(database)
            else:
                databases.apply(database).tables().remove(table)


def _names(seq: Any) -> list[str]:
    """A Scala Seq[String] in one Py4J call."""
    joined = seq.mkString("\n")
    return joined.split("\n") if joined else []


def use_run_identity(env: dict[str, str]) -> None:
    """The run's environment, and with it its AWS account, region and credentials for boto3.

    AWS_* variables of the worker or an earlier run are dropped, and boto3's default session is
    forgotten: it keeps the credentials and region it resolved first for the life of the process, so
    on a warm worker every later run would act as the first run's account.
    """
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    os.environ.update(env)
    boto3 = sys.modules.get("boto3")
    if boto3 is not None:
        boto3.DEFAULT_SESSION = None


def run_script(request: dict[str, Any], driver: WarmDriver, router: OutputRouter) -> dict[str, Any]:
    """Run one script in isolation; the outcome as the pool reports it."""
    log_dir = Path(request["log_dir"])
    router.begin(log_dir)
    saved = _SavedState()
    workdir = Path(tempfile.mkdtemp(prefix="run-", dir=driver.runs_dir))
    state, message = "SUCCEEDED", None
    script = Path(request["script"])
    # The processes that outlive runs (the JVM, PySpark's daemon): everything else the run starts ends with it.
    # Only the worker's children: kill_tree skips the whole subtree of an excluded process, and walking the
    # JVM's (a children file per thread, ~100 threads) took 5-7 ms a run.
    resident = frozenset(children(os.getpid()))
    # --enable-metrics: the run's Spark counts are the change from here (a warm driver serves many runs)
    before = spark_counters.snapshot(driver.sc) if metrics.enabled(request.get("argv") or []) else None
    started = time.monotonic()
    try:
        driver.start_run(request)
        use_run_identity(request.get("env") or {})
        sys.argv[:] = list(request.get("argv") or [str(script)])
        sys.path[:0] = [str(script.parent), *request["python_paths"], str(workdir)]
        os.chdir(workdir)
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exc:
        state, message = exit_outcome(exc.code)
    except BaseException as exc:
        _print_script_traceback(exc, script)
        state, message = "FAILED", describe_failure(exc)
        if _JAVA_OOM in message:
            message = driver.out_of_memory(message)
    finally:
        # Orphans of the run were re-parented to this worker (a subreaper): they are found too.
        reap(kill_tree(os.getpid(), include_root=False, exclude=resident))
        router.end()
        saved.restore(driver.library_dirs)
    outcome: dict[str, Any] = {"state": state, "error_message": message}
    if sys.stdout.closed or sys.stderr.closed:  # the script closed them: no later run could print
        outcome["retire"] = True
    if request.get("extra_jars"):  # their classes stay in the JVM (see WarmDriver.start_run)
        outcome["retire"] = True
    failure = driver.jvm_failure()
    if failure is not None:
        # The script broke the shared driver: its own error is then a symptom, this is the cause.
        if state != "SUCCEEDED":
            outcome["error_message"] = failure
        outcome["retire"] = True
    elif before is not None:
        try:
            elapsed_ms = round((time.monotonic() - started) * 1000)
            outcome["metrics"] = spark_counters.run_counts(driver.sc, before, elapsed_ms)
        except Exception:
            traceback.print_exc()  # to the worker's log: the run keeps its outcome, without metrics
    return outcome


def clean_up(driver: WarmDriver) -> bool:
    """Make the driver fit for the next run after a run's outcome is sent; False if it cannot be (retire it)."""
    try:
        driver.end_run()
    except Exception:
        traceback.print_exc()  # to the worker's log; a driver that cannot be cleaned is replaced
        return False
    driver.tidy()
    return True


class Channel:
    """The socket to the pool: JSON lines both ways; losing the pool ends the whole process group."""

    def __init__(self, fd: int):
        self._sock = socket.socket(fileno=fd)
        self._reader = self._sock.makefile("rb")
        self._writer = self._sock.makefile("wb")
        self._send_lock = threading.Lock()
        self.requests: Queue[dict[str, Any]] = Queue()
        threading.Thread(target=self._read, name="pool-channel", daemon=True).start()

    def _read(self) -> None:
        for line in self._reader:
            self.requests.put(json.loads(line))
        _end_process_group()

    def send(self, **message: Any) -> None:
        with self._send_lock:
            self._writer.write(json.dumps(message).encode() + b"\n")
            self._writer.flush()


def _end_process_group() -> None:
    """The pool is gone: take the JVM and PySpark daemons (same process group) down with us."""
    if os.getpgid(0) == os.getpid():
        os.killpg(os.getpid(), signal.SIGKILL)
    os._exit(1)


def main(argv: list[str]) -> int:
    config = json.loads(argv[0])
    become_subreaper()  # processes a run detaches (setsid, double fork) stay below the worker
    channel = Channel(int(config["fd"]))
    router = OutputRouter()
    # The bootstrap's own entries ('' and the emulator's root it put first) are not the scripts' business;
    # the emulator's awsglue library is, ahead of any awsglue installed in the environment. Only that first
    # entry goes: for an installed emulator the root is site-packages, listed again later, where pyspark is.
    from emulator.runtime import PATH as glue_library

    if sys.path and sys.path[0] == config.get("source_root"):
        del sys.path[0]
    sys.path[:] = [glue_library] + [p for p in sys.path if p]
    try:
        driver = WarmDriver(config)
    except BaseException as exc:
        traceback.print_exc()
        channel.send(event="failed", message=describe_failure(exc))
        return 1
    channel.send(event="ready")
    while True:
        request = channel.requests.get()
        outcome = run_script(request, driver, router)
        # The run ends for its caller when its script does: the pool gives the driver no other run until
        # "ready" says it is clean again (end_run, then tidy's collection, took about 10-40 ms a run).
        channel.send(event="done", run_id=request["run_id"], **outcome)
        if outcome.get("retire") or not clean_up(driver):
            return EXIT_RETIRED
        channel.send(event="ready")

