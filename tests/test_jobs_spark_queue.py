"""A glueetl run waiting in the Spark pool's queue (every warm driver busy) past its Timeout: the pool starts a run's
timer only when a driver takes it, so the job runs' watchdog ends it, TIMEOUT with Glue's message (it was reported
STOPPED with no message: the pool's report of the stop came first)."""

from __future__ import annotations

from typing import Any

from support import FAST_ENV, Gates, spark_job, spark_pool_held, wait_job_run

# A server of its own with one driver: holding it takes one JVM, not one per driver of the default pool.
SERVER_ENV = {**FAST_ENV, "GLUE_EMULATOR_SPARK_POOL_SIZE": "1"}


def test_a_queued_run_past_its_timeout_ends_timeout(glue: Any, server: Any, gates: Gates) -> None:
    job = spark_job(glue, server.client("s3"), "queued-past-timeout", "print('never runs')\n", Timeout=1)
    with spark_pool_held(server, gates):
        run_id = glue.start_job_run(JobName=job)["JobRunId"]
        # Timeout 1 minute = 1 s at the test clock; the watchdog allows 30 s more before it acts.
        ended = wait_job_run(glue, job, run_id, timeout=120)
    assert ended["JobRunState"] == "TIMEOUT", ended
    assert "timed out" in ended["ErrorMessage"].lower(), ended
