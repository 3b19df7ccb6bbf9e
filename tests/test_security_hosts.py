"""Host and Origin checks, and cross-site requests to the emulator's endpoints (security/hosts.py, security/)."""

from __future__ import annotations

import http.client
import json
from typing import Any
from xml.etree import ElementTree

import pytest
from botocore.exceptions import ClientError

from emulator.security.hosts import HostPolicy, hostname_of
from emulator.testing import EmulatorServer

QUIET = {"GLUE_EMULATOR_SPARK_PREWARM": "0"}


def raw(server: EmulatorServer, method: str, path: str, body: bytes = b"",
        headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """An HTTP request to the server's socket with exactly these headers (Host included)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def glue_call(server: EmulatorServer, operation: str, params: dict[str, Any], **headers: str) -> tuple[int, Any]:
    all_headers = {"Host": f"127.0.0.1:{server.port}", "X-Amz-Target": f"AWSGlue.{operation}",
                   "Content-Type": "application/x-amz-json-1.1", **headers}
    status, _, body = raw(server, "POST", "/", json.dumps(params).encode(), all_headers)
    return status, json.loads(body)


def s3_code(body: bytes) -> str | None:
    return ElementTree.fromstring(body).findtext("Code")


# -- unit: the policy ---------------------------------------------------------------------------------


def test_policy_allows_loopback_names_addresses_and_configured_hosts():
    policy = HostPolicy(["glue", "*.corp.example", "Docker.Internal:4566"], bind_host="0.0.0.0")
    for host in ("localhost", "localhost:4566", "LOCALHOST.", "bucket.localhost:4566", "b.s3.localhost",
                 "127.0.0.1:4566", "127.9.9.9", "[::1]:4566", "10.1.2.3:4566", "172.17.0.2",
                 "glue:4566", "a.corp.example", "x.y.corp.example:80", "docker.internal"):
        assert policy.allows_host(host), host
    for host in (None, "", "attacker.example:4566", "localhost.attacker.example", "corp.example",
                 "glue.attacker.example", "127.0.0.1.nip.io", "evil-localhost"):
        assert not policy.allows_host(host), host


def test_policy_binds_name_and_wildcard():
    assert HostPolicy([], bind_host="devbox.lan").allows_host("devbox.lan:4566")
    assert not HostPolicy([], bind_host="0.0.0.0").allows_host("devbox.lan:4566")
    assert HostPolicy(["*"]).allows_host("anything.example")


def test_policy_origins():
    policy = HostPolicy(["app.test"])
    for origin in (None, "http://localhost:3000", "https://127.0.0.1", "http://app.test:8080", "http://x.localhost"):
        assert policy.allows_origin(origin), origin
    for origin in ("http://[::1]:8888", "http://127.0.0.2"):
        assert policy.allows_origin(origin), origin
    for origin in ("null", "https://attacker.example", "file://", "chrome-extension://abc", "http://[bad",
                   "http://203.0.113.5", "http://192.168.1.20:8080", "http://[2001:db8::1]"):
        assert not policy.allows_origin(origin), origin
    assert HostPolicy(["192.168.1.20"]).allows_origin("http://192.168.1.20:8080")  # unless the user adds it


def test_hostname_of():
    assert hostname_of("[::1]:4566") == "::1"
    assert hostname_of("Bucket.LocalHost:1") == "bucket.localhost"
    assert hostname_of("example.com.") == "example.com"


# -- a served request with a foreign Host: DNS rebinding ------------------------------------------------


def test_rebinding_host_cannot_put_a_script_create_or_start_a_job(glue_emulator):
    server = glue_emulator.server
    evil = {"Host": f"attacker.example:{server.port}"}
    glue_emulator.s3.create_bucket(Bucket="scripts")

    status, _, body = raw(server, "PUT", "/scripts/evil.py", b"import os; os.system('id')", evil)
    assert (status, s3_code(body)) == (403, "AccessDenied")
    assert b"GLUE_EMULATOR_ALLOWED_HOSTS" in body
    assert "Contents" not in glue_emulator.s3.list_objects_v2(Bucket="scripts")

    job = {"Name": "evil", "Role": "r", "Command": {"Name": "pythonshell", "ScriptLocation": "s3://scripts/evil.py"}}
    status, error = glue_call(server, "CreateJob", job, **evil)
    assert (status, error["__type"]) == (403, "AccessDeniedException")
    assert "attacker.example" in error["Message"] and "GLUE_EMULATOR_ALLOWED_HOSTS" in error["Message"]
    status, error = glue_call(server, "StartJobRun", {"JobName": "evil"}, **evil)
    assert (status, error["__type"]) == (403, "AccessDeniedException")
    assert glue_emulator.glue.get_jobs()["Jobs"] == []

    status, _, _ = raw(server, "POST", "/_emulator/reset", b"{}", {**evil, "Content-Type": "application/json"})
    assert status == 403
    assert glue_emulator.s3.head_bucket(Bucket="scripts")["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_boto3_with_a_foreign_host_header_gets_access_denied(glue_emulator):
    glue = glue_emulator.server.client("glue")
    glue.meta.events.register("before-send.glue.*", lambda request, **_: request.headers.__setitem__(
        "Host", "rebound.attacker.example"))
    with pytest.raises(ClientError) as caught:
        glue.get_databases()
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_a_request_without_host_is_refused(glue_emulator):
    status, _, body = raw(glue_emulator.server, "GET", "/")
    assert (status, s3_code(body)) == (403, "AccessDenied")


def test_loopback_names_and_addresses_are_served(glue_emulator):
    server = glue_emulator.server
    for host in ("localhost", "127.0.0.1", "[::1]", "glue.localhost"):
        status, databases = glue_call(server, "GetDatabases", {}, Host=f"{host}:{server.port}")
        assert (status, databases) == (200, {"DatabaseList": []}), host
    status, _, _ = raw(server, "PUT", "/", b"", {"Host": f"vbucket.s3.localhost:{server.port}"})
    assert status == 200
    assert [b["Name"] for b in glue_emulator.s3.list_buckets()["Buckets"]] == ["vbucket"]


# -- cross-site requests -------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                                          None])
def test_simple_requests_cannot_reset(glue_emulator, content_type):
    server = glue_emulator.server
    glue_emulator.glue.create_database(DatabaseInput={"Name": "kept"})
    headers = {"Host": f"127.0.0.1:{server.port}", **({"Content-Type": content_type} if content_type else {})}
    for path in ("/_emulator/reset", "/moto-api/reset"):
        status, _, body = raw(server, "POST", path, b"{}", headers)
        assert (status, json.loads(body)["__type"]) == (403, "AccessDeniedException"), path
        assert "X-Glue-Emulator" in json.loads(body)["Message"]
    assert [d["Name"] for d in glue_emulator.glue.get_databases()["DatabaseList"]] == ["kept"]


def test_simple_request_cannot_deliver_a_workflow_event(glue_emulator):
    server = glue_emulator.server
    glue = glue_emulator.glue
    glue.create_workflow(Name="wf")
    glue.create_job(Name="j", Role="r", Command={"Name": "pythonshell", "ScriptLocation": "s3://nowhere/j.py"})
    glue.create_trigger(Name="on-event", WorkflowName="wf", Type="EVENT", Actions=[{"JobName": "j"}],
                        EventBatchingCondition={"BatchSize": 2})  # an EVENT trigger takes events as created
    event = {"Host": f"localhost:{server.port}"}
    status, _, body = raw(server, "POST", "/_emulator/workflows/wf/events", b'{"id": "e1"}',
                          {**event, "Content-Type": "text/plain"})
    assert (status, json.loads(body)["__type"]) == (403, "AccessDeniedException")
    # The refused event was not batched: a deliberate one is the first of the batch of 2.
    status, _, body = raw(server, "POST", "/_emulator/workflows/wf/events", b'{"id": "e2"}',
                          {**event, "Content-Type": "application/json"})
    assert (status, json.loads(body)["Status"]) == (200, "BATCHED")
    assert glue.get_workflow_runs(Name="wf")["Runs"] == []


def test_cross_site_origin_is_refused_even_with_json(glue_emulator):
    server = glue_emulator.server
    glue_emulator.glue.create_database(DatabaseInput={"Name": "kept"})
    headers = {"Host": f"127.0.0.1:{server.port}", "Content-Type": "application/json",
               "Origin": "https://attacker.example"}
    status, _, body = raw(server, "POST", "/_emulator/reset", b"{}", headers)
    assert (status, json.loads(body)["__type"]) == (403, "AccessDeniedException")
    assert "Origin" in json.loads(body)["Message"]
    for origin in ("null", "http://203.0.113.5"):  # a page served from a plain IP address is another site too
        status, _, body = raw(server, "POST", "/_emulator/reset", b"{}", {**headers, "Origin": origin})
        assert status == 403, origin
    assert [d["Name"] for d in glue_emulator.glue.get_databases()["DatabaseList"]] == ["kept"]


def test_cross_site_post_to_s3_is_refused(glue_emulator):
    """A page may POST text/plain to any URL: S3's DeleteObjects is a POST."""
    server = glue_emulator.server
    glue_emulator.s3.create_bucket(Bucket="data")
    glue_emulator.s3.put_object(Bucket="data", Key="a", Body=b"1")
    body = b"<Delete><Object><Key>a</Key></Object></Delete>"
    status, _, reply = raw(server, "POST", "/data?delete", body, {
        "Host": f"127.0.0.1:{server.port}", "Content-Type": "text/plain", "Origin": "https://attacker.example",
        "Content-MD5": "x"})
    assert (status, s3_code(reply)) == (403, "AccessDenied")
    assert glue_emulator.s3.get_object(Bucket="data", Key="a")["Body"].read() == b"1"


def test_same_site_and_deliberate_callers_still_work(glue_emulator):
    server = glue_emulator.server
    base = {"Host": f"localhost:{server.port}"}
    for headers in ({"Content-Type": "application/json"}, {"X-Glue-Emulator": "1"},
                    {"Content-Type": "application/json; charset=utf-8", "Origin": f"http://localhost:{server.port}"},
                    {"Content-Type": "application/json", "Origin": "http://127.0.0.1:3000"}):
        glue_emulator.glue.create_database(DatabaseInput={"Name": "gone"})
        status, _, body = raw(server, "POST", "/_emulator/reset", b"{}", {**base, **headers})
        assert (status, json.loads(body)) == (200, {"reset": True}), headers
        assert glue_emulator.glue.get_databases()["DatabaseList"] == []
    status, _, body = raw(server, "GET", "/_emulator/health", b"", base)
    assert status == 200 and json.loads(body)["status"] == "running"


# -- hosts the user adds ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose_server(tmp_path_factory: pytest.TempPathFactory):
    env = {**QUIET, "GLUE_EMULATOR_ALLOWED_HOSTS": "glue, host.docker.internal,*.corp.example"}
    server = EmulatorServer(tmp_path_factory.mktemp("hosts") / "data", env=env).start()
    yield server
    server.stop()


def test_configured_names_are_served_and_others_still_refused(compose_server):
    for host in ("glue", "host.docker.internal", "etl.corp.example", "localhost"):
        status, databases = glue_call(compose_server, "GetDatabases", {}, Host=f"{host}:{compose_server.port}")
        assert (status, databases) == (200, {"DatabaseList": []}), host
    for host in ("corp.example", "glue.attacker.example"):
        status, error = glue_call(compose_server, "GetDatabases", {}, Host=f"{host}:{compose_server.port}")
        assert (status, error["__type"]) == (403, "AccessDeniedException"), host
    status, _, _ = raw(compose_server, "POST", "/_emulator/reset", b"{}", {
        "Host": f"glue:{compose_server.port}", "Content-Type": "application/json", "Origin": "http://etl.corp.example"})
    assert status == 200
