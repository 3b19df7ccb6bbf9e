"""Opt-in SigV4 verification (GLUE_EMULATOR_VERIFY_SIGV4=1), checked with botocore's own signing.

Right and wrong secrets, unknown keys, unsigned, skewed and expired requests, presigned URLs, tampered
bodies, and the callers the emulator itself has (job runs' boto3, the pytest helpers) keep working.
"""

from __future__ import annotations

import datetime
import io
import json
import time
import urllib.error
import urllib.request
from typing import Any
from xml.etree import ElementTree

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from emulator.security.signatures import AuthFailure, SignatureChecker
from emulator.testing import EmulatorServer

GOOD = ("AKIDEXAMPLEGOOD", "good/secret+key")
ACCOUNT = ("111122223333", "account-secret")
# s3v4: boto3 presigns S3 URLs with SigV2 unless told otherwise, and S3 refuses SigV2 for buckets made since 2020.
CONFIG = Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}, signature_version="s3v4")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    env = {"GLUE_EMULATOR_SPARK_PREWARM": "0", "GLUE_EMULATOR_VERIFY_SIGV4": "1",
           "GLUE_EMULATOR_CREDENTIALS": f"{GOOD[0]}:{GOOD[1]}, {ACCOUNT[0]}:{ACCOUNT[1]}"}
    started = EmulatorServer(tmp_path_factory.mktemp("sigv4") / "data", env=env).start()
    yield started
    started.stop()


@pytest.fixture(autouse=True)
def clean(server: EmulatorServer):
    server.reset()  # signed by the helper with the first configured pair


def client(server: EmulatorServer, service: str, key: str = GOOD[0], secret: str = GOOD[1]) -> Any:
    return boto3.client(service, endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret, config=CONFIG)


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response = caught.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """Shift the time botocore signs with (as a client with a wrong clock would)."""
    real = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)

    def shift(minutes: float) -> None:
        when = real + datetime.timedelta(minutes=minutes)
        monkeypatch.setattr("botocore.auth.get_current_datetime", lambda *_, **__: when)

    return shift


# -- Glue (awsJson) ------------------------------------------------------------------------------------


def test_glue_right_secret_works_wrong_secret_and_unknown_key_do_not(server):
    client(server, "glue").create_database(DatabaseInput={"Name": "signed"})
    assert [d["Name"] for d in client(server, "glue").get_databases()["DatabaseList"]] == ["signed"]

    with pytest.raises(ClientError) as caught:
        client(server, "glue", secret="wrong").create_database(DatabaseInput={"Name": "forged"})
    status, code, message = error_of(caught)
    assert (status, code) == (403, "InvalidSignatureException")
    assert message.startswith("The request signature we calculated does not match the signature you provided.")
    with pytest.raises(ClientError) as caught:
        client(server, "glue", key="AKIDUNKNOWN").get_databases()
    assert error_of(caught) == (403, "UnrecognizedClientException",
                                "The security token included in the request is invalid.")
    assert [d["Name"] for d in client(server, "glue").get_databases()["DatabaseList"]] == ["signed"]


def test_glue_unsigned_and_tampered_requests_are_refused(server):
    status, body = server.glue_raw("CreateDatabase", {"DatabaseInput": {"Name": "anonymous"}})
    assert (status, body["__type"]) == (403, "MissingAuthenticationTokenException")

    request = AWSRequest("POST", server.endpoint + "/", data=b'{"DatabaseInput": {"Name": "meant"}}',
                         headers={"X-Amz-Target": "AWSGlue.CreateDatabase",
                                  "Content-Type": "application/x-amz-json-1.1"})
    SigV4Auth(Credentials(*GOOD), "glue", "us-east-1").add_auth(request)
    headers = dict(request.headers.items())
    status, _, raw = server.request("POST", "/", b'{"DatabaseInput": {"Name": "swapped"}}', headers)
    assert (status, json.loads(raw)["__type"]) == (403, "InvalidSignatureException")
    status, _, raw = server.request("POST", "/", request.body, headers)  # the same request, untouched
    assert status == 200, raw
    assert [d["Name"] for d in client(server, "glue").get_databases()["DatabaseList"]] == ["meant"]


def test_a_signature_for_another_service_is_refused(server):
    request = AWSRequest("POST", server.endpoint + "/", data=b"{}",
                         headers={"X-Amz-Target": "AWSGlue.GetDatabases", "Content-Type": "application/x-amz-json-1.1"})
    SigV4Auth(Credentials(*GOOD), "logs", "us-east-1").add_auth(request)
    status, _, raw = server.request("POST", "/", b"{}", dict(request.headers.items()))
    error = json.loads(raw)
    assert (status, error["__type"]) == (403, "InvalidSignatureException")
    assert error["Message"] == "Credential should be scoped to correct service: 'glue'."


