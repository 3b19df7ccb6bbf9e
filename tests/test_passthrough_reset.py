"""A reset empties moto's in-process state, also what the emulator wrote there without a request through moto's
dispatcher (job metrics go straight into CloudWatch's backend): before, such state survived /_emulator/reset on
a server that had served no moto request yet, and a later test saw another module's job metrics."""

from __future__ import annotations

from pathlib import Path

from emulator.app import create_app
from emulator.config import Settings
from emulator.events import metrics

ACCOUNT, REGION = "210987654321", "eu-west-3"


def _metric_names() -> set[str]:
    from moto.cloudwatch.models import cloudwatch_backends

    return {metric.name for metric in cloudwatch_backends[ACCOUNT][REGION].get_all_metrics()}


def test_a_reset_empties_metrics_published_before_any_moto_request(tmp_path: Path):
    app = create_app(Settings(data_dir=tmp_path / "data", port=4599))
    emulator = app.extensions["glue_emulator"]
    try:
        metrics.publish(f"{ACCOUNT}/{REGION}", "nightly", "jr_1", {"numCompletedTasks": 3})
        assert "glue.driver.aggregate.numCompletedTasks" in _metric_names()
        emulator.reset()
        assert _metric_names() == set()
    finally:
        emulator.shutdown()
