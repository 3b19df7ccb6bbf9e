"""Objects overwritten while others read them, on a real server driven by boto3 (found breaking session 6's
streamed bodies): every read returns one whole version with that version's own ETag, Content-Type and user
metadata, as S3 does (a GET is served from one version: its bytes and its metadata together,
https://docs.aws.amazon.com/AmazonS3/latest/userguide/Welcome.html#ConsistencyModel).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time

BUCKET = "breaker6-overwrite"
SIZE = 2 * 1024 * 1024  # over waitress' 512 KB: the body is streamed from the socket
VERSIONS = {value: bytes([value]) * SIZE for value in (65, 66, 67, 68)}
ETAGS = {f'"{hashlib.md5(body).hexdigest()}"': value for value, body in VERSIONS.items()}


def _put(s3, value: int) -> None:
    s3.put_object(Bucket=BUCKET, Key="raced", Body=VERSIONS[value], ContentType=f"text/v{value}",
                  Metadata={"version": str(value)})


def test_reads_during_overwrites_get_the_metadata_of_the_bytes_they_get(glue_emulator, s3):
    client = s3
    _put(client, 65)
    stop = time.monotonic() + 8
    wrong: list[tuple[str, object, int]] = []
    reads = 0

    def write(values: tuple[int, int]) -> None:
        turn = 0
        while time.monotonic() < stop:
            _put(client, values[turn % 2])
            turn += 1

    writers = [threading.Thread(target=write, args=(pair,)) for pair in ((65, 66), (67, 68))]
    for writer in writers:
        writer.start()
    try:
        while time.monotonic() < stop:
            got = client.get_object(Bucket=BUCKET, Key="raced")
            body = got["Body"].read()
            reads += 1
            value = body[0]
            assert body == VERSIONS[value], "a read mixed two versions"
            for what, seen, expected in (("ETag", ETAGS.get(got["ETag"]), value),
                                         ("Metadata", got["Metadata"], {"version": str(value)}),
                                         ("ContentType", got["ContentType"], f"text/v{value}")):
                if seen != expected:
                    wrong.append((what, seen, value))
    finally:
        for writer in writers:
            writer.join()
    assert reads > 20
    assert not wrong, f"{len(wrong)} of {reads} reads: {wrong[:5]}"
    staging = glue_emulator.server.data_dir / "s3" / ".staging"
    assert not os.path.isdir(staging) or not os.listdir(staging)
