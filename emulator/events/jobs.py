"""What a job run's end publishes: its "Glue Job State Change" event and, when asked for, its metrics.

A component created at server start (core.STARTUP_COMPONENTS): it listens to the RunManager's
`on_run_ended`, as orchestration does, so the run lifecycle knows nothing of EventBridge or CloudWatch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..jobs.runs import RunEnded, RunManager
from . import glue, metrics
from .bus import EventBus

if TYPE_CHECKING:
    from ..core import Emulator


class JobRunEvents:
    """Publishes job run ends (a component)."""

    def __init__(self, emulator: Emulator):
        emulator.component(EventBus)  # the bus of this server
        emulator.component(RunManager).on_run_ended.append(self._ended)

    @staticmethod
    def _ended(event: RunEnded) -> None:
        run = event.run
        glue.job_run_ended(event.scope, run)
        if event.metrics:
            metrics.publish(event.scope, run["JobName"], run["Id"], event.metrics)
