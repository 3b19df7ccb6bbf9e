"""A warm driver whose JVM is ending when the run's script fails says how the JVM ended, not that it stopped
answering: the JVM stops answering (its socket closed) before its process has ended.

Unit tests on WarmDriver.jvm_failure with a real process standing for the JVM, still running when the driver looks.
"""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import pytest
from pyspark import SparkContext

from emulator.jobs.spark_worker import WarmDriver


def _driver(jvm_answers: bool = False) -> WarmDriver:
    def is_stopped() -> bool:
        if not jvm_answers:
            raise ConnectionRefusedError("Error while sending or receiving")  # as py4j's call to a gone JVM
        return False

    driver = WarmDriver.__new__(WarmDriver)  # no JVM: only what jvm_failure reads
    driver.sc = SimpleNamespace(_jsc=SimpleNamespace(sc=lambda: SimpleNamespace(isStopped=is_stopped)))
    driver.launch_conf = {"spark.driver.memory": "1g"}
    return driver


@pytest.fixture
def ending_jvm(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Start a process as the driver's JVM that ends with `code` a moment after it is started."""
    started: list[subprocess.Popen[bytes]] = []

    def start(code: int, after: float = 0.5) -> subprocess.Popen[bytes]:
        process = subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({after}); raise SystemExit({code})"])
        started.append(process)
        monkeypatch.setattr(SparkContext, "_gateway", SimpleNamespace(proc=process), raising=False)
        return process

    yield start
    for process in started:
        process.kill()
        process.wait()


def test_a_jvm_out_of_memory_that_is_still_ending_is_reported_out_of_memory(ending_jvm: Any) -> None:
    ending_jvm(52)  # Spark's exit code for an OutOfMemoryError in a task thread
    failure = _driver().jvm_failure()
    assert failure == ("The Spark driver ran out of memory (its heap, spark.driver.memory, is 1g): "
                       "java.lang.OutOfMemoryError; the JVM ended with exit code 52")


def test_a_killed_jvm_still_going_is_reported_by_how_it_ended(ending_jvm: Any) -> None:
    process = ending_jvm(0, after=60)
    process.kill()  # SIGKILL: the driver looks before the process has surely gone
    assert _driver().jvm_failure() == "The Spark driver's JVM ended during the run (killed by SIGKILL)"


def test_a_jvm_that_answers_is_no_failure(ending_jvm: Any) -> None:
    ending_jvm(0, after=60)
    assert _driver(jvm_answers=True).jvm_failure() is None
