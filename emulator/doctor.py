"""`glue-emulator doctor`: what a machine lacks to serve the emulator and run Spark jobs, and how to fix it.

Each check returns a `Check`: "ok", "warn" (works, but differs from Glue or is worth knowing), "fail" (something
the emulator needs is missing: the command exits 1) or "optional" (only some jobs need it). The checks look but
change nothing: the data dir is not created, the port is bound for an instant and let go.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .config import Settings
from .jdbc import drivers
from .jobs.java import INSTALL_HELP, find_java

# Glue 5.0 and 5.1 run job scripts on Python 3.11 and Spark on Java 17.
GLUE_PYTHON = (3, 11)
GLUE_JAVA = 17
# A Spark session started from cold; under load on 2 cores this has taken over a minute.
_SPARK_START_TIMEOUT_SECONDS = 300.0
_SPARK_PROBE = (
    "from pyspark.sql import SparkSession\n"
    "spark = (SparkSession.builder.master('local[1]').appName('glue-emulator-doctor')"
    ".config('spark.ui.enabled', 'false').getOrCreate())\n"
    "assert spark.range(3).count() == 3\n"
    "spark.stop()\n"
)
@dataclass(frozen=True)
class Check:
    """One finding: `status` is ok, warn, fail or optional; `fix` says what to do when it is not ok."""

    name: str
    status: str
    detail: str
    fix: str | None = None


def _other_port_hint(port: int) -> str:
    other = 4567 if port == 4566 else port + 1
    return f"pick another with --port {other} or GLUE_EMULATOR_PORT={other} (--port 0 picks a free one)"


def port_in_use_message(host: str, port: int) -> str:
    """The one line `serve` prints when its port is taken (LocalStack's default is 4566 too)."""
    return (f"glue-emulator: port {port} on {host} is already in use (another glue-emulator or LocalStack?); "
            + _other_port_hint(port))


def check_python() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    detail = f"Python {version} ({sys.executable}); job scripts run on this interpreter"
    if sys.version_info[:2] != GLUE_PYTHON:
        return Check("python", "warn", f"{detail}; Glue 5 runs them on Python 3.11",
                     "use a Python 3.11 virtual environment to match Glue exactly")
    return Check("python", "ok", detail)


def check_java() -> Check:
    java = find_java()
    if java.problem is not None:
        return Check("java", "fail", java.problem, INSTALL_HELP)
    detail = f"Java {java.version} ({java.path})"
    if java.major != GLUE_JAVA:
        return Check("java", "warn", f"{detail}; Glue 5 runs Spark on Java 17 (PySpark 3.5 also runs on 8 and 11)",
                     INSTALL_HELP)
    return Check("java", "ok", detail)


def check_pyspark() -> Check:
    try:
        import pyspark
    except ImportError as exc:
        return Check("pyspark", "fail", f"PySpark cannot be imported ({exc})",
                     f"{sys.executable} -m pip install glue-emulator (PySpark comes with it)")
    return Check("pyspark", "ok", f"PySpark {pyspark.__version__} ({Path(pyspark.__file__).parent})")


def check_spark_start() -> Check:
    """Start a local SparkSession in a fresh process, as a Spark worker would, and count 3 rows."""
    started = time.monotonic()
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable}
    with tempfile.TemporaryDirectory(prefix="glue-emulator-doctor-") as scratch:
        try:
            result = subprocess.run([sys.executable, "-c", _SPARK_PROBE], check=False, cwd=scratch, env=env,
                                    capture_output=True, text=True, errors="replace",
                                    timeout=_SPARK_START_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            return Check("spark", "fail", f"no Spark session within {_SPARK_START_TIMEOUT_SECONDS:.0f} s",
                         "check that the machine is not overloaded, then run glue-emulator doctor again")
    seconds = time.monotonic() - started
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        reason = lines[-1].strip() if lines else f"exit status {result.returncode}"
        return Check("spark", "fail", f"a local Spark session did not start: {reason}",
                     "fix the checks above (Java, PySpark) first; the full output comes from: "
                     f"{sys.executable} -c \"from pyspark.sql import SparkSession; SparkSession.builder.getOrCreate()\"")
    return Check("spark", "ok", f"a local Spark session started and ran a query in {seconds:.1f} s")


def check_data_dir(data_dir: Path) -> Check:
    """The folder state lives in: usable if it is (or can be made) a writable directory."""
    existing = data_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    where = data_dir if existing == data_dir else f"{data_dir}: {existing}"
    if not existing.is_dir():
        return Check("data dir", "fail", f"{where} is not a directory", "pass another --data-dir")
    if not os.access(existing, os.W_OK | os.X_OK):
        return Check("data dir", "fail", f"{where} is not writable by this user", "pass a --data-dir you can write to")
    free_gb = shutil.disk_usage(existing).free / 1024**3
    state = "exists" if existing == data_dir else "will be created"
    return Check("data dir", "ok", f"{data_dir} ({state}, writable, {free_gb:.1f} GB free)")


def check_port(host: str, port: int) -> Check:
    """Whether `serve` can listen on host:port; says so when a glue-emulator already does."""
    if port == 0:
        return Check("port", "ok", "--port 0: a free port is picked at start")
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress binds
            probe.bind((host, port))
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            return Check("port", "fail", f"cannot listen on {host}:{port} ({exc.strerror or exc})",
                         "pick another --host or --port")
        running = _emulator_version(host, port)
        if running is not None:
            return Check("port", "warn", f"{host}:{port} is served by glue-emulator {running} already",
                         "use that server, or stop it first")
        return Check("port", "fail", f"{host}:{port} is in use by another program (LocalStack's default is 4566 too)",
                     f"stop that program, or {_other_port_hint(port)}")
    return Check("port", "ok", f"{host}:{port} is free")


def _emulator_version(host: str, port: int) -> str | None:
    """The version a glue-emulator on host:port reports, None if what listens there is not one."""
    url_host = "127.0.0.1" if host in ("0.0.0.0", "") else f"[{host}]" if ":" in host else host
    try:
        # 10 s: a glue-emulator on a loaded machine (a Spark driver starting beside it) can take seconds to answer,
        # and a slow answer must not be reported as another program on the port.
        with urllib.request.urlopen(f"http://{url_host}:{port}/_emulator/health", timeout=10) as answer:
            return str(json.load(answer)["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def check_jdbc_drivers(setting: str | None = None) -> Check:
    """JDBC driver jars the Spark workers put on their classpath (emulator/jdbc/drivers.py): only scripts
    reading or writing databases need one."""
    found = drivers.find_drivers(setting)
    if found:
        return Check("jdbc drivers", "ok", ", ".join(f"{d.database or 'jar'} ({d.path})" for d in found))
    return Check("jdbc drivers", "optional", "none (needed only by scripts that read or write databases over JDBC)",
                 f"install the database's driver package (Debian: libpostgresql-jdbc-java) or point "
                 f"{drivers.SETTING} at its jar")


def run_checks(settings: Settings, spark: bool = True) -> list[Check]:
    """Every check in order; the Spark start (seconds to a minute) only when asked and Java is there."""
    checks = [check_python(), check_java(), check_pyspark()]
    if spark and all(c.status != "fail" for c in checks):
        checks.append(check_spark_start())
    elif spark:
        checks.append(Check("spark", "fail", "not tried: Java or PySpark is missing", "fix the checks above"))
    checks += [check_data_dir(settings.data_dir), check_port(settings.host, settings.port),
               check_jdbc_drivers(settings.jdbc_drivers)]
    return checks


def render(checks: list[Check]) -> str:
    """The report as printed: one line per check, its fix indented below it when not ok."""
    lines = [f"glue-emulator {__version__} doctor"]
    for check in checks:
        lines.append(f"  {check.status.upper():<8} {check.name}: {check.detail}")
        if check.fix and check.status != "ok":
            lines.append(f"  {'':<8} fix: {check.fix}")
    failed = [c.name for c in checks if c.status == "fail"]
    lines.append(f"missing: {', '.join(failed)}" if failed else "all required checks passed")
    return "\n".join(lines)
