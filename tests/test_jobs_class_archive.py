"""The Spark drivers' JVM class-data sharing archive (issue #19, cold start: emulator/jobs/java.py ClassArchive).

A server with a warm pool records the archive once into its data dir; a server started later on that data dir
starts its drivers with it (-XX:SharedArchiveFile), and they run jobs. The other test servers share one archive
folder of the test run (tests/conftest.py, GLUE_EMULATOR_SPARK_CLASS_ARCHIVE_DIR); in a shared folder one process
records at a time.
"""

from __future__ import annotations

from pathlib import Path

from support import ROLE, alive, put_script, run_to_end, wait_until

from emulator.config import Settings
from emulator.jobs.java import ClassArchive
from emulator.jobs.spark_pool import _driver_env
from emulator.jobs.spark_worker import spark_settings
from emulator.testing import EmulatorServer

# The data dir's own archive (not the test run's shared folder).
ENV = {"GLUE_EMULATOR_SPARK_CLASS_ARCHIVE": "1", "GLUE_EMULATOR_SPARK_CLASS_ARCHIVE_DIR": "",
       "GLUE_EMULATOR_SPARK_POOL_SIZE": "1", "GLUE_EMULATOR_SPARK_PREWARM": "1"}


def java_command_lines() -> list[str]:
    """The command lines of the running java processes."""
    lines = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:  # ended meanwhile
            continue
        if args and args[0].endswith(b"java"):
            lines.append(b" ".join(args).decode(errors="replace"))
    return lines


def test_the_archive_is_recorded_once_and_later_drivers_start_with_it(tmp_path):
    data_dir = tmp_path / "data"
    first = EmulatorServer(data_dir, env=ENV).start(300)
    try:
        archives = wait_until(lambda: list((data_dir / "spark").glob("spark-classes-*.jsa")), "the class archive",
                              timeout=600, interval=1)
    finally:
        first.stop()
    assert len(archives) == 1 and archives[0].stat().st_size > 1_000_000

    second = EmulatorServer(data_dir, env=ENV).start(300)
    try:
        option = f"-XX:SharedArchiveFile={archives[0]}"
        wait_until(lambda: [line for line in java_command_lines() if option in line], "a driver using the archive",
                   timeout=300, interval=1)
        glue, s3 = second.client("glue"), second.client("s3")
        location = put_script(s3, "count.py", "from pyspark.sql import SparkSession\n"
                                              "print(SparkSession.builder.getOrCreate().range(5).count())\n")
        glue.create_job(Name="count", Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": location})
        run = run_to_end(glue, "count", timeout=300)
        assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
        assert [a.name for a in (data_dir / "spark").glob("spark-classes-*.jsa")] == [archives[0].name]
    finally:
        second.stop()


def test_a_shared_folder_is_recorded_by_one_process_at_a_time_and_serves_every_data_dir(tmp_path):
    shared = tmp_path / "shared"
    first, second = (ClassArchive(tmp_path / name, shared) for name in ("a", "b"))
    for archive in (first, second):
        archive._work_dir.mkdir()

    def record(archive):
        archive.record(spark_settings("local[1]", tmp_path), _driver_env(), tmp_path)
        return archive._recorder

    recorder = record(first)
    try:
        assert recorder is not None and alive(recorder.pid)
        assert record(second) is None  # the first one's recorder holds the folder's lock
        assert first.java_options() == second.java_options() == ""
    finally:
        first.stop()
    retry = record(second)  # the lock went with the killed recorder
    try:
        assert retry is not None and alive(retry.pid)
    finally:
        second.stop()
    first.path.write_bytes(b"archive")  # in place: both data dirs' drivers start with it, none records again
    assert first.java_options() == second.java_options() == f"-XX:SharedArchiveFile={shared / first.path.name}"
    assert record(ClassArchive(tmp_path / "a", shared)) is None


def test_the_folder_setting_is_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GLUE_EMULATOR_SPARK_CLASS_ARCHIVE_DIR", "archives")
    assert Settings.from_env().spark_class_archive_dir == tmp_path / "archives"  # absolute, as the data dir
    monkeypatch.setenv("GLUE_EMULATOR_SPARK_CLASS_ARCHIVE_DIR", " ")
    assert Settings.from_env().spark_class_archive_dir is None  # the data dir's spark/ folder
