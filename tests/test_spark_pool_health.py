"""The Spark pool's entry in the health endpoint: cold, then unavailable with the reason a driver could not start."""

from __future__ import annotations

import threading
from pathlib import Path

from emulator.config import Settings
from emulator.core import Emulator
from emulator.jobs.executor import RunOutcome, RunSpec
from emulator.jobs.spark_pool import SparkPool


def test_health_reports_why_the_last_driver_could_not_start(tmp_path: Path) -> None:
    emulator = Emulator(Settings(data_dir=tmp_path / "data", spark_master="nonsense://nowhere",
                                 spark_pool_size=1, spark_prewarm=False, durable=False))
    try:
        pool = emulator.component(SparkPool)
        assert emulator.health()["spark"] == {"status": "cold"}
        script = tmp_path / "job.py"
        script.write_text("print('never')\n")
        spec = RunSpec(run_id="jr_1", job_name="job", command="glueetl", script=script, argv=[str(script)], env={},
                       timeout_seconds=300, log_dir=tmp_path / "logs")
        outcomes: list[RunOutcome] = []
        ended = threading.Event()
        pool.submit(spec, lambda outcome: (outcomes.append(outcome), ended.set()))
        assert emulator.health()["spark"]["status"] in ("starting", "unavailable")
        assert ended.wait(300)
        assert outcomes[0].state == "FAILED"
        assert emulator.health()["spark"] == {"status": "unavailable", "reason": outcomes[0].error_message}
        assert "Master must either be yarn or start with spark, mesos, k8s, or local" in outcomes[0].error_message
    finally:
        emulator.shutdown()
