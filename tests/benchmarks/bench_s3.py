"""256 MB put + get through boto3: glue-emulator vs `cp` of the same bytes on the same disk vs moto's server.

Run by hand:  python tests/benchmarks/bench_s3.py [--mb 256] [--repeat 3]

Every figure is the best of `--repeat` runs, in MB/s (1 MB = 2**20 bytes), page cache warm for all; a
download's target file is deleted before each timed run (truncating 256 MB inside the timing cost up to 0.5 s).
- cp: `cp` of the file into the data folder (put) and back out (get); "cp + fsync" also syncs the
  copy, as the emulator does before acknowledging a write (S3 durability).
- boto3 put_object/get_object: one request each way (the body streamed from/to a file);
  upload_file/download_file: s3transfer's multipart, 8 MB parts on 10 threads.
- glue-emulator runs with its defaults (durable writes: fsync before answering), and again with
  GLUE_EMULATOR_DURABLE=0, to show what the fsyncs cost.
- "boto3 alone" is boto3 against a server that discards uploads and sends zeros: the ceiling any
  server can reach with this client on this machine (boto3 hashes the payload for SigV4 and CRC32).
  It sends no x-amz-checksum-crc32 with a GET, so boto3 verifies none; S3 and glue-emulator send the one an
  object was uploaded with, and boto3 then computes a CRC32 of every byte it reads (~0.15 s per 256 MB here).
- "% alone" compares put+get with boto3 alone's put+get: issue #19's measure.
"""

from __future__ import annotations

import argparse
import http.server
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from moto_reference import moto_server

from emulator.testing import EmulatorServer

BUCKET = "bench"
MB = 1024 * 1024


def _s3(endpoint: str) -> Any:
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
        aws_secret_access_key="testing", config=Config(retries={"max_attempts": 1}, read_timeout=600),
    )


def _best(repeat: int, action: Callable[[], None], reset: Callable[[], None] = lambda: None) -> float:
    """The shortest wall time of `repeat` runs of `action`."""
    times = []
    for _ in range(repeat):
        reset()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def cp_figures(source: Path, work: Path, repeat: int, sync: bool) -> tuple[float, float]:
    stored, back = work / "stored", work / "back"

    def put() -> None:
        subprocess.run(["cp", str(source), str(stored)], check=True)
        if sync:
            _fsync(stored)

    def get() -> None:
        subprocess.run(["cp", str(stored), str(back)], check=True)

    def clean(path: Path) -> Callable[[], None]:
        return lambda: path.unlink(missing_ok=True)

    return _best(repeat, put, clean(stored)), _best(repeat, get, clean(back))


def boto3_figures(endpoint: str, source: Path, work: Path, repeat: int) -> dict[str, tuple[float, float]]:
    s3 = _s3(endpoint)
    s3.create_bucket(Bucket=BUCKET)
    back = work / "back"

    def put_object() -> None:
        with open(source, "rb") as body:
            s3.put_object(Bucket=BUCKET, Key="single", Body=body)

    def get_object() -> None:
        with open(back, "wb") as out:
            shutil.copyfileobj(s3.get_object(Bucket=BUCKET, Key="single")["Body"], out, MB)

    def upload() -> None:
        s3.upload_file(str(source), BUCKET, "multi")

    def download() -> None:
        s3.download_file(BUCKET, "multi", str(back))

    def fresh() -> None:
        back.unlink(missing_ok=True)

    figures = {
        "put_object/get_object": (_best(repeat, put_object), _best(repeat, get_object, fresh)),
        "upload_file/download_file": (_best(repeat, upload), _best(repeat, download, fresh)),
    }
    if back.read_bytes()[:MB] != source.read_bytes()[:MB]:
        raise RuntimeError(f"{endpoint} returned other bytes")
    return figures


class _Discard(http.server.BaseHTTPRequestHandler):
    """Just enough S3 for boto3: uploads are read and dropped, downloads are zeros."""

    protocol_version = "HTTP/1.1"
    size = 0

    def _answer(self, length: int) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(length))
        self.send_header("ETag", '"0"')
        self.end_headers()

    def do_PUT(self) -> None:
        left = int(self.headers.get("Content-Length", 0))
        while left:
            left -= len(self.rfile.read(min(left, MB)))
        self._answer(0)

    def do_GET(self) -> None:
        self._answer(self.size)
        zeros = bytes(MB)
        for _ in range(self.size // MB):
            self.wfile.write(zeros)

    def log_message(self, *args: Any) -> None:
        pass


def client_ceiling(source: Path, work: Path, repeat: int) -> tuple[float, float]:
    _Discard.size = source.stat().st_size
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Discard)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        s3 = _s3(f"http://127.0.0.1:{server.server_address[1]}")

        def put() -> None:
            with open(source, "rb") as body:
                s3.put_object(Bucket=BUCKET, Key="single", Body=body)

        def get() -> None:
            with open(work / "back", "wb") as out:
                shutil.copyfileobj(s3.get_object(Bucket=BUCKET, Key="single")["Body"], out, MB)

        return _best(repeat, put), _best(repeat, get, lambda: (work / "back").unlink(missing_ok=True))
    finally:
        server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    size = args.mb * MB
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = root / "source.bin"
        with open(source, "wb") as out:
            out.writelines(os.urandom(MB) for _ in range(args.mb))
        (root / "cp").mkdir()
        for label, sync in (("cp", False), ("cp + fsync", True)):
            rows.append((label, *cp_figures(source, root / "cp", args.repeat, sync)))

        rows.append(("boto3 alone put_object/get_object", *client_ceiling(source, root, args.repeat)))

        for durable in ("1", "0"):
            env = {"GLUE_EMULATOR_SPARK_PREWARM": "0", "GLUE_EMULATOR_DURABLE": durable}
            server = EmulatorServer(root / f"data{durable}", env=env).start()
            try:
                for label, (put, get) in boto3_figures(server.endpoint, source, root, args.repeat).items():
                    rows.append((f"glue-emulator {label}{'' if durable == '1' else ' DURABLE=0'}", put, get))
            finally:
                server.stop()

        with moto_server() as moto_endpoint:
            for label, (put, get) in boto3_figures(moto_endpoint, source, root, args.repeat).items():
                rows.append((f"moto server {label}", put, get))

    cp_both = 2 * size / (rows[0][1] + rows[0][2])
    alone_both = 2 * size / (rows[2][1] + rows[2][2])
    print(f"{args.mb} MB, best of {args.repeat}; MB/s; '% cp' and '% alone' compare put+get with cp's and with boto3"
          f" alone's; load average at the end {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'':<52}{'put':>7}{'get':>7}{'put+get':>9}{'% cp':>7}{'% alone':>9}")
    for label, put, get in rows:
        both = 2 * size / (put + get)
        print(f"{label:<52}{size / put / MB:>7.0f}{size / get / MB:>7.0f}{both / MB:>9.0f}{100 * both / cp_both:>6.0f}%"
              f"{100 * both / alone_both:>8.0f}%")


if __name__ == "__main__":
    main()
