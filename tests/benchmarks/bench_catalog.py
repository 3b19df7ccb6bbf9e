"""Sequential boto3 `get_table` calls per second: glue-emulator vs moto's server, in one run.

Run by hand:  python tests/benchmarks/bench_catalog.py [--seconds 5] [--rounds 3]
Both servers run on free loopback ports as subprocesses; one boto3 client calls get_table in a loop.
A third row, "boto3 alone", is the same loop against a server that answers every request with a
canned GetTable response: the ceiling any server can reach with one sequential boto3 client here.
The three are measured in turn, `--rounds` times, and the medians printed.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import statistics
import tempfile
import threading
import time
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


def _canned_server(body: bytes) -> http.server.ThreadingHTTPServer:
    """A keep-alive HTTP server that answers any POST with `body` at once."""

    class Canned(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        wbufsize = -1  # one write per response (flushed by http.server after each request)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canned)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    figures: dict[str, list[float]] = {"glue-emulator": [], "moto server": [], "boto3 alone": []}
    with tempfile.TemporaryDirectory() as tmp, moto_server() as moto_endpoint:
        server = EmulatorServer(Path(tmp) / "data", env={"GLUE_EMULATOR_SPARK_PREWARM": "0"}).start()
        try:
            setup(server.endpoint)
            setup(moto_endpoint)
            _, table_response = server.glue_raw("GetTable", {"DatabaseName": "bench", "Name": "events"})
            canned = _canned_server(json.dumps(table_response).encode())
            endpoints = {"glue-emulator": server.endpoint, "moto server": moto_endpoint,
                         "boto3 alone": f"http://127.0.0.1:{canned.server_address[1]}"}
            for _ in range(args.rounds):  # interleaved, so that load changes touch every server alike
                for name, endpoint in endpoints.items():
                    figures[name].append(calls_per_second(endpoint, args.seconds))
            canned.shutdown()
        finally:
            server.stop()
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'server':<16}{'get_table calls/s (median of ' + str(args.rounds) + ')':>36}")
    for name, values in figures.items():
        print(f"{name:<16}{statistics.median(values):>36.0f}")


if __name__ == "__main__":
    main()