@pytest.mark.parametrize("minutes, text", [(-20, "Signature expired: "), (20, "Signature not yet current: ")])
def test_glue_skewed_requests_are_refused(server, clock, minutes, text):
    clock(minutes)
    with pytest.raises(ClientError) as caught:
        client(server, "glue").get_databases()
    status, code, message = error_of(caught)
    assert (status, code) == (403, "InvalidSignatureException")
    assert message.startswith(text) and message.endswith(" min.)")


def test_within_fifteen_minutes_is_accepted(server, clock):
    clock(-14)
    assert client(server, "glue").get_databases()["DatabaseList"] == []
    clock(14)
    assert client(server, "logs").describe_log_groups()["logGroups"] == []


def test_each_key_pair_is_its_account(server):
    client(server, "glue", *ACCOUNT).create_database(DatabaseInput={"Name": "theirs"})
    database = client(server, "glue", *ACCOUNT).get_database(Name="theirs")["Database"]
    assert database["CatalogId"] == "111122223333"
    # A 12-digit key id with any other secret is refused (job runs' own secret is random per server).
    for secret in ("wrong", "glue-emulator", "testing"):
        with pytest.raises(ClientError) as caught:
            client(server, "glue", ACCOUNT[0], secret).get_databases()
        assert error_of(caught)[1] == "InvalidSignatureException"
    with pytest.raises(ClientError) as caught:
        client(server, "glue", "999988887777", "glue-emulator").get_databases()
    assert error_of(caught)[:2] == (403, "InvalidSignatureException")


# -- S3 -----------------------------------------------------------------------------------------------


def s3_error(raw: bytes) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ElementTree.fromstring(raw)}


def test_s3_right_secret_works_wrong_secret_and_unknown_key_do_not(server):
    s3 = client(server, "s3")
    s3.create_bucket(Bucket="lake")
    s3.put_object(Bucket="lake", Key="dir/a b+c.txt", Body=b"payload")
    assert s3.get_object(Bucket="lake", Key="dir/a b+c.txt")["Body"].read() == b"payload"
    listed = s3.list_objects_v2(Bucket="lake", Prefix="dir/a b", Delimiter="/")
    assert [o["Key"] for o in listed["Contents"]] == ["dir/a b+c.txt"]

    with pytest.raises(ClientError) as caught:
        client(server, "s3", secret="wrong").put_object(Bucket="lake", Key="forged", Body=b"x")
    status, code, _ = error_of(caught)
    assert (status, code) == (403, "SignatureDoesNotMatch")
    details = caught.value.response["Error"]
    assert details["AWSAccessKeyId"] == GOOD[0] and details["StringToSign"].startswith("AWS4-HMAC-SHA256\n")
    with pytest.raises(ClientError) as caught:
        client(server, "s3", key="AKIDUNKNOWN").list_buckets()
    assert error_of(caught) == (403, "InvalidAccessKeyId",
                                "The AWS Access Key Id you provided does not exist in our records.")
    status, _, raw = server.request("GET", "/lake/dir/a%20b%2Bc.txt")
    assert (status, s3_error(raw)["Code"]) == (403, "AccessDenied")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="lake")["Contents"]] == ["dir/a b+c.txt"]


def test_s3_multipart_and_streaming_uploads_verify(server):
    s3 = client(server, "s3")
    s3.create_bucket(Bucket="big")
    data = bytes(range(256)) * 40000  # 10 MB: multipart with 5 MB parts
    s3.upload_fileobj(io.BytesIO(data), "big", "blob",
                      Config=TransferConfig(multipart_threshold=5 * 1024**2, multipart_chunksize=5 * 1024**2))
    assert s3.get_object(Bucket="big", Key="blob")["Body"].read() == data

    # SigV4 streaming: the seed signature (Authorization) is verified, the chunk signatures are not.
    chunks = [b"a" * 70000, b"b" * 1000]
    body = b"".join(b"%x;chunk-signature=%s\r\n%s\r\n" % (len(c), b"0" * 64, c) for c in chunks)
    body += b"0;chunk-signature=" + b"0" * 64 + b"\r\n\r\n"
    headers = {"x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "Content-Encoding": "aws-chunked",
               "x-amz-decoded-content-length": "71000"}
    for secret, expected in (("wrong", 403), (GOOD[1], 200)):
        request = AWSRequest("PUT", server.endpoint + "/big/streamed", data=body, headers=headers)
        SigV4Auth(Credentials(GOOD[0], secret), "s3", "us-east-1").add_auth(request)
        status, _, _ = server.request("PUT", "/big/streamed", body, dict(request.headers.items()))
        assert status == expected
    assert s3.get_object(Bucket="big", Key="streamed")["Body"].read() == b"".join(chunks)


