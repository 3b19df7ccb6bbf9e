"""Sequential boto3 `get_table` calls per second: glue-emulator vs moto's server, in one run.

Run by hand:  python tests/benchmarks/bench_catalog.py [--seconds 5]
Both servers run on free loopback ports as subprocesses; one boto3 client calls get_table in a loop.
A third row, "boto3 alone", is the same loop against a server that answers every request with a
canned GetTable response: the ceiling any server can reach with one sequential boto3 client here.
"""

from __future__ import annotations

import argparse
import http.server
import json
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


def calls_per_second(endpoint: str, seconds: float) -> float:
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


def boto3_ceiling(table_response: bytes, seconds: float) -> float:
    server = _canned_server(table_response)
    try:
        glue = _glue(f"http://127.0.0.1:{server.server_address[1]}")
        for _ in range(50):
            glue.get_table(DatabaseName="bench", Name="events")
        calls, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            glue.get_table(DatabaseName="bench", Name="events")
            calls += 1
        return calls / (time.perf_counter() - start)
    finally:
        server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = EmulatorServer(Path(tmp) / "data", env={"GLUE_EMULATOR_SPARK_PREWARM": "0"}).start()
        try:
            ours = calls_per_second(server.endpoint, args.seconds)
            _, table_response = server.glue_raw("GetTable", {"DatabaseName": "bench", "Name": "events"})
        finally:
            server.stop()
    with moto_server() as moto_endpoint:
        theirs = calls_per_second(moto_endpoint, args.seconds)
    ceiling = boto3_ceiling(json.dumps(table_response).encode(), args.seconds)
    print(f"{'server':<16}{'get_table calls/s':>20}")
    print(f"{'glue-emulator':<16}{ours:>20.0f}")
    print(f"{'moto server':<16}{theirs:>20.0f}")
    print(f"{'boto3 alone':<16}{ceiling:>20.0f}")


if __name__ == "__main__":
    main()
