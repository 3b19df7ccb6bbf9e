"""`glue-emulator serve` and `glue-emulator doctor` as a user runs them: a process in a fresh directory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from emulator import __version__
from emulator.config import Settings
from emulator.doctor import check_port
from emulator.jobs.java import find_java


def _cli(args: list[str], cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`glue-emulator <args>` through `python -m emulator` (what the console script calls) in `cwd`."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GLUE_EMULATOR_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "emulator", *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout, check=False)


@pytest.fixture
def busy_port():
    """A port another program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


@pytest.fixture
def no_java(tmp_path: Path) -> dict[str, str]:
    """An environment in which PySpark's launcher would find no java: empty PATH folder, JAVA_HOME empty."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    return {"PATH": str(empty), "JAVA_HOME": ""}


def test_port_in_use_is_one_line_and_nonzero_before_any_folder(tmp_path: Path, busy_port: int):
    result = _cli(["serve", "--port", str(busy_port)], cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        (f"glue-emulator: port {busy_port} on 127.0.0.1 is already in use (another glue-emulator or LocalStack?); "
         f"pick another with --port {busy_port + 1} or GLUE_EMULATOR_PORT={busy_port + 1} (--port 0 picks a free one)")
    ]
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no ./.glue-emulator


def test_port_in_use_from_the_environment_too(tmp_path: Path, busy_port: int):
    result = _cli(["serve"], cwd=tmp_path, env={"GLUE_EMULATOR_PORT": str(busy_port)})
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and f"port {busy_port}" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_host_that_cannot_be_bound_is_one_line(tmp_path: Path):
    result = _cli(["serve", "--host", "192.0.2.1", "--port", "0"], cwd=tmp_path)  # TEST-NET-1: not ours
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "glue-emulator: cannot listen on 192.0.2.1:0 (Cannot assign requested address); pick another --host or --port"
    ]
    assert list(tmp_path.iterdir()) == []


def test_a_data_dir_that_cannot_be_created_is_one_line(tmp_path: Path):
    (tmp_path / "file").write_text("not a folder")
    result = _cli(["serve", "--port", "0", "--data-dir", "file/state"], cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        (f"glue-emulator: cannot use the data dir: {tmp_path / 'file' / 'state'}: {tmp_path / 'file'} is not a "
         "directory; pass another --data-dir")
    ]


def test_relative_data_dir_is_absolute_from_the_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GLUE_EMULATOR_DATA_DIR", raising=False)
    assert Settings.from_env().data_dir == tmp_path / ".glue-emulator"
    monkeypatch.setenv("GLUE_EMULATOR_DATA_DIR", "state/here")
    assert Settings.from_env().data_dir == tmp_path / "state" / "here"
    assert Settings(data_dir=Path("x")).data_dir == tmp_path / "x"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert Settings(data_dir=Path("~/glue")).data_dir == tmp_path / "home" / "glue"


def test_doctor_on_a_machine_with_everything(tmp_path: Path):
    java = find_java()
    if java.problem:
        pytest.skip(java.problem)
    result = _cli(["doctor", "--skip-spark", "--port", "0"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("glue-emulator ") and lines[0].endswith(" doctor")
    assert f"  {'OK' if java.major == 17 else 'WARN':<8} java: Java {java.version} ({java.path})" in lines
    assert any(line.startswith("  OK       pyspark: PySpark 3.5.") for line in lines)
    assert f"  OK       data dir: {tmp_path / '.glue-emulator'} (will be created, writable, " in result.stdout
    assert "  OK       port: --port 0: a free port is picked at start" in lines
    assert lines[-1] == "all required checks passed"
    assert list(tmp_path.iterdir()) == []  # the doctor looks, it creates nothing


def test_doctor_says_what_is_missing_and_how_to_fix_it(tmp_path: Path, busy_port: int, no_java: dict[str, str]):
    result = _cli(["doctor", "--port", str(busy_port)], cwd=tmp_path, env=no_java)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    java = lines.index("  FAIL     java: Java 17 is missing: JAVA_HOME is not set and there is no java on PATH")
    assert lines[java + 1].startswith("           fix: Install Java 17 (Debian/Ubuntu: sudo apt-get install "
                                      "openjdk-17-jre-headless;")
    assert "  FAIL     spark: not tried: Java or PySpark is missing" in lines
    assert f"  FAIL     port: 127.0.0.1:{busy_port} is in use by another program (LocalStack's default is 4566 too)" \
        in lines
    # OK when a driver is installed (Debian's postgresql.jar), OPTIONAL otherwise: never a failure
    assert any(line.startswith(("  OPTIONAL jdbc drivers: ", "  OK       jdbc drivers: ")) for line in lines)
    assert lines[-1] == "missing: java, spark, port"


@pytest.mark.slow
def test_doctor_starts_spark(tmp_path: Path):
    if find_java().problem:
        pytest.skip("no Java")
    result = _cli(["doctor", "--port", "0"], cwd=tmp_path, timeout=400)
    spark = [line for line in result.stdout.splitlines() if " spark: " in line]
    assert len(spark) == 1 and spark[0].startswith("  OK       spark: a local Spark session started and ran a query in ")
    assert result.returncode == 0, result.stdout


def test_check_port_names_a_running_emulator(tmp_path: Path):
    from emulator.testing.server import EmulatorServer

    server = EmulatorServer(tmp_path / "data", env={"GLUE_EMULATOR_SPARK_PREWARM": "0"}).start()
    try:
        check = check_port("127.0.0.1", server.port)
    finally:
        server.stop()
    assert (check.status, check.detail) == ("warn", f"127.0.0.1:{server.port} is served by glue-emulator {__version__} already")

