"""The running emulator: settings, the store, the services, and what reset and shutdown touch."""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from . import __version__
from .config import Settings
from .services import JsonService, load_json_services
from .store import Store

log = logging.getLogger("glue_emulator")
T = TypeVar("T")

# Components created when the server starts rather than on first use ("module:Class"): they take
# over what a previous server process left behind (job runs it was running) before any request.
STARTUP_COMPONENTS: tuple[str, ...] = (
    "emulator.jobs.runs:RunManager",
    # ends workflow runs a previous process left RUNNING, then listens for job and crawl ends
    "emulator.orchestration.engine:Engine",
    # publishes job run ends: EventBridge events, CloudWatch metrics (events/)
    "emulator.events.jobs:JobRunEvents",
    # fires SCHEDULED triggers and crawler schedules from the server's start
    "emulator.orchestration.scheduler:Scheduler",
    # runs enabled table optimizers (snapshot retention, orphan file deletion, compaction) when due
    "emulator.catalog.optimizer_runs:OptimizerRuns",
    # warms the Spark drivers for glueetl runs in the background (unless GLUE_EMULATOR_SPARK_PREWARM=0)
    "emulator.jobs.spark_pool:SparkPool",
)


class Emulator:
    """Everything a request may need, created once per server process."""

    def __init__(self, settings: Settings):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        # Partitions are named by their values joined: the store indexes each value (GetPartitions' Expression).
        self.store = Store(settings.data_dir / "state.sqlite3", durable=settings.durable, part_indexed=("partition",))
        self.json_services: dict[str, JsonService] = load_json_services()
        self._reset_hooks: list[Callable[[], None]] = []
        self._components: dict[type, Any] = {}
        self._components_lock = threading.RLock()
        for path in STARTUP_COMPONENTS:
            module, _, name = path.partition(":")
            self.component(getattr(importlib.import_module(module), name))

    def component(self, cls: type[T]) -> T:
        """The one instance of a long-lived subsystem (run manager, worker pool, scheduler).

        Created on first use as `cls(emulator)`, so the core knows no domain; a component with
        `reset()` or `shutdown()` methods is called on reset and on server shutdown.
        """
        instance = self._components.get(cls)
        if instance is None:
            with self._components_lock:  # two first uses at once must not build two (two worker pools)
                instance = self._components.get(cls)
                if instance is None:
                    instance = self._components[cls] = cls(self)
        return instance

    def shutdown(self) -> None:
        for instance in list(self._components.values()):
            if hasattr(instance, "shutdown"):
                instance.shutdown()

    def on_reset(self, hook: Callable[[], None]) -> None:
        """Register a subsystem's wipe (files on disk, in-memory caches) to run on reset."""
        self._reset_hooks.append(hook)

    def reset(self) -> None:
        for instance in list(self._components.values()):
            if hasattr(instance, "reset"):
                instance.reset()
        self.store.reset()
        for hook in self._reset_hooks:
            hook()

    def health(self) -> dict[str, object]:
        """{"status": "running", "version", "services": {name: "running"}, "spark": {"status", "reason"?}}.

        A component with a `health()` method (the Spark pool) adds its own entry under its `health_name`:
        the server answers requests while, say, Spark cannot start for lack of Java.
        """
        services = {s.name: "running" for s in self.json_services.values()}
        services["s3"] = "running"  # S3's REST protocol is served beside the awsJson services
        report: dict[str, object] = {"status": "running", "version": __version__, "services": services}
        for instance in list(self._components.values()):
            if hasattr(instance, "health_name"):
                report[instance.health_name] = instance.health()
        return report