@pytest.mark.parametrize("minutes", [-20, 20])
def test_s3_skewed_requests(server, clock, minutes):
    clock(minutes)
    with pytest.raises(ClientError) as caught:
        client(server, "s3").list_buckets()
    status, code, message = error_of(caught)
    assert (status, code, message) == (403, "RequestTimeTooSkewed",
                                       "The difference between the request time and the current time is too large.")
    assert caught.value.response["Error"]["MaxAllowedSkewMilliseconds"] == "900000"


def fetch(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method), timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_presigned_urls(server, clock):
    s3 = client(server, "s3")
    s3.create_bucket(Bucket="shared")
    s3.put_object(Bucket="shared", Key="report.csv", Body=b"a,b\n")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "shared", "Key": "report.csv"}, ExpiresIn=300)
    assert fetch(url) == (200, b"a,b\n")

    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": "shared", "Key": "upload"}, ExpiresIn=300)
    assert fetch(put_url, "PUT", b"uploaded")[0] == 200
    assert s3.get_object(Bucket="shared", Key="upload")["Body"].read() == b"uploaded"

    forged = client(server, "s3", secret="wrong").generate_presigned_url(
        "get_object", Params={"Bucket": "shared", "Key": "report.csv"}, ExpiresIn=300)
    status, raw = fetch(forged)
    assert (status, s3_error(raw)["Code"]) == (403, "SignatureDoesNotMatch")
    status, raw = fetch(url.replace("report.csv", "upload"))  # a valid signature, for another key
    assert (status, s3_error(raw)["Code"]) == (403, "SignatureDoesNotMatch")

    clock(-120)
    stale = client(server, "s3").generate_presigned_url(
        "get_object", Params={"Bucket": "shared", "Key": "report.csv"}, ExpiresIn=3600)
    status, raw = fetch(stale)
    error = s3_error(raw)
    assert (status, error["Code"], error["Message"]) == (403, "AccessDenied", "Request has expired")
    assert error["X-Amz-Expires"] == "3600" and "ServerTime" in error
    # Within its validity a URL signed long ago is still good (no 15-minute rule for presigned URLs).
    old_but_valid = client(server, "s3").generate_presigned_url(
        "get_object", Params={"Bucket": "shared", "Key": "report.csv"}, ExpiresIn=3 * 3600)
    assert fetch(old_but_valid) == (200, b"a,b\n")


def test_sigv2_presigned_urls_are_refused_as_s3_does(server):
    s3 = client(server, "s3")
    s3.create_bucket(Bucket="old")
    legacy = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=GOOD[0],
                          aws_secret_access_key=GOOD[1], config=Config(signature_version="s3"))
    url = legacy.generate_presigned_url("list_objects", Params={"Bucket": "old"}, ExpiresIn=60)
    assert "Signature=" in url and "X-Amz-Signature" not in url
    status, raw = fetch(url)
    error = s3_error(raw)
    assert (status, error["Code"]) == (400, "InvalidRequest")
    assert error["Message"] == ("The authorization mechanism you have provided is not supported. "
                                "Please use AWS4-HMAC-SHA256.")


def test_presigned_expiry_over_a_week_is_refused(server):
    url = client(server, "s3").generate_presigned_url("list_buckets", ExpiresIn=604801)
    status, raw = fetch(url)
    assert (status, s3_error(raw)["Code"]) == (400, "AuthorizationQueryParametersError")


# -- moto's services and the emulator's own endpoints ---------------------------------------------------


def test_moto_services_are_verified_too(server):
    assert client(server, "sts").get_caller_identity()["Account"] == "123456789012"
    with pytest.raises(ClientError) as caught:
        client(server, "sts", secret="wrong").get_caller_identity()
    assert error_of(caught)[:2] == (403, "SignatureDoesNotMatch")
    with pytest.raises(ClientError) as caught:
        client(server, "iam", key="AKIDUNKNOWN").list_roles()
    assert error_of(caught)[:2] == (403, "InvalidClientTokenId")
    with pytest.raises(ClientError) as caught:
        client(server, "secretsmanager", secret="wrong").list_secrets()
    assert error_of(caught)[:2] == (403, "InvalidSignatureException")


