"""What emitting Glue's events adds to a CreateTable: the handler's cost per call, with and without events.

Run by hand:  python tests/benchmarks/bench_events.py [--tables 2000]
In-process (no HTTP, so the figure is the handler's own cost, not hidden behind a request's): an emulator on a
temporary data dir, CreateTable called through its handler `--tables` times per case, each case on a fresh
database. Cases:
- "without events": the catalog's emission replaced by a no-op (what CreateTable cost before events);
- "events, moto not loaded": as shipped, before any request reached moto (no rule can exist);
- "events, no rule on the bus": moto's EventBridge loaded, a rule on another account's bus only;
- "events, a rule on the bus": a rule sending every aws.glue event to an SQS queue; the handler only queues
  the event, delivery happens on the event bus's thread at the same time (competing for the GIL); the time the
  bus then needs to finish is printed per event ("delivery"). Cases alternate over rounds (the machine's load
  varies); each figure is the median.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emulator.catalog import databases, tables
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.core import Emulator
from emulator.events import glue as glue_events
from emulator.events.bus import EventBus

COLUMNS = [{"Name": f"c{i}", "Type": "string"} for i in range(20)]


def _create_tables(ctx: RequestContext, database: str, count: int) -> float:
    """Microseconds per CreateTable of `count` tables in a new database."""
    databases.create_database(ctx, {"DatabaseInput": {"Name": database}})
    start = time.perf_counter()
    for index in range(count):
        tables.create_table(ctx, {"DatabaseName": database, "TableInput": {
            "Name": f"t{index}", "StorageDescriptor": {"Columns": COLUMNS, "Location": f"s3://b/{index}/"}}})
    return (time.perf_counter() - start) / count * 1e6


def _emit_alone(ctx: RequestContext, calls: int = 20000) -> float:
    """Microseconds per CreateTable event emitted where no rule can match (nothing is queued)."""
    start = time.perf_counter()
    for _ in range(calls):
        glue_events.database_changed(ctx, "db", "CreateTable", ["t"])
    return (time.perf_counter() - start) / calls * 1e6


def _rule(account: str, region: str) -> Any:
    """A rule on the default bus of account/region sending aws.glue events to an SQS queue; the queue."""
    from moto.events.models import events_backends
    from moto.sqs.models import sqs_backends

    queue = sqs_backends[account][region].create_queue("glue-events")
    events = events_backends[account][region]
    events.put_rule("all-glue", event_pattern=json.dumps({"source": ["aws.glue"]}))
    events.put_targets("all-glue", None, [{"Id": "q", "Arn": queue.queue_arn}])
    return queue


def _unrule(account: str, region: str) -> None:
    """Remove the rule and its queue (moto's SQS slows down as a queue fills: each round starts empty)."""
    from moto.events.models import events_backends
    from moto.sqs.models import sqs_backends

    events_backends[account][region].remove_targets("all-glue", None, ["q"])
    events_backends[account][region].delete_rule("all-glue", None)
    sqs_backends[account][region].delete_queue("glue-events")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=500, help="CreateTable calls per case and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of all cases; the median is printed")
    options = parser.parse_args()
    count = options.tables
    emitting: Callable[..., None] = glue_events.database_changed

    def silenced(ctx: RequestContext, database: str) -> float:
        glue_events.database_changed = lambda *args, **kwargs: None  # type: ignore[assignment]
        try:
            return _create_tables(ctx, database, count)
        finally:
            glue_events.database_changed = emitting  # type: ignore[assignment]

    with tempfile.TemporaryDirectory() as data_dir:
        emulator = Emulator(Settings(data_dir=Path(data_dir), spark_prewarm=False))
        ctx = RequestContext("123456789012", "us-east-1", "bench", emulator)
        figures: dict[str, list[float]] = {}

        def record(case: str, micros: float) -> None:
            figures.setdefault(case, []).append(micros)

        record("events, moto not loaded", _create_tables(ctx, "cold", count))
        emits = _emit_alone(ctx)
        _rule("210987654321", "eu-west-1")  # loads moto's EventBridge; a rule, but on another bus
        emits_warm = _emit_alone(ctx)
        for round_ in range(options.rounds):
            record("without events", silenced(ctx, f"off{round_}"))
            record("events, no rule on the bus", _create_tables(ctx, f"warm{round_}", count))
            queue = _rule("123456789012", "us-east-1")
            record("events, a rule on the bus", _create_tables(ctx, f"ruled{round_}", count))
            start = time.perf_counter()
            assert emulator.component(EventBus).drain(timeout=600), "the event bus did not drain"
            assert queue.approximate_number_of_messages == count + 1  # and the CreateDatabase
            record("delivery to SQS per event (bus thread)", (time.perf_counter() - start) / count * 1e6)
            _unrule("123456789012", "us-east-1")
        emulator.shutdown()
    base = statistics.median(figures["without events"])
    print(f"CreateTable through its handler, {count} tables per case, median of {options.rounds} rounds "
          "(microseconds per call; the last column: beside the cost without events):")
    for case in ("without events", "events, moto not loaded", "events, no rule on the bus",
                 "events, a rule on the bus", "delivery to SQS per event (bus thread)"):
        micros = statistics.median(figures[case])
        print(f"  {case:<42} {micros:9.1f} us   {micros - base:+8.1f} us")
    print(f"The emission alone (glue.database_changed, no rule): {emits:.2f} us before moto is loaded, "
          f"{emits_warm:.2f} us after.")


if __name__ == "__main__":
    main()
