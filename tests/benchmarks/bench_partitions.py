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
without boto3's (the issue's goals, 10 s and 8 s, are below what boto3 alone needs on this machine).
Medians are printed with the machine's load average, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar

from bench_catalog import _canned_server, _glue

from emulator.testing import EmulatorServer

_KEYS = [{"Name": name, "Type": "string"} for name in ("year", "month", "day", "hour")]
_EXPRESSION = "year='2001' and month='06' and day='15'"


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
    server = _canned_server(b'{"Errors":[]}')
    try:
        glue = _glue(f"http://127.0.0.1:{server.server_address[1]}")
        values = _values(count)
        start = time.perf_counter()
        for i in range(0, count, 100):
            glue.batch_create_partition(DatabaseName="bench", TableName="events",
                                        PartitionInputList=[_partition_input(v) for v in values[i:i + 100]])
        return time.perf_counter() - start
    finally:
        server.shutdown()


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
    server = _canned_server(json.dumps(answer).encode())
    try:
        glue = _glue(f"http://127.0.0.1:{server.server_address[1]}")
        timings = []
        for _ in range(calls):
            start = time.perf_counter()
            glue.get_partitions(DatabaseName="bench", TableName="events", Expression=_EXPRESSION)
            timings.append(time.perf_counter() - start)
        return timings
    finally:
        server.shutdown()


class _PagedCanned:
    """A server answering GetPartitions with the same full page, with a NextToken until `pages` were sent."""

    def __init__(self, page: dict, pages: int):
        self.page, self.pages, self.sent = page, pages, 0
        self.server = _canned_server(b"")
        handler = self.server.RequestHandlerClass
        outer = self

        def do_POST(request) -> None:
            request.rfile.read(int(request.headers.get("Content-Length", 0)))
            outer.sent += 1
            answer = dict(outer.page, NextToken=f"next{outer.sent}") if outer.sent % outer.pages else dict(outer.page)
            body = json.dumps(answer).encode()
            request.send_response(200)
            request.send_header("Content-Type", "application/x-amz-json-1.1")
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)

        handler.do_POST = do_POST

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

    def __init__(self, endpoint: str):
        host, port = endpoint.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port))

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
                {"DatabaseName": "bench", "TableName": "events", **params}).encode())
            yield answer["Partitions"]
            if not answer.get("NextToken"):
                return
            params["NextToken"] = answer["NextToken"]

    def listing(self) -> tuple[float, int]:
        start = time.perf_counter()
        count = sum(len(page) for page in self.pages())
        return time.perf_counter() - start, count

    def lookup(self) -> tuple[float, int]:
        start = time.perf_counter()
        count = sum(len(page) for page in self.pages(Expression=_EXPRESSION))
        return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partitions", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = EmulatorServer(Path(tmp) / "data", env={"GLUE_EMULATOR_SPARK_PREWARM": "0"}).start()
        try:
            glue = _glue(server.endpoint)
            created = create(glue, args.partitions)
            created_floor = create_floor(args.partitions)
            _, page = server.glue_raw("GetPartitions", {"DatabaseName": "bench", "TableName": "events"})
            page.pop("NextToken", None)
            canned = _PagedCanned(page, -(-args.partitions // 1000))
            expected = sum(v[:3] == ["2001", "06", "15"] for v in _values(args.partitions))
            _, answer = server.glue_raw("GetPartitions", {"DatabaseName": "bench", "TableName": "events",
                                                          "Expression": _EXPRESSION})
            ours, floor, lookups, lookup_floors = [], [], [], []
            for _ in range(args.repeats):
                elapsed, count = full_listing(glue)
                assert count == args.partitions, count
                ours.append(elapsed)
                floor.append(canned.listing())
                for _ in range(5):
                    elapsed, count = expression_lookup(glue)
                    assert count == expected, (count, expected)
                    lookups.append(elapsed)
                lookup_floors += lookup_floor(answer, 5)
            canned.server.shutdown()
            lean = _LeanClient(server.endpoint)
            lean_created = lean.create(args.partitions)
            lean_listings, lean_lookups = [], []
            for _ in range(args.repeats):
                elapsed, count = lean.listing()
                assert count == args.partitions, count
                lean_listings.append(elapsed)
                for _ in range(5):
                    elapsed, count = lean.lookup()
                    assert count == expected, (count, expected)
                    lean_lookups.append(elapsed)
        finally:
            server.stop()
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'figure (' + str(args.partitions) + ' partitions)':<52}{'glue-emulator':>15}{'boto3 alone':>13}"
          f"{'lean client':>13}")
    print(f"{'BatchCreatePartition, 100 a call (s)':<52}{created:>15.2f}{created_floor:>13.2f}{lean_created:>13.2f}")
    print(f"{'full listing, paged 1,000 a page (s, median)':<52}{statistics.median(ours):>15.2f}"
          f"{statistics.median(floor):>13.2f}{statistics.median(lean_listings):>13.2f}")
    print(f"{'GetPartitions ' + _EXPRESSION + ' (s, median)':<52}{statistics.median(lookups):>15.4f}"
          f"{statistics.median(lookup_floors):>13.4f}{statistics.median(lean_lookups):>13.4f}")
    print("glue-emulator: through boto3; boto3 alone: boto3 against a server answering at once;"
          " lean client: the emulator through one keep-alive connection without boto3")


if __name__ == "__main__":
    main()
