"""moto's pass-through is limited to an allowlist: no /moto-api, no Docker-backed services (passthrough.py)."""

from __future__ import annotations

import json
import urllib.request
from xml.etree import ElementTree

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from emulator.passthrough import DEFAULT_SERVICES, NEVER_SERVED
from emulator.testing import EmulatorServer


def signed_request(server: EmulatorServer, method: str, path: str, service: str, body: bytes = b"",
                   headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """A request to `path` signed by botocore for `service`, as an SDK would send it."""
    request = AWSRequest(method, server.endpoint + path, data=body, headers=headers or {})
    SigV4Auth(Credentials("testing", "testing"), service, "us-east-1").add_auth(request)
    return server.request(method, path, body or None, dict(request.headers.items()))


def not_served(caught: pytest.ExceptionInfo[ClientError]) -> str:
    response = caught.value.response
    assert (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]) == (501, "NotImplemented")
    return response["Error"]["Message"]


def test_lambda_is_refused_without_running_anything(glue_emulator):
    awslambda = glue_emulator.client("lambda")
    with pytest.raises(ClientError) as caught:
        awslambda.invoke(FunctionName="anything", Payload=b"{}")
    message = not_served(caught)
    assert "awslambda" in message and "GLUE_EMULATOR_PASSTHROUGH_SERVICES" in message
    with pytest.raises(ClientError) as caught:
        awslambda.list_functions()
    not_served(caught)


@pytest.mark.parametrize("service, call", [
    ("batch", lambda c: c.describe_job_queues()),
    ("cloudformation", lambda c: c.list_stacks()),
    ("stepfunctions", lambda c: c.list_state_machines()),
    ("ecr", lambda c: c.describe_repositories()),  # served by moto, but not on the allowlist
])
def test_services_off_the_allowlist_are_refused_in_their_own_protocol(glue_emulator, service, call):
    with pytest.raises(ClientError) as caught:
        call(glue_emulator.client(service))
    not_served(caught)


def test_allowlisted_services_still_work(glue_emulator):
    assert glue_emulator.client("sts").get_caller_identity()["Account"] == "123456789012"
    sqs = glue_emulator.client("sqs")
    url = sqs.create_queue(QueueName="events")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="hi")
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "hi"
    ssm = glue_emulator.client("ssm")
    ssm.put_parameter(Name="/etl/date", Value="2024-01-01", Type="String")
    assert ssm.get_parameter(Name="/etl/date")["Parameter"]["Value"] == "2024-01-01"


@pytest.mark.parametrize("method, path", [
    ("GET", "/moto-api/"),
    ("GET", "/moto-api/data.json"),
    ("POST", "/moto-api/seed?a=42"),
    ("POST", "/moto-api/config"),
    ("GET", "/moto-api/reset-auth"),
    ("GET", "/favicon.ico"),
    ("GET", "/latest/meta-data/iam/security-credentials/"),
])
def test_motos_own_api_is_unreachable(glue_emulator, method, path):
    status, _, body = signed_request(glue_emulator.server, method, path, "sts",
                                     b"{}" if method == "POST" else b"", {"Content-Type": "application/json"})
    assert status == 501, body
    assert json.loads(body)["__type"] == "NotImplemented"


def test_unsigned_moto_api_paths_are_just_s3_keys(glue_emulator):
    status, _, body = glue_emulator.server.request("GET", "/moto-api/data.json", headers={"X-Glue-Emulator": ""})
    assert status == 404
    assert ElementTree.fromstring(body).findtext("Code") == "NoSuchBucket"


def test_a_second_credential_in_the_header_does_not_pick_the_backend(glue_emulator):
    """Our router reads one credential scope, moto another: the check is on the backend moto picks."""
    server = glue_emulator.server
    header = ("AWS4-HMAC-SHA256 Credential=testing/2024/us-east-1/lambda/aws4_request, "
              "Credential=testing/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00")
    request = urllib.request.Request(server.endpoint + "/2015-03-31/functions/", method="GET",
                                     headers={"Authorization": header})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 501


def test_query_protocol_refusal_is_xml(glue_emulator):
    """A query-protocol request (form body) to a service that is not served gets an <ErrorResponse>."""
    body = b"Action=ListStacks&Version=2010-05-15"
    status, _, reply = signed_request(glue_emulator.server, "POST", "/", "cloudformation", body,
                                     {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 501
    assert ElementTree.fromstring(reply).findtext("Error/Code") == "NotImplemented"


def test_the_lists_are_disjoint():
    assert not DEFAULT_SERVICES & NEVER_SERVED
    assert {"awslambda", "batch", "moto_api", "instance_metadata"} <= NEVER_SERVED


@pytest.fixture(scope="module")
def narrow_server(tmp_path_factory: pytest.TempPathFactory):
    env = {"GLUE_EMULATOR_SPARK_PREWARM": "0", "GLUE_EMULATOR_PASSTHROUGH_SERVICES": "sts,awslambda"}
    server = EmulatorServer(tmp_path_factory.mktemp("narrow") / "data", env=env).start()
    yield server
    server.stop()


def test_the_setting_replaces_the_list_but_never_enables_docker(narrow_server):
    assert narrow_server.client("sts").get_caller_identity()["Account"] == "123456789012"
    for service, call in (("iam", lambda c: c.list_roles()), ("lambda", lambda c: c.list_functions())):
        with pytest.raises(ClientError) as caught:
            call(narrow_server.client(service))
        assert "sts" in not_served(caught)
