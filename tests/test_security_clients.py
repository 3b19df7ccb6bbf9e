"""SigV4 verification against signers that are not botocore: the AWS C++ SDK (pyarrow's S3FileSystem) and
libcurl's `--aws-sigv4`. A verifier that only agreed with botocore's quirks would fail here."""

from __future__ import annotations

import json
import shutil
import subprocess
from xml.etree import ElementTree

import pyarrow.fs as pafs
import pytest

from emulator.testing import EmulatorServer

KEY, SECRET = "AKIDOTHERSDK", "other/sdk+secret="


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    env = {"GLUE_EMULATOR_SPARK_PREWARM": "0", "GLUE_EMULATOR_VERIFY_SIGV4": "1",
           "GLUE_EMULATOR_CREDENTIALS": f"{KEY}:{SECRET}"}
    started = EmulatorServer(tmp_path_factory.mktemp("clients") / "data", env=env).start()
    started.client("s3").create_bucket(Bucket="arrow")
    yield started
    started.stop()


def arrow_fs(server: EmulatorServer, secret: str) -> pafs.S3FileSystem:
    return pafs.S3FileSystem(access_key=KEY, secret_key=secret, endpoint_override=f"127.0.0.1:{server.port}",
                             scheme="http", region="us-east-1")


def test_aws_cpp_sdk_right_and_wrong_secret(server):
    fs = arrow_fs(server, SECRET)
    with fs.open_output_stream("arrow/dir/a b+c=d.txt") as out:
        out.write(b"written by the AWS C++ SDK")
    with fs.open_input_stream("arrow/dir/a b+c=d.txt") as stream:
        assert stream.read() == b"written by the AWS C++ SDK"
    listed = fs.get_file_info(pafs.FileSelector("arrow/dir", recursive=True))
    assert [info.path for info in listed] == ["arrow/dir/a b+c=d.txt"]

    with pytest.raises(OSError, match="SIGNATURE_DOES_NOT_MATCH"), \
            arrow_fs(server, "wrong").open_output_stream("arrow/forged") as out:
        out.write(b"x")
    assert "Contents" not in server.client("s3").list_objects_v2(Bucket="arrow", Prefix="forged")


def curl(server: EmulatorServer, service: str, secret: str, path: str, *args: str) -> tuple[int, str]:
    out = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", "--aws-sigv4", f"aws:amz:us-east-1:{service}",
                          "--user", f"{KEY}:{secret}", *args, server.endpoint + path],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    body, _, status = out.rpartition("\n")
    return int(status), body


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_glue_right_and_wrong_secret(server):
    args = ("-H", "X-Amz-Target: AWSGlue.GetDatabases", "-H", "Content-Type: application/x-amz-json-1.1", "-d", "{}")
    assert curl(server, "glue", SECRET, "/", *args) == (200, '{"DatabaseList":[]}')
    status, body = curl(server, "glue", "wrong", "/", *args)
    assert (status, json.loads(body)["__type"]) == (403, "InvalidSignatureException")


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_s3_needs_the_payload_hash_header_as_s3_does(server):
    server.client("s3").put_object(Bucket="arrow", Key="curl/a b+c.txt", Body=b"x")
    path = "/arrow?list-type=2&prefix=curl%2Fa%20b"
    status, body = curl(server, "s3", SECRET, path)  # curl 7.x does not send x-amz-content-sha256
    assert (status, ElementTree.fromstring(body).findtext("Code")) == (400, "InvalidRequest")
    status, body = curl(server, "s3", SECRET, path, "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD")
    assert status == 200, body
    assert "<Key>curl/a b+c.txt</Key>" in body
    status, body = curl(server, "s3", "wrong", path, "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD")
    assert (status, ElementTree.fromstring(body).findtext("Code")) == (403, "SignatureDoesNotMatch")
