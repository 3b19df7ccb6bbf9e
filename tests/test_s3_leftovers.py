"""S3 leftovers of issue #11: x-amz-content-sha256 is checked, crashed PUTs leave no temp files."""

from __future__ import annotations

import hashlib
import os
import time
from xml.etree import ElementTree

import botocore.exceptions
import pytest
from support import wait_until

from emulator.testing.server import EmulatorServer

BUCKET = "leftovers"
WRONG = "0" * 64


@pytest.fixture
def s3(glue_emulator):
    glue_emulator.s3.create_bucket(Bucket=BUCKET)
    return glue_emulator.s3


def _wrong_sha256(request, **_):
    """Replace the payload hash botocore computed (the emulator checks no signature, only the hash)."""
    request.headers["x-amz-content-sha256"] = WRONG


def _error(body: bytes) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ElementTree.fromstring(body)}


# -- x-amz-content-sha256 -----------------------------------------------------------------------------


def test_put_object_with_a_wrong_payload_hash_is_refused_and_stores_nothing(glue_emulator, s3):
    client = glue_emulator.server.client("s3")
    client.meta.events.register("before-send.s3.PutObject", _wrong_sha256)
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.put_object(Bucket=BUCKET, Key="k", Body=b"payload")
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Code"] == "XAmzContentSHA256Mismatch"
    assert error["Message"] == "The provided 'x-amz-content-sha256' header does not match what was computed."
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0


def test_mismatch_names_both_digests(glue_emulator, s3):
    body = b"hello"
    status, _, raw = glue_emulator.server.request(
        "PUT", f"/{BUCKET}/k", body, {"x-amz-content-sha256": WRONG, "Content-Type": "text/plain"}
    )
    assert status == 400
    error = _error(raw)
    assert error["Code"] == "XAmzContentSHA256Mismatch"
    assert error["ClientComputedContentSHA256"] == WRONG
    assert error["S3ComputedContentSHA256"] == hashlib.sha256(body).hexdigest()


def test_right_hash_unsigned_and_streaming_payloads_are_accepted(glue_emulator, s3):
    server = glue_emulator.server
    body = b"some bytes"
    for key, value in (("hex", hashlib.sha256(body).hexdigest()), ("upper", hashlib.sha256(body).hexdigest().upper()),
                       ("unsigned", "UNSIGNED-PAYLOAD")):
        status, _, raw = server.request("PUT", f"/{BUCKET}/{key}", body, {"x-amz-content-sha256": value})
        assert status == 200, raw
        assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == body
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    status, _, raw = server.request("PUT", f"/{BUCKET}/streaming", chunked, {
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(len(body))})
    assert status == 200, raw
    assert s3.get_object(Bucket=BUCKET, Key="streaming")["Body"].read() == body
    # boto3's own uploads (signed payload over http) keep working, multipart included.
    s3.put_object(Bucket=BUCKET, Key="boto3", Body=body)
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="mp")["UploadId"]
    etag = s3.upload_part(Bucket=BUCKET, Key="mp", UploadId=upload, PartNumber=1, Body=body)["ETag"]
    s3.complete_multipart_upload(Bucket=BUCKET, Key="mp", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert s3.get_object(Bucket=BUCKET, Key="mp")["Body"].read() == body


def test_a_value_that_is_no_hash_is_invalid_argument(glue_emulator, s3):
    status, _, raw = glue_emulator.server.request("PUT", f"/{BUCKET}/k", b"x", {"x-amz-content-sha256": "nonsense"})
    assert status == 400
    assert _error(raw)["Code"] == "InvalidArgument"


def test_upload_part_with_a_wrong_payload_hash_is_refused(glue_emulator, s3):
    client = glue_emulator.server.client("s3")
    client.meta.events.register("before-send.s3.UploadPart", _wrong_sha256)
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="mp")["UploadId"]
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.upload_part(Bucket=BUCKET, Key="mp", UploadId=upload, PartNumber=1, Body=b"part")
    assert caught.value.response["Error"]["Code"] == "XAmzContentSHA256Mismatch"
    assert s3.list_parts(Bucket=BUCKET, Key="mp", UploadId=upload).get("Parts", []) == []


# -- temporary files of interrupted uploads ------------------------------------------------------------


def _temps(root) -> list[str]:
    return [os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names
            if name.startswith(".glue-emulator-tmp-")]


def test_temporary_files_of_uploads_a_crash_interrupted_are_removed_at_start(tmp_path):
    data = tmp_path / "data"
    server = EmulatorServer(data, env={"GLUE_EMULATOR_SPARK_PREWARM": "0"}).start()
    try:
        s3 = server.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="kept/object", Body=b"kept")
        upload = s3.create_multipart_upload(Bucket=BUCKET, Key="mp")["UploadId"]
        server.kill()  # a crash: nobody cleans up
        # What a crash during writes leaves (a large body streams into its temporary file while it arrives):
        # temporary files beside their targets, in folders the write created, and in an upload's folder.
        # One is "fresh": a write of the new server, kept.
        bucket = data / "s3" / BUCKET
        (bucket / "deep" / "new").mkdir(parents=True)
        crashed = [bucket / "deep" / "new" / ".glue-emulator-tmp-1", bucket / "kept" / ".glue-emulator-tmp-2",
                   data / "s3" / ".multipart" / upload / ".glue-emulator-tmp-3"]
        fresh = bucket / "kept" / ".glue-emulator-tmp-4"
        for path in [*crashed, fresh]:
            path.write_bytes(b"x" * 1000)
        for path in crashed:
            os.utime(path, (time.time() - 60, time.time() - 60))
        os.utime(fresh, (time.time() + 3600, time.time() + 3600))
        server.start()
        # The folders the interrupted write made go too, just after its file: wait for both, not the file alone.
        wait_until(lambda: (_temps(data / "s3"), (bucket / "deep").exists()),
                   "only the fresh temporary file left, and no folder `deep`",
                   until=lambda seen: seen == ([str(fresh)], False))
        s3 = server.client("s3")
        assert s3.get_object(Bucket=BUCKET, Key="kept/object")["Body"].read() == b"kept"
        assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["kept/object"]
        assert s3.list_multipart_uploads(Bucket=BUCKET)["Uploads"][0]["UploadId"] == upload
    finally:
        server.stop()
