"""Large S3 bodies on a real server: uploads streamed to disk while they arrive, downloads sent by the kernel.

A body over waitress' inbuf_overflow (512 KB) reaches the handler as it arrives (serving.SocketBody); these
check that it is still refused whole on a bad digest, that nothing half-written is ever visible, that no
temporary file outlives a failed upload, and that the connection stays usable for its next request.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import socket
import threading
import time
import zlib
from xml.etree import ElementTree

import pytest
from support import wait_until

from emulator import serving
from emulator.testing.server import EmulatorServer

BUCKET = "streaming"
MB = 1024 * 1024
SIZE = 6 * MB  # well over the 512 KB waitress would spool to a temporary file


def _temps(data_dir) -> list[str]:
    return [os.path.join(folder, name) for folder, _, names in os.walk(data_dir / "s3") for name in names
            if name.startswith(".glue-emulator-tmp-")]


def _code(body: bytes) -> str:
    return ElementTree.fromstring(body).findtext("Code") or ""


def _connect(server: EmulatorServer) -> http.client.HTTPConnection:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    connection.connect()
    return connection


def _start_put(connection: http.client.HTTPConnection, path: str, length: int, headers: dict[str, str]) -> None:
    connection.putrequest("PUT", path, skip_accept_encoding=True)
    connection.putheader("Content-Length", str(length))
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


@pytest.fixture
def data():
    return os.urandom(SIZE)


def test_a_large_put_round_trips_and_ranges_come_from_anywhere_in_it(glue_emulator, s3, data):
    etag = s3.put_object(Bucket=BUCKET, Key="big", Body=data)["ETag"]
    assert etag == f'"{hashlib.md5(data).hexdigest()}"'
    assert s3.get_object(Bucket=BUCKET, Key="big")["Body"].read() == data
    for first, last in ((0, 0), (MB - 1, 3 * MB + 5), (SIZE - 10, SIZE - 1)):
        got = s3.get_object(Bucket=BUCKET, Key="big", Range=f"bytes={first}-{last}")["Body"].read()
        assert got == data[first:last + 1]
    assert _temps(glue_emulator.server.data_dir) == []


def test_an_overwritten_object_is_freed_in_the_background_and_leaves_no_name(glue_emulator, s3, data):
    s3.put_object(Bucket=BUCKET, Key="over", Body=data)
    with open(glue_emulator.server.data_dir / "s3" / BUCKET / "over", "rb") as reader:  # a reader of the old one
        s3.put_object(Bucket=BUCKET, Key="over", Body=b"new")
        assert s3.get_object(Bucket=BUCKET, Key="over")["Body"].read() == b"new"
        assert reader.read() == data
    wait_until(lambda: _temps(glue_emulator.server.data_dir), "the replaced file unlinked", until=lambda t: t == [])
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["over"]


def test_a_bad_content_md5_refuses_the_whole_body_and_keeps_the_old_object(glue_emulator, s3, data):
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"old")
    connection = _connect(glue_emulator.server)
    _start_put(connection, f"/{BUCKET}/k", SIZE, {"Content-MD5": _b64(hashlib.md5(b"other").digest())})
    connection.send(data[: SIZE // 2])
    # Half the body is on disk in a temporary file: nothing of it is visible.
    wait_until(lambda: _temps(glue_emulator.server.data_dir), "the upload's temporary file")
    assert s3.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"old"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["k"]
    connection.send(data[SIZE // 2:])
    response = connection.getresponse()
    assert (response.status, _code(response.read())) == (400, "BadDigest")
    assert s3.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"old"
    assert _temps(glue_emulator.server.data_dir) == []
    # The same connection serves its next request.
    connection.request("GET", f"/{BUCKET}/k")
    assert connection.getresponse().read() == b"old"


def test_a_bad_checksum_refuses_the_whole_body(glue_emulator, s3, data):
    wrong = _b64((zlib.crc32(data) ^ 1).to_bytes(4, "big"))
    connection = _connect(glue_emulator.server)
    _start_put(connection, f"/{BUCKET}/crc", SIZE, {"x-amz-checksum-crc32": wrong})
    connection.send(data)
    response = connection.getresponse()
    assert (response.status, _code(response.read())) == (400, "BadDigest")
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0
    assert _temps(glue_emulator.server.data_dir) == []


def test_a_client_that_disconnects_mid_body_leaves_nothing(glue_emulator, s3, data):
    connection = _connect(glue_emulator.server)
    _start_put(connection, f"/{BUCKET}/gone", SIZE, {})
    connection.send(data[: SIZE // 3])
    wait_until(lambda: _temps(glue_emulator.server.data_dir), "the upload's temporary file")
    connection.sock.shutdown(socket.SHUT_RDWR)
    connection.close()
    wait_until(lambda: _temps(glue_emulator.server.data_dir), "the temporary file removed", until=lambda t: t == [])
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0
    s3.put_object(Bucket=BUCKET, Key="after", Body=b"still serving")
    assert s3.get_object(Bucket=BUCKET, Key="after")["Body"].read() == b"still serving"


def test_a_body_refused_before_it_is_read_is_drained_and_the_connection_goes_on(glue_emulator, data):
    connection = _connect(glue_emulator.server)
    _start_put(connection, "/no-such-bucket-here/k", SIZE, {"Expect": "100-continue"})
    connection.send(data)
    response = connection.getresponse()
    assert (response.status, _code(response.read())) == (404, "NoSuchBucket")
    connection.request("GET", "/_emulator/health", headers={"X-Glue-Emulator": "1"})
    assert connection.getresponse().status == 200


def test_a_large_aws_chunked_body_is_decoded_as_it_arrives(glue_emulator, s3, data):
    chunks = b"".join(b"%x;chunk-signature=%s\r\n%s\r\n" % (len(piece), b"0" * 64, piece)
                      for piece in (data[i:i + 64 * 1024] for i in range(0, SIZE, 64 * 1024)))
    trailer = f"x-amz-checksum-crc32:{_b64(zlib.crc32(data).to_bytes(4, 'big'))}\r\n".encode()
    payload = chunks + b"0\r\n" + trailer + b"\r\n"
    status, _, raw = glue_emulator.server.request("PUT", f"/{BUCKET}/chunked", payload, {
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(SIZE), "x-amz-trailer": "x-amz-checksum-crc32"})
    assert status == 200, raw
    assert s3.get_object(Bucket=BUCKET, Key="chunked")["Body"].read() == data


def test_boto3_multipart_transfers_round_trip(s3, tmp_path, data):
    source = tmp_path / "source"
    source.write_bytes(data * 3)  # 18 MB: s3transfer's 8 MB parts, and ranged downloads on threads
    s3.upload_file(str(source), BUCKET, "multi")
    s3.download_file(BUCKET, "multi", str(tmp_path / "back"))
    assert (tmp_path / "back").read_bytes() == data * 3


def test_ended_uploads_leave_no_folder(glue_emulator, s3, data):
    uploads = glue_emulator.server.data_dir / "s3" / ".multipart"
    for end in ("complete", "abort"):
        upload = s3.create_multipart_upload(Bucket=BUCKET, Key=end)["UploadId"]
        etag = s3.upload_part(Bucket=BUCKET, Key=end, UploadId=upload, PartNumber=1, Body=data)["ETag"]
        assert (uploads / upload / "1").stat().st_size == SIZE
        if end == "complete":
            s3.complete_multipart_upload(Bucket=BUCKET, Key=end, UploadId=upload,
                                         MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
        else:
            s3.abort_multipart_upload(Bucket=BUCKET, Key=end, UploadId=upload)
        wait_until(lambda: os.listdir(uploads), f"the upload's folder removed ({end})", until=lambda names: names == [])
    assert s3.get_object(Bucket=BUCKET, Key="complete")["Body"].read() == data


def test_what_a_crash_left_being_freed_is_removed_at_start(tmp_path):
    server = EmulatorServer(tmp_path / "data", env={"GLUE_EMULATOR_SPARK_PREWARM": "0"}).start()
    try:
        server.client("s3").create_bucket(Bucket=BUCKET)
        server.kill()
        s3_dir = tmp_path / "data" / "s3"
        removed_upload = s3_dir / ".multipart" / ".glue-emulator-tmp-0123"
        removed_upload.mkdir(parents=True)
        (removed_upload / "1").write_bytes(b"part")
        replaced = s3_dir / ".staging" / ".glue-emulator-tmp-4567-replaced"
        replaced.parent.mkdir(exist_ok=True)
        replaced.write_bytes(b"an overwritten object")
        for path in (removed_upload / "1", removed_upload, replaced):
            os.utime(path, (time.time() - 60, time.time() - 60))
        server.start()
        wait_until(lambda: removed_upload.exists() or replaced.exists(), "both removed", until=lambda left: not left)
    finally:
        server.stop()


def test_stalled_uploads_time_out_and_cannot_take_every_thread(tmp_path, data):
    """4 request threads: at most 2 bodies stream at once; stalled ones end with RequestTimeout."""
    server = EmulatorServer(tmp_path / "data", env={"GLUE_EMULATOR_SPARK_PREWARM": "0",
                                                    "GLUE_EMULATOR_THREADS": "4"}).start()
    stalled: list[http.client.HTTPConnection] = []
    try:
        server.client("s3").create_bucket(Bucket=BUCKET)
        first_sent = time.monotonic()  # no stalled connection was idle before this
        for number in range(6):
            connection = _connect(server)
            _start_put(connection, f"/{BUCKET}/stalled-{number}", SIZE, {})
            connection.send(data[:MB])
            stalled.append(connection)
        started = time.monotonic()  # each stalled connection was idle from before this
        assert server.request("GET", "/_emulator/health")[0] == 200
        assert server.client("s3").list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0
        assert time.monotonic() - started < 5
        answers: dict[int, tuple[int, str, float]] = {}

        def answer(number: int, connection: http.client.HTTPConnection) -> None:
            try:
                response = connection.getresponse()
                answers[number] = (response.status, _code(response.read()), time.monotonic())
            except ConnectionError:
                answers[number] = (0, "closed", time.monotonic())

        readers = [threading.Thread(target=answer, args=item, daemon=True) for item in enumerate(stalled)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(serving.IDLE_TIMEOUT + 20)
        # The two streamed bodies are answered S3's RequestTimeout; waitress' idle sweep closes the 4 others.
        assert sorted(code for _, code, _ in answers.values()) == ["RequestTimeout"] * 2 + ["closed"] * 4, answers
        # Each ended once idle for IDLE_TIMEOUT (swept every second): measured from when its bytes may have been sent
        # at the earliest and the latest, so that a slow start of the six (a loaded machine) moves neither bound.
        assert all(first_sent + serving.IDLE_TIMEOUT - 1 <= ended <= started + serving.IDLE_TIMEOUT + 10
                   for *_, ended in answers.values()), (first_sent, started, answers)
        assert _temps(server.data_dir) == []
        assert server.client("s3").list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0
    finally:
        for connection in stalled:
            connection.close()
        server.stop()
