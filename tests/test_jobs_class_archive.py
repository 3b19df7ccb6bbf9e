"""The Spark drivers' JVM class-data sharing archive (issue #19, cold start: emulator/jobs/java.py ClassArchive).

A server with a warm pool records the archive once into its data dir; a server started later on that data dir
starts its drivers with it (-XX:SharedArchiveFile), and they run jobs. The other test servers record none
(tests/conftest.py turns GLUE_EMULATOR_SPARK_CLASS_ARCHIVE off for them: one more Spark session each).
"""

from __future__ import annotations

from pathlib import Path

from support import ROLE, put_script, run_to_end, wait_until

from emulator.testing import EmulatorServer

ENV = {"GLUE_EMULATOR_SPARK_CLASS_ARCHIVE": "1", "GLUE_EMULATOR_SPARK_POOL_SIZE": "1",
       "GLUE_EMULATOR_SPARK_PREWARM": "1"}


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
