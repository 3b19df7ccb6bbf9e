"""Partitions at scale through boto3: glue-emulator beside what boto3 alone costs, in one run.

Run by hand:  python tests/benchmarks/bench_partitions.py [--partitions 100000] [--repeats 3]

One table partitioned by year/month/day/hour (strings) gets `--partitions` partitions, hour by hour from
2000-01-01, by BatchCreatePartition (100 a call). Then, interleaved `--repeats` times:
- a full paged listing (boto3's get_partitions paginator, 1,000 a page) against the emulator, and the
  same number of pages of the same size against a server answering with a canned page: the time boto3
  itself needs to send the requests and parse the answers, the floor of any server;
- GetPartitions with `year='2001' and month='06' and day='15'` (24 partitions), which an index answers.
The creation and the lookup are also timed against a server answering at once: boto3's own cost of them.
Last, the same creation (into a second table), listing and lookup through a lean client (one keep-alive
http.client connection, bodies encoded once beforehand, answers read by json.loads): the emulator's own cost
without boto3's (the issue's goals, 10 s and 8 s, are below what boto3 alone needs on this machine), with the
server process's CPU time of the creation (user + system, from /proc: the figure a shared machine's load
disturbs least), and the first and later lookups of `hour='05'` (4,167 partitions), a key after the first:
the first writes the table's index of later keys (see emulator/store), the later ones read it.
Medians are printed with the machine's load average, since the machine may be shared.
`--lean-only` skips boto3's rows; `--not-durable` serves with GLUE_EMULATOR_DURABLE=0 (no fsync per commit).
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import json
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar

from bench_catalog import _glue, canned_server

from emulator.testing import EmulatorServer

_KEYS = [{"Name": name, "Type": "string"} for name in ("year", "month", "day", "hour")]
_EXPRESSION = "year='2001' and month='06' and day='15'"
_LATER_KEY = "hour='05'"


def _values(count: int) -> list[list[str]]:
    start = datetime(2000, 1, 1)
    return [(start + timedelta(hours=i)).strftime("%Y %m %d %H").split() for i in range(count)]


def _partition_input(values: list[str]) -> dict:
    return {
        "Values": values,
        "StorageDescriptor": {
            "Columns": [{"Name": f"c{i}", "Type": "string"} for i in range(5)],
            "Location": "s3://bench/events/" + "/".join(f"{k['Name']}={v}" for k, v in zip(_KEYS, values)),
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"},
        },
    }


def create(glue, count: int) -> float:
    glue.create_database(DatabaseInput={"Name": "bench"})
    glue.create_table(DatabaseName="bench", TableInput={
        "Name": "events", "PartitionKeys": _KEYS,
        "StorageDescriptor": {"Columns": [{"Name": f"c{i}", "Type": "string"} for i in range(5)]},
    })
    values = _values(count)
    start = time.perf_counter()
    for i in range(0, count, 100):
        answer = glue.batch_create_partition(
            DatabaseName="bench", TableName="events",
            PartitionInputList=[_partition_input(v) for v in values[i:i + 100]],
        )
        assert not answer["Errors"], answer["Errors"][:1]
    return time.perf_counter() - start


def create_floor(count: int) -> float:
    """The same BatchCreatePartition calls against a server answering `{"Errors": []}` at once: boto3's own
    cost of validating and sending them."""
    with canned_server(b'{"Errors":[]}') as endpoint:
        glue = _glue(endpoint)
        values = _values(count)
        start = time.perf_counter()
        for i in range(0, count, 100):
            glue.batch_create_partition(DatabaseName="bench", TableName="events",
                                        PartitionInputList=[_partition_input(v) for v in values[i:i + 100]])
        return time.perf_counter() - start


def full_listing(glue) -> tuple[float, int]:
    start, count = time.perf_counter(), 0
    for page in glue.get_paginator("get_partitions").paginate(DatabaseName="bench", TableName="events"):
        count += len(page["Partitions"])
    return time.perf_counter() - start, count


def expression_lookup(glue) -> tuple[float, int]:
    start = time.perf_counter()
    found = glue.get_partitions(DatabaseName="bench", TableName="events", Expression=_EXPRESSION)["Partitions"]
    return time.perf_counter() - start, len(found)


def lookup_floor(answer: dict, calls: int) -> list[float]:
    """The same GetPartitions call against a server answering with the emulator's own answer at once."""
    with canned_server(json.dumps(answer).encode()) as endpoint:
        glue = _glue(endpoint)
        timings = []
        for _ in range(calls):
            start = time.perf_counter()
            glue.get_partitions(DatabaseName="bench", TableName="events", Expression=_EXPRESSION)
            timings.append(time.perf_counter() - start)
        return timings


