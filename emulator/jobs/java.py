"""Finding the Java that PySpark will start for a glueetl driver, before anything tries to start it.

PySpark's launcher (spark-class) runs `$JAVA_HOME/bin/java` when JAVA_HOME is set, else the first `java` on
PATH; without one the driver dies with a bare JAVA_GATEWAY_EXITED. So the Spark pool and `glue-emulator
doctor` look for it the same way first and can say what is missing and how to install it. Glue 5 runs Spark on
Java 17, the version we ask for; PySpark 3.5 also runs on Java 8 and 11.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .processes import kill_tree

# How to get Java 17, per operating system, for error messages and the doctor.
INSTALL_HELP = (
    "Install Java 17 (Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless; Fedora/RHEL: sudo dnf install "
    "java-17-openjdk-headless; macOS: brew install openjdk@17), or point JAVA_HOME at one and restart glue-emulator"
)
# `java -version` prints e.g. `openjdk version "17.0.15" 2025-04-15` or `java version "1.8.0_402"`.
_VERSION = re.compile(r'version "([^"]+)"')
_VERSION_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Java:
    """The Java PySpark would start: `path` and `version` (e.g. "17.0.15") when usable, else `problem`."""

    path: str | None
    version: str | None = None
    problem: str | None = None

    @property
    def major(self) -> int | None:
        """17 for "17.0.15", 8 for "1.8.0_402"; None when unknown."""
        if not self.version:
            return None
        parts = self.version.split(".")
        try:
            return int(parts[1]) if parts[0] == "1" and len(parts) > 1 else int(re.split(r"\D", parts[0])[0])
        except (ValueError, IndexError):
            return None


def find_java(env: Mapping[str, str] | None = None) -> Java:
    """Locate and run `java -version` as spark-class would find it (JAVA_HOME first, then PATH).

    Returns a Java with `problem` set (a sentence, without the install help) when there is none or it
    does not run, e.g. macOS's /usr/bin/java stub without a JDK behind it.
    """
    env = os.environ if env is None else env
    java_home = env.get("JAVA_HOME")
    if java_home:
        path = str(Path(java_home) / "bin" / "java")
        if not os.access(path, os.X_OK):
            return Java(None, problem=f"Java 17 is missing: JAVA_HOME is {java_home}, which has no bin/java")
    else:
        found = shutil.which("java", path=env.get("PATH", os.defpath))
        if found is None:
            return Java(None, problem="Java 17 is missing: JAVA_HOME is not set and there is no java on PATH")
        path = found
    try:
        result = subprocess.run([path, "-version"], check=False, capture_output=True, text=True, errors="replace",
                                timeout=_VERSION_TIMEOUT_SECONDS, env=dict(env))
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Java(path, problem=f"Java 17 is missing: {path} does not run ({exc})")
    output = (result.stderr + result.stdout).strip()
    match = _VERSION.search(output)
    if result.returncode != 0 or match is None:
        first = output.splitlines()[0] if output else f"exit status {result.returncode}"
        return Java(path, problem=f"Java 17 is missing: {path} -version fails ({first})")
    return Java(path, match.group(1))


class ClassArchive:
    """The JVM class-data sharing (AppCDS) archive of the Spark driver's classes, kept in the data dir.

    A driver JVM spends much of its start loading and verifying Spark's thousands of classes from jars;
    an archive of them, mapped at start, skips that. Java 17 writes a dynamic archive when a JVM started
    with -XX:ArchiveClassesAtExit exits normally, and pool workers are killed, never exited: so once the
    pool is warm, `record` runs one short PySpark session with that option (a bare session and a small
    aggregation) in the background, and every driver started after that uses -XX:SharedArchiveFile. The
    file is named after the Java and PySpark versions, so an upgrade records a new one; a JVM that
    cannot use an archive (another build, another classpath) ignores it and starts as without.

    `archive_dir` (default `work_dir`) may be shared by several servers' data dirs
    (GLUE_EMULATOR_SPARK_CLASS_ARCHIVE_DIR): the recording holds an exclusive lock on a file there, so one
    server records while the others go on without, and all use the archive once it is in place.
    """

    def __init__(self, work_dir: Path, archive_dir: Path | None = None):
        self._work_dir = work_dir
        self._archive_dir = archive_dir or work_dir
        self._recorder: subprocess.Popen[bytes] | None = None

    @cached_property
    def path(self) -> Path:
        """Where the archive is (looked up at the first driver's start: it runs `java -version`)."""
        return self._archive_dir / f"spark-classes-{_runtime_tag()}.jsa"

    def java_options(self) -> str:
        """The JVM option of a new driver: the archive's, once there is one."""
        return f"-XX:SharedArchiveFile={self.path}" if self.path.exists() else ""

    def record(self, settings: dict[str, str], env: Mapping[str, str], cwd: Path) -> None:
        """Start recording the archive in the background, unless it exists or is being recorded (here or, for a
        shared folder, by another process).

        `settings`: the Spark configuration of a driver (without the archive's option).
        """
        if self.path.exists() or (self._recorder is not None and self._recorder.poll() is None):
            return
        self._archive_dir.mkdir(parents=True, exist_ok=True)
        # The recorder inherits the lock and holds it while it runs; the kernel frees it however it ends.
        lock = os.open(self.path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # another process records it
            if self.path.exists():  # recorded meanwhile by the process that held the lock
                return
            partial = self.path.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            conf = dict(settings)
            conf["spark.driver.extraJavaOptions"] = (
                conf.get("spark.driver.extraJavaOptions", "") + f" -XX:ArchiveClassesAtExit={partial}"
            ).strip()
            with open(self._work_dir / "class-archive.log", "ab") as log:
                self._recorder = subprocess.Popen(
                    [sys.executable, "-c", _RECORDER, json.dumps(conf), str(partial), str(self.path)],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=cwd, env=dict(env),
                    start_new_session=True, pass_fds=(lock,),
                )
        finally:
            os.close(lock)

    def stop(self) -> None:
        """Kill a recording in progress (server shutdown); its partial file is never used."""
        if self._recorder is not None and self._recorder.poll() is None:
            kill_tree(self._recorder.pid)
            self._recorder.wait()


# One PySpark session whose JVM exits normally (stdin closed, as when its Python ends), so that it writes
# the archive; only a complete one is renamed into place.
_RECORDER = """
import json, os, sys
from pyspark import SparkConf, SparkContext
from pyspark.sql import SparkSession
spark = SparkSession.builder.config(conf=SparkConf().setAll(json.loads(sys.argv[1]).items())).getOrCreate()
spark.range(1000).selectExpr("id % 7 AS k").groupBy("k").count().collect()
jvm = SparkContext._gateway.proc
spark.stop()
jvm.stdin.close()
if jvm.wait(timeout=300) == 0 and os.path.getsize(sys.argv[2]) > 0:
    os.replace(sys.argv[2], sys.argv[3])
"""


def _runtime_tag() -> str:
    """What an archive is only valid for: the Java that runs Spark and PySpark's jars (its version)."""
    from importlib.metadata import PackageNotFoundError, version

    java = find_java()
    try:
        pyspark = version("pyspark")
    except PackageNotFoundError:
        pyspark = "none"
    return re.sub(r"[^\w.-]", "_", f"java{java.version or 'none'}-pyspark{pyspark}")
