"""glueetl runs on a warm Spark worker: a driver out of memory says so; a run's processes end with it.

One server with a pool of one warm driver (a JVM): the runs share it, as warm runs do.
"""

from __future__ import annotations

from typing import Any

from support import alive, run_to_end, spark_job, wait_until

from emulator.testing import EmulatorServer

# A pool of one warm driver on one core (the machine running the tests is small).
SERVER_ENV = {"GLUE_EMULATOR_SPARK_POOL_SIZE": "1", "GLUE_EMULATOR_SPARK_MASTER": "local[1]"}


def run_spark(server: EmulatorServer, name: str, code: str) -> dict[str, Any]:
    """A glueetl job running `code`, run to its end on the module's server: the JobRun."""
    glue = server.client("glue")
    return run_to_end(glue, spark_job(glue, server.client("s3"), name, code), timeout=300)


def test_a_runs_detached_processes_end_with_it_on_a_warm_worker(server, tmp_path):
    pids_file = tmp_path / "pids"
    run = run_spark(server, "detach", f"""
        import subprocess
        from pyspark.sql import SparkSession
        SparkSession.builder.getOrCreate().range(3).count()
        child = subprocess.Popen(["sleep", "300"], start_new_session=True)
        shell = subprocess.Popen(["setsid", "sh", "-c", "sleep 301 & echo $!"], stdout=subprocess.PIPE, text=True)
        orphan = shell.stdout.readline().strip()
        shell.wait()
        open({str(pids_file)!r}, "w").write(f"{{child.pid}} {{orphan}}")
    """)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    pids = [int(pid) for pid in pids_file.read_text().split()]
    wait_until(lambda: [pid for pid in pids if alive(pid)], f"the run's processes {pids} to end",
               until=lambda left: not left, timeout=10)
    # The worker itself (its JVM, PySpark's daemon) stays warm for the next run.
    assert run_spark(server, "after", """
        from pyspark.sql import SparkSession
        assert SparkSession.builder.getOrCreate().range(5).count() == 5
    """)["JobRunState"] == "SUCCEEDED"


def test_a_driver_out_of_memory_says_so(server):
    # A JVM array bigger than the driver's 1 GB heap: java.lang.OutOfMemoryError in the driver. The JVM refuses an
    # allocation larger than its whole heap at once, without filling the heap first: the driver's peak resident
    # memory (VmHWM) measured 499 MB in this module, as any warm driver's, so the test costs the suite no memory.
    run = run_spark(server, "oom", """
        from pyspark.sql import SparkSession
        jvm = SparkSession.builder.getOrCreate().sparkContext._jvm
        jvm.java.lang.reflect.Array.newInstance(jvm.java.lang.Long.TYPE, 400_000_000)
    """)
    assert run["JobRunState"] == "FAILED"
    message = run["ErrorMessage"]
    assert message.startswith("The Spark driver ran out of memory (its heap, spark.driver.memory, is 1g)"), message
    assert "java.lang.OutOfMemoryError" in message


def test_a_driver_jvm_killed_by_out_of_memory_says_so(server):
    # In local mode tasks run in the driver's JVM: a task out of memory ends the JVM with Spark's exit code 52.
    # The array (400 million longs, 3.2 GB) is more than the whole heap: refused at once, as above (peak 512 MB).
    run = run_spark(server, "oom-task", """
        from pyspark.sql import SparkSession
        SparkSession.builder.getOrCreate().range(1).selectExpr("size(array_repeat(id, 400000000))").collect()
    """)
    assert run["JobRunState"] == "FAILED"
    message = run["ErrorMessage"]
    assert message.startswith("The Spark driver ran out of memory (its heap, spark.driver.memory, is 1g)"), message
    assert "OutOfMemoryError" in message


def test_a_script_that_stops_the_jvm_context_fails_saying_so_and_the_driver_is_replaced(server):
    # The JVM lives on with its SparkContext stopped (SparkContext.stop() is kept from scripts, the JVM's own is
    # not): no JVM end comes within the wait, so the run says the script stopped it; the next run gets a new driver.
    run = run_spark(server, "stops-context", """
        from pyspark.sql import SparkSession
        spark = SparkSession.builder.getOrCreate()
        spark.sparkContext._jsc.sc().stop()
        spark.range(3).count()
    """)
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"] == "The script stopped the Spark driver's JVM context", run["ErrorMessage"]
    assert run_spark(server, "after-stop", """
        from pyspark.sql import SparkSession
        assert SparkSession.builder.getOrCreate().range(5).count() == 5
    """)["JobRunState"] == "SUCCEEDED"
