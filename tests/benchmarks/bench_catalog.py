"""Sequential boto3 `get_table` calls per second: glue-emulator vs moto's server, in one run.

Run by hand:  python tests/benchmarks/bench_catalog.py [--seconds 5] [--rounds 3]
Both servers run on free loopback ports as subprocesses; one boto3 client calls get_table in a loop.
A third row, "boto3 alone", is the same loop against a server that answers every request with a
canned GetTable response (the emulator's own answer): the ceiling any server can reach with one sequential boto3
client here. Like the other two it is a process of its own (raw sockets, a thread per connection), so every row
pays the same wake-ups between processes; in the benchmark's own process it would share boto3's GIL instead.
The three are measured in turn, `--rounds` times, and the medians printed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
from botocore.config import Config
from moto_reference import moto_server

from emulator.testing import EmulatorServer


def _glue(endpoint: str):
    return boto3.client(
        "glue", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
        aws_secret_access_key="testing", config=Config(retries={"max_attempts": 1}),
    )


def setup(endpoint: str) -> None:
    glue = _glue(endpoint)
    glue.create_database(DatabaseInput={"Name": "bench"})
    glue.create_table(
        DatabaseName="bench",
        TableInput={
            "Name": "events",
            "StorageDescriptor": {"Columns": [{"Name": f"c{i}", "Type": "string"} for i in range(20)],
                                  "Location": "s3://bench/events/"},
            "PartitionKeys": [{"Name": "dt", "Type": "string"}],
        },
    )


def calls_per_second(endpoint: str, seconds: float) -> float:
    glue = _glue(endpoint)
    for _ in range(50):  # warm up connections and caches
        glue.get_table(DatabaseName="bench", Name="events")
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        glue.get_table(DatabaseName="bench", Name="events")
        calls += 1
    return calls / (time.perf_counter() - start)


def serve_canned(body: bytes) -> None:
    """A keep-alive HTTP server that answers any request with `body` at once; prints its port, serves forever.

    Raw sockets, a thread per connection, and no more parsing than finding Content-Length: the least work an
    HTTP server can do per request (http.server's email-based header parsing would make the ceiling lower).
    """
    response = (b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\n\r\n"
                % len(body)) + body

    def serve_connection(connection: socket.socket) -> None:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pending = b""
        while True:
            while b"\r\n\r\n" not in pending:
                data = connection.recv(65536)
                if not data:
                    return
                pending += data
            head, _, pending = pending.partition(b"\r\n\r\n")
            match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            length = int(match.group(1)) if match else 0
            while len(pending) < length:
                pending += connection.recv(65536)
            pending = pending[length:]
            connection.sendall(response)

    listener = socket.create_server(("127.0.0.1", 0))
    print(listener.getsockname()[1], flush=True)
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve_connection, args=(connection,), daemon=True).start()


@contextlib.contextmanager
def canned_server(body: bytes) -> Iterator[str]:
    """serve_canned in a subprocess: its endpoint while the block runs."""
    with tempfile.NamedTemporaryFile() as answer:
        answer.write(body)
        answer.flush()
        process = subprocess.Popen([sys.executable, __file__, "--serve-canned", answer.name], stdout=subprocess.PIPE,
                                   text=True)
        try:
            yield f"http://127.0.0.1:{int(process.stdout.readline())}"
        finally:
            process.kill()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve-canned", metavar="BODY_FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_canned:
        serve_canned(Path(args.serve_canned).read_bytes())
        return
    figures: dict[str, list[float]] = {"glue-emulator": [], "moto server": [], "boto3 alone": []}
    with tempfile.TemporaryDirectory() as tmp, moto_server() as moto_endpoint:
        server = EmulatorServer(Path(tmp) / "data", env={"GLUE_EMULATOR_SPARK_PREWARM": "0"}).start()
        try:
            setup(server.endpoint)
            setup(moto_endpoint)
            _, table_response = server.glue_raw("GetTable", {"DatabaseName": "bench", "Name": "events"})
            with canned_server(json.dumps(table_response).encode()) as canned:
                endpoints = {"glue-emulator": server.endpoint, "moto server": moto_endpoint, "boto3 alone": canned}
                for _ in range(args.rounds):  # interleaved, so that load changes touch every server alike
                    for name, endpoint in endpoints.items():
                        figures[name].append(calls_per_second(endpoint, args.seconds))
        finally:
            server.stop()
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'server':<16}{'get_table calls/s (median of ' + str(args.rounds) + ')':>36}")
    for name, values in figures.items():
        print(f"{name:<16}{statistics.median(values):>36.0f}")


if __name__ == "__main__":
    main()