def test_emulator_endpoints_need_a_signature_except_health(server):
    client(server, "glue").create_database(DatabaseInput={"Name": "kept"})
    status, _, raw = server.request("POST", "/_emulator/reset", b"{}", {"Content-Type": "application/json"})
    assert (status, json.loads(raw)["__type"]) == (403, "MissingAuthenticationTokenException")
    assert [d["Name"] for d in client(server, "glue").get_databases()["DatabaseList"]] == ["kept"]
    assert server.request("GET", "/_emulator/health")[0] == 200
    server.reset()
    assert client(server, "glue").get_databases()["DatabaseList"] == []


def test_job_runs_call_back_with_their_own_credentials(server):
    """A job script's boto3 and the bookmark endpoint reach a verifying server (pythonshell: no Spark)."""
    s3, glue = client(server, "s3"), client(server, "glue")
    s3.create_bucket(Bucket="scripts")
    script = ("import boto3\n"
              "boto3.client('glue').create_database(DatabaseInput={'Name': 'made_by_job'})\n"
              "boto3.client('s3').put_object(Bucket='scripts', Key='out.txt', Body=b'done')\n")
    s3.put_object(Bucket="scripts", Key="job.py", Body=script.encode())
    glue.create_job(Name="callback", Role="r", Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/job.py",
                                                        "PythonVersion": "3.9"})
    run_id = glue.start_job_run(JobName="callback")["JobRunId"]
    deadline = time.monotonic() + 120
    while True:
        run = glue.get_job_run(JobName="callback", RunId=run_id)["JobRun"]
        if run["JobRunState"] not in ("STARTING", "RUNNING", "STOPPING", "WAITING") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert glue.get_database(Name="made_by_job")["Database"]["Name"] == "made_by_job"
    assert s3.get_object(Bucket="scripts", Key="out.txt")["Body"].read() == b"done"


def test_verification_without_credentials_does_not_start(tmp_path):
    server = EmulatorServer(tmp_path / "data", env={"GLUE_EMULATOR_SPARK_PREWARM": "0",
                                                    "GLUE_EMULATOR_VERIFY_SIGV4": "1", "GLUE_EMULATOR_CREDENTIALS": ""})
    with pytest.raises(RuntimeError):  # it exits at once; START_TIMEOUT only bounds a machine too loaded to say so
        server.start()
    server.stop()
    assert "GLUE_EMULATOR_CREDENTIALS" in server.log_path.read_text()


# -- unit: what the checker reads ------------------------------------------------------------------------


def test_checker_refuses_sigv2_and_malformed_fields():
    checker = SignatureChecker({"AKID": "secret"})
    cases = {
        "unsupported": ({"Authorization": "AWS AKID:c2lnbmF0dXJl"}, ""),
        "incomplete": ({"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/glue/aws4_request"}, ""),
        "missing": ({}, ""),
    }
    for reason, (headers, query) in cases.items():
        with pytest.raises(AuthFailure) as caught:
            checker.verify("GET", "/", query, {"Host": "localhost", **headers}, b"")
        assert caught.value.reason == reason
    with pytest.raises(AuthFailure) as caught:
        checker.verify("GET", "/", "AWSAccessKeyId=AKID&Signature=x&Expires=1", {"Host": "localhost"}, b"")
    assert caught.value.reason == "unsupported"


def test_run_secret_is_accepted_beside_a_configured_account_key():
    """Runs of account 111122223333 sign with the run secret even when that key id is configured."""
    checker = SignatureChecker({"111122223333": "configured"}, run_secret="per-server")
    for secret in ("configured", "per-server"):
        request = AWSRequest("POST", "http://localhost/", data=b"{}", headers={"X-Amz-Target": "AWSGlue.GetDatabases"})
        SigV4Auth(Credentials("111122223333", secret), "glue", "us-east-1").add_auth(request)
        headers = {"Host": "localhost", **dict(request.headers.items())}
        assert checker.verify("POST", "/", "", headers, b"{}", "glue").access_key == "111122223333"
    SigV4Auth(Credentials("111122223333", "other"), "glue", "us-east-1").add_auth(request)
    with pytest.raises(AuthFailure) as caught:
        checker.verify("POST", "/", "", {"Host": "localhost", **dict(request.headers.items())}, b"{}", "glue")
    assert caught.value.reason == "mismatch"