def _answering_server(answer: Callable[[], bytes]) -> http.server.ThreadingHTTPServer:
    """A keep-alive HTTP server answering each POST with `answer()` (bench_catalog's canned server answers one
    body only)."""

    class Answering(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        wbufsize = -1  # one write per response

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = answer()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answering)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _PagedCanned:
    """A server answering GetPartitions with the same full page, with a NextToken until `pages` were sent."""

    def __init__(self, page: dict, pages: int):
        self.page, self.pages, self.sent = page, pages, 0
        self.server = _answering_server(self.answer)

    def answer(self) -> bytes:
        self.sent += 1
        return json.dumps(dict(self.page, NextToken=f"next{self.sent}") if self.sent % self.pages else self.page).encode()

    def listing(self) -> float:
        glue = _glue(f"http://127.0.0.1:{self.server.server_address[1]}")
        start = time.perf_counter()
        for _ in glue.get_paginator("get_partitions").paginate(DatabaseName="bench", TableName="events"):
            pass
        return time.perf_counter() - start


class _LeanClient:
    """awsJson Glue requests over one keep-alive connection, without boto3 (no signing: the server does not
    verify signatures unless configured to)."""

    _HEADERS: ClassVar[dict[str, str]] = {"Content-Type": "application/x-amz-json-1.1",
                                          "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/glue/aws4_request, "
                                                           "SignedHeaders=host;x-amz-target, Signature=0"}

    def __init__(self, endpoint: str, table: str = "lean"):
        host, port = endpoint.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port))
        self.table = table

    def call(self, operation: str, body: bytes) -> dict:
        self.connection.request("POST", "/", body, {**self._HEADERS, "X-Amz-Target": f"AWSGlue.{operation}"})
        response = self.connection.getresponse()
        answer = json.loads(response.read())
        assert response.status == 200, answer
        return answer

    def create(self, count: int) -> float:
        self.call("CreateTable", json.dumps({"DatabaseName": "bench", "TableInput": {
            "Name": "lean", "PartitionKeys": _KEYS}}).encode())
        values = _values(count)
        bodies = [json.dumps({"DatabaseName": "bench", "TableName": "lean",
                              "PartitionInputList": [_partition_input(v) for v in values[i:i + 100]]}).encode()
                  for i in range(0, count, 100)]
        start = time.perf_counter()
        for body in bodies:
            assert not self.call("BatchCreatePartition", body)["Errors"]
        return time.perf_counter() - start

    def pages(self, **params) -> Iterator[list]:
        while True:
            answer = self.call("GetPartitions", json.dumps(
                {"DatabaseName": "bench", "TableName": self.table, **params}).encode())
            yield answer["Partitions"]
            if not answer.get("NextToken"):
                return
            params["NextToken"] = answer["NextToken"]

    def listing(self) -> tuple[float, int]:
        start = time.perf_counter()
        count = sum(len(page) for page in self.pages())
        return time.perf_counter() - start, count

    def lookup(self, expression: str = _EXPRESSION) -> tuple[float, int]:
        start = time.perf_counter()
        count = sum(len(page) for page in self.pages(Expression=expression))
        return time.perf_counter() - start, count


def _cpu_seconds(pid: int) -> float:
    """A process's user + system CPU time so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def lean_figures(server: EmulatorServer, partitions: int, repeats: int) -> dict[str, float]:
    """The lean client's figures: creation (wall and server CPU), full listing, lookups (medians)."""
    lean = _LeanClient(server.endpoint)
    assert server.process is not None
    cpu = _cpu_seconds(server.process.pid)
    figures = {"created": lean.create(partitions)}
    figures["created_cpu"] = _cpu_seconds(server.process.pid) - cpu
    expected = sum(v[:3] == ["2001", "06", "15"] for v in _values(partitions))
    later = sum(v[3] == "05" for v in _values(partitions))
    figures["later_first"], count = lean.lookup(_LATER_KEY)
    assert count == later, (count, later)
    listings, lookups, later_lookups = [], [], []
    for _ in range(repeats):
        elapsed, count = lean.listing()
        assert count == partitions, count
        listings.append(elapsed)
        for _ in range(5):
            elapsed, count = lean.lookup()
            assert count == expected, (count, expected)
            lookups.append(elapsed)
            elapsed, count = lean.lookup(_LATER_KEY)
            assert count == later, (count, later)
            later_lookups.append(elapsed)
    figures.update(listing=statistics.median(listings), lookup=statistics.median(lookups),
                   later=statistics.median(later_lookups))
    return figures


