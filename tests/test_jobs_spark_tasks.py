"""The emulator's own Spark tasks (jobs/spark_tasks.py) run on the warm pool and bring their result back."""

from __future__ import annotations

import os
import queue
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.config import Settings
from emulator.core import Emulator
from emulator.jobs.spark_tasks import TaskOutcome, run_spark_task


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """One in-process emulator for the module, so its one Spark driver (a JVM, started on first use) serves every
    test; conftest's `emulator` is one per test."""
    with pytest.MonkeyPatch.context() as patch:
        # The driver starts on first use and inherits PYTHONPATH: the sample tasks are found whether the
        # emulator is a checkout or an installed package.
        patch.setenv("PYTHONPATH", str(Path(__file__).parent))
        settings = Settings(data_dir=tmp_path_factory.mktemp("spark-tasks") / "data", spark_prewarm=False,
                            spark_pool_size=1, durable=False,
                            spark_class_archive_dir=os.environ.get("GLUE_EMULATOR_SPARK_CLASS_ARCHIVE_DIR") or None)
        instance = Emulator(settings)
        yield instance
        instance.shutdown()


def _run(emulator: Emulator, tmp_path: Path, target: str, payload: dict) -> TaskOutcome:
    done: queue.Queue[TaskOutcome] = queue.Queue()
    run_spark_task(emulator, task_id="t1", target=target, payload=payload, account="123456789012",
                   region="us-east-1", log_dir=tmp_path / "logs", timeout_seconds=300, on_done=done.put)
    return done.get(timeout=300)


def test_a_task_returns_its_result_and_its_output_reaches_the_log(emulator: Emulator, tmp_path: Path) -> None:
    outcome = _run(emulator, tmp_path, "spark_task_samples:count_range", {"n": 7})
    assert outcome == TaskOutcome("SUCCEEDED", None, {"count": 7})
    assert "counting 7" in (tmp_path / "logs" / "output").read_text()


def test_a_task_that_raises_ends_failed_with_the_exception(emulator: Emulator, tmp_path: Path) -> None:
    outcome = _run(emulator, tmp_path, "spark_task_samples:fail", {"why": "no such column: x"})
    assert outcome.state == "FAILED"
    assert "no such column: x" in (outcome.error_message or "")
    assert outcome.result is None
