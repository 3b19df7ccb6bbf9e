"""The default event bus: the emulator's own events put on moto's EventBridge, off the request path.

AWS services put their events on the default event bus of the account and region where the change happened,
"best effort" and asynchronously (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-glue.html).
Here `emit` does the same: it hands the event to one dispatcher thread (the EventBus component), which puts it
on moto's in-process EventBridge (`events_backends[account][region].put_events`), where the user's rules
(PutRule/PutTargets on the emulator's port) match it and deliver it to their targets (see targets.py).

Cost when nobody listens: moto is imported only when a request reaches it (passthrough.py); until then no rule
can exist and `emit` returns after one dictionary lookup. Afterwards, an event is only queued when the default
bus of its account and region has a rule. A failed delivery is logged, never raised into the caller.
"""

from __future__ import annotations

import json
import logging
import queue
import sys
import threading
import weakref
from typing import TYPE_CHECKING, Any

from ..clock import now
from ..context import RequestContext

if TYPE_CHECKING:
    from ..core import Emulator

log = logging.getLogger("glue_emulator.events")

GLUE_SOURCE = "aws.glue"
_MOTO_EVENTS = "moto.events.models"
_OVER = object()  # the dispatcher's stop signal
# The emulator serving moto's targets (one server per process; the last one started wins, as moto is global).
_current: weakref.ReferenceType[Emulator] | None = None


def current_emulator() -> Emulator | None:
    """The emulator whose EventBus is running in this process (targets deliver Glue workflow events to it)."""
    return _current() if _current is not None else None


def listening() -> bool:
    """Whether any rule may exist: moto's EventBridge is loaded (a request reached it)."""
    return _MOTO_EVENTS in sys.modules


def _default_bus_has_rules(account: str, region: str) -> bool:
    """Whether moto's default bus of account/region has a rule, without creating any backend (moto's
    BackendDict creates one on every item lookup, so membership is tested on the plain dicts)."""
    models = sys.modules.get(_MOTO_EVENTS)
    if models is None:
        return False
    accounts = models.events_backends
    if not dict.__contains__(accounts, account):
        return False
    regions = dict.__getitem__(accounts, account)
    if not dict.__contains__(regions, region):
        return False
    bus = dict.__getitem__(regions, region).event_buses.get("default")
    return bus is not None and bool(bus.rules)


def emit(
    ctx_or_scope: RequestContext | str,
    detail_type: str,
    detail: dict[str, Any],
    resources: list[str] | None = None,
    source: str = GLUE_SOURCE,
) -> None:
    """Put one event on the default bus of the caller's account and region (or of `scope`, "account/region").

    `detail_type` and `detail` are the event's "detail-type" and "detail" (a JSON object), `resources` its ARNs.
    Returns at once: delivery happens on the EventBus thread; nothing is queued when no rule could match.
    """
    scope = ctx_or_scope if isinstance(ctx_or_scope, str) else ctx_or_scope.scope
    account, _, region = scope.partition("/")
    if not _default_bus_has_rules(account, region):
        return
    emulator = current_emulator() if isinstance(ctx_or_scope, str) else ctx_or_scope.emulator
    if emulator is None:
        return
    entry = {"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail),
             "Resources": list(resources or []), "Time": now()}
    emulator.component(EventBus).put(account, region, entry)


class EventBus:
    """The dispatcher of emitted events (a component, created at server start so it is the current one)."""

    def __init__(self, emulator: Emulator):
        global _current
        self.emulator = emulator
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._dispatch, name="event-bus", daemon=True)
        self._thread.start()
        _current = weakref.ref(emulator)

    def put(self, account: str, region: str, entry: dict[str, Any]) -> None:
        """Queue a PutEvents entry (Source, DetailType, Detail as JSON text, Resources, Time) for the bus."""
        self._queue.put((account, region, entry))

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until every queued event is delivered; False if `timeout` seconds passed first."""
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def _dispatch(self) -> None:
        while True:
            item = self._queue.get()
            if item is _OVER:
                return
            if isinstance(item, threading.Event):
                item.set()
                continue
            account, region, entry = item
            try:
                from moto.events.models import events_backends

                from . import targets

                targets.install()
                events_backends[account][region].put_events([entry])
            except Exception:
                log.exception("could not deliver %s event to the default bus of %s/%s",
                              entry["DetailType"], account, region)

    def shutdown(self) -> None:
        self._queue.put(_OVER)