def boto3_figures(server: EmulatorServer, partitions: int, repeats: int) -> dict[str, float]:
    """boto3's figures against the emulator and against canned servers (medians)."""
    glue = _glue(server.endpoint)
    figures = {"created": create(glue, partitions), "created_floor": create_floor(partitions)}
    _, page = server.glue_raw("GetPartitions", {"DatabaseName": "bench", "TableName": "events"})
    page.pop("NextToken", None)
    canned = _PagedCanned(page, -(-partitions // 1000))
    expected = sum(v[:3] == ["2001", "06", "15"] for v in _values(partitions))
    _, answer = server.glue_raw("GetPartitions", {"DatabaseName": "bench", "TableName": "events",
                                                  "Expression": _EXPRESSION})
    ours, floor, lookups, lookup_floors = [], [], [], []
    try:
        for _ in range(repeats):
            elapsed, count = full_listing(glue)
            assert count == partitions, count
            ours.append(elapsed)
            floor.append(canned.listing())
            for _ in range(5):
                elapsed, count = expression_lookup(glue)
                assert count == expected, (count, expected)
                lookups.append(elapsed)
            lookup_floors += lookup_floor(answer, 5)
    finally:
        canned.server.shutdown()
    figures.update(listing=statistics.median(ours), listing_floor=statistics.median(floor),
                   lookup=statistics.median(lookups), lookup_floor=statistics.median(lookup_floors))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partitions", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lean-only", action="store_true", help="skip the boto3 figures")
    parser.add_argument("--not-durable", action="store_true", help="serve with GLUE_EMULATOR_DURABLE=0")
    args = parser.parse_args()
    env = {"GLUE_EMULATOR_SPARK_PREWARM": "0", **({"GLUE_EMULATOR_DURABLE": "0"} if args.not_durable else {})}
    with tempfile.TemporaryDirectory() as tmp:
        server = EmulatorServer(Path(tmp) / "data", env=env).start()
        try:
            if args.lean_only:
                server.glue_raw("CreateDatabase", {"DatabaseInput": {"Name": "bench"}})
                boto = None
            else:
                boto = boto3_figures(server, args.partitions, args.repeats)
            lean = lean_figures(server, args.partitions, args.repeats)
        finally:
            server.stop()
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
          f"{'; not durable' if args.not_durable else ''}")
    print(f"{'figure (' + str(args.partitions) + ' partitions)':<52}{'glue-emulator':>15}{'boto3 alone':>13}"
          f"{'lean client':>13}")

    def row(label: str, ours: str, floor: str, lean_value: float, digits: int) -> None:
        print(f"{label:<52}{ours:>15}{floor:>13}{lean_value:>13.{digits}f}")

    def cell(name: str, digits: int) -> str:
        return "-" if boto is None else f"{boto[name]:.{digits}f}"

    row("BatchCreatePartition, 100 a call (s)", cell("created", 2), cell("created_floor", 2), lean["created"], 2)
    row("  server CPU of the lean creation (s)", "", "", lean["created_cpu"], 2)
    row("full listing, paged 1,000 a page (s, median)", cell("listing", 2), cell("listing_floor", 2),
        lean["listing"], 2)
    row(f"GetPartitions {_EXPRESSION} (s, median)", cell("lookup", 4), cell("lookup_floor", 4), lean["lookup"], 4)
    row(f"GetPartitions {_LATER_KEY}, first: writes the index (s)", "", "", lean["later_first"], 4)
    row(f"GetPartitions {_LATER_KEY} (s, median)", "", "", lean["later"], 4)
    print("glue-emulator: through boto3; boto3 alone: boto3 against a server answering at once;"
          " lean client: the emulator through one keep-alive connection without boto3")


if __name__ == "__main__":
    main()
