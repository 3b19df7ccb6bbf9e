"""The scheduler: a thread that fires SCHEDULED triggers, crawler and column statistics schedules on time.

What is scheduled is read from the store on every pass (ACTIVATED SCHEDULED triggers; crawlers and
column statistics task settings whose Schedule.State is SCHEDULED), so schedules survive a restart
and changes apply at once. Each schedule's next time is computed from the moment it is first seen
(after a restart: the server's start), so times missed while the server was down are not made up
for; a schedule fires once however many of its times a late pass finds behind it.

Time is the orchestration Clock (common.py): with GLUE_EMULATOR_TIME_SCALE a test sees a 5-minute
schedule fire within a second. `fire_due(at)` runs one pass at a given moment, for tests that
drive the clock themselves.

The same pass closes EVENT triggers' batch windows (events.py) and lets the engine let go of
job runs that vanished (engine.sweep).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from ..dataquality import column_statistics_settings
from . import cron
from .common import TRIGGER, Clock, context_for
from .crawls import crawl_runner, crawler_kind
from .engine import Engine
from .events import EventBatcher

if TYPE_CHECKING:
    from ..core import Emulator

log = logging.getLogger("glue_emulator.scheduler")

_MAX_SLEEP = 1.0  # real seconds between passes at most: new and changed schedules are noticed by then
_SWEEP_EVERY = 5.0


class Schedule(NamedTuple):
    scope: str
    kind: str  # "trigger", "crawler" or "column statistics" (task settings, named key(database, table))
    name: str
    expression: str


class Scheduler:
    """Fires what is scheduled (a component, started with the server)."""

    def __init__(self, emulator: Emulator):
        self.emulator = emulator
        self.engine = emulator.component(Engine)
        self.batcher = emulator.component(EventBatcher)
        self.clock = emulator.component(Clock)
        self._next: dict[Schedule, datetime | None] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._last_sweep = 0.0
        self._thread = threading.Thread(target=self._loop, name="orchestration-scheduler", daemon=True)
        self._thread.start()

    def _schedules(self) -> list[Schedule]:
        store = self.emulator.store
        found = []
        for scope, _parent, name, trigger in store.list_scopes(TRIGGER):
            if trigger["Type"] == "SCHEDULED" and trigger["State"] == "ACTIVATED" and trigger.get("Schedule"):
                found.append(Schedule(scope, "trigger", name, trigger["Schedule"]))
        kind = crawler_kind()
        if kind is not None:
            for scope, _parent, name, crawler in store.list_scopes(kind):
                schedule = crawler.get("Schedule") or {}
                if schedule.get("State") == "SCHEDULED" and schedule.get("ScheduleExpression"):
                    found.append(Schedule(scope, "crawler", name, schedule["ScheduleExpression"]))
        for scope, name, expression in column_statistics_settings.scheduled_settings(store):
            found.append(Schedule(scope, "column statistics", name, expression))
        return found

    def fire_due(self, at: datetime) -> list[Schedule]:
        """One pass at moment `at`: fire every schedule whose next time is not after it; returns them."""
        fired = []
        with self._lock:
            current = self._schedules()
            for gone in set(self._next) - set(current):
                del self._next[gone]
            for schedule in current:
                if schedule not in self._next:
                    self._next[schedule] = self._after(schedule, at)
                    continue
                due = self._next[schedule]
                if due is None or due > at:
                    continue
                self._next[schedule] = self._after(schedule, at)
                fired.append(schedule)
        for schedule in fired:
            self._fire(schedule)
        self.batcher.close_windows(at)
        return fired

    def _after(self, schedule: Schedule, moment: datetime) -> datetime | None:
        try:
            return cron.parse(schedule.expression).next_after(moment)
        except ValueError:  # stored before validation was this strict: never fires
            log.warning("%s %s has an invalid schedule %r", schedule.kind, schedule.name, schedule.expression)
            return None

    def _fire(self, schedule: Schedule) -> None:
        ctx = context_for(self.emulator, schedule.scope)
        try:
            if schedule.kind == "trigger":
                trigger = ctx.store.get(ctx.scope, TRIGGER, "", schedule.name)
                if trigger is not None and trigger["State"] == "ACTIVATED":
                    self.engine.fire_scheduled(ctx, trigger)
            elif schedule.kind == "column statistics":
                column_statistics_settings.fire_schedule(self.emulator, ctx, schedule.name)
            else:
                runner = crawl_runner(self.emulator)
                if runner is not None:
                    runner.start(ctx.scope, schedule.name)
        except Exception as exc:  # e.g. the crawler is still running from its previous time
            log.info("scheduled %s %s did not start: %s", schedule.kind, schedule.name, exc)

    def next_times(self) -> dict[Schedule, datetime | None]:
        """When each known schedule fires next (for tests and diagnostics)."""
        with self._lock:
            return dict(self._next)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.fire_due(self.clock.now())
                if time.monotonic() - self._last_sweep > _SWEEP_EVERY:
                    self._last_sweep = time.monotonic()
                    self.engine.sweep()
            except Exception:
                log.exception("scheduler pass failed")
            self._stop.wait(self._sleep())

    def _sleep(self) -> float:
        """Real seconds until the next schedule is due (at most _MAX_SLEEP)."""
        at = self.clock.now()
        with self._lock:
            upcoming = [due for due in self._next.values() if due is not None]
        if not upcoming:
            return _MAX_SLEEP
        seconds = (min(upcoming) - at).total_seconds() / self.clock.scale
        return max(0.0, min(_MAX_SLEEP, seconds))

    def reset(self) -> None:
        with self._lock:
            self._next.clear()

    def shutdown(self) -> None:
        self._stop.set()
