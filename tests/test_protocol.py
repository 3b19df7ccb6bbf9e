"""The wire protocol, model-driven validation, isolation and persistence, as a client sees them."""

from __future__ import annotations

import json

import botocore.exceptions
import pytest

from emulator.services import load_json_services
from emulator.shapes import ServiceShapes
from emulator.testing import EmulatorServer

GLUE_OPERATIONS = sorted(ServiceShapes("glue").operations)
QUIET_SERVER_ENV = {"GLUE_EMULATOR_SPARK_PREWARM": "0"}


def test_health_reports_version_and_services(glue_emulator):
    status, _headers, body = glue_emulator.server.request("GET", "/_emulator/health")
    health = json.loads(body)
    assert status == 200
    assert health["status"] == "running"
    assert health["version"] == "0.1.0"
    assert {"glue", "logs", "s3"} <= set(health["services"])


def test_model_has_every_glue_operation():
    assert len(GLUE_OPERATIONS) == 265


@pytest.mark.parametrize("operation", GLUE_OPERATIONS)
def test_every_operation_validates_unknown_members(glue_emulator, operation):
    status, body = glue_emulator.server.glue_raw(operation, {"NotAMember": 1})
    assert status == 400
    assert body["__type"] == "ValidationException"
    assert "'notAMember' failed to satisfy constraint: Member is not a known member" in body["Message"]


def test_missing_required_member_is_named(glue_emulator):
    status, body = glue_emulator.server.glue_raw("CreateDatabase", {"DatabaseInput": {"Description": "x"}})
    assert (status, body["__type"]) == (400, "ValidationException")
    assert body["Message"] == (
        "1 validation error detected: Value null at 'databaseInput.name' failed to satisfy constraint: "
        "Member must not be null"
    )


@pytest.mark.parametrize(
    "operation, body, expected",
    [
        ("GetTables", {"DatabaseName": "d", "MaxResults": 101}, ("at 'maxResults' failed to satisfy constraint: "
         "Member must have value less than or equal to 100")),
        ("GetDatabase", {"Name": ""}, ("Value '' at 'name' failed to satisfy constraint: "
         "Member must have length greater than or equal to 1")),
        ("GetDatabase", {"Name": "x" * 256}, "Member must have length less than or equal to 255"),
        ("GetDatabase", {"Name": 5}, "Value '5' at 'name' failed to satisfy constraint: Member must be of type string"),
        ("GetDatabases", {"ResourceShareType": "MINE"}, ("Value 'MINE' at 'resourceShareType' failed to satisfy "
         "constraint: Member must satisfy enum value set: [FOREIGN, ALL, FEDERATED]")),
        ("CreateDatabase", {"DatabaseInput": {"Name": "bad\u0007name"}}, ("at 'databaseInput.name' failed to "
         "satisfy constraint: Member must satisfy regular expression pattern")),
        ("BatchStopJobRun", {"JobName": "j", "JobRunIds": ["a"] * 26}, ("at 'jobRunIds' failed to satisfy constraint: "
         "Member must have length less than or equal to 25")),
        ("CreateTable", {"DatabaseName": "d", "TableInput": {"Name": "t", "StorageDescriptor": {
            "Columns": [{"Name": "c", "Type": 3}]}}},
         "at 'tableInput.storageDescriptor.columns.1.member.type' failed to satisfy constraint"),
    ],
)
def test_constraint_violations_name_the_member(glue_emulator, operation, body, expected):
    status, answer = glue_emulator.server.glue_raw(operation, body)
    assert (status, answer["__type"]) == (400, "ValidationException")
    assert expected in answer["Message"]


def test_several_violations_are_counted(glue_emulator):
    status, body = glue_emulator.server.glue_raw(
        "GetPartitions", {"DatabaseName": "", "TableName": "t", "MaxResults": 0}
    )
    assert status == 400
    assert body["Message"].startswith("2 validation errors detected: ")


def test_botocore_raises_the_modeled_exception_class(glue_emulator):
    with pytest.raises(glue_emulator.glue.exceptions.EntityNotFoundException) as caught:
        glue_emulator.glue.get_database(Name="missing")
    error = caught.value.response
    assert error["Error"]["Message"] == "Database missing not found."
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/x-amz-json-1.1"
    assert error["ResponseMetadata"]["RequestId"]


def test_unknown_target_is_unknown_operation(glue_emulator):
    status, body = glue_emulator.server.glue_raw("DoesNotExist", {})
    assert (status, body["__type"]) == (400, "UnknownOperationException")
    status, _, raw = glue_emulator.server.request("POST", "/", b"{}", {"X-Amz-Target": "NoSuchService.Op"})
    assert (status, json.loads(raw)["__type"]) == (400, "UnknownOperationException")


def test_unimplemented_operation_is_named_and_not_retried(glue_emulator):
    # an operation without a handler that needs no input: every Glue operation has one now (issue #18), so one of
    # CloudWatch Logs', which the emulator implements only in part
    logs = next(s for s in load_json_services().values() if s.name == "logs")
    unimplemented = sorted(op for op, spec in logs.shapes.operations.items() if op not in logs.handlers
                           and not logs.shapes.shape(spec["input"]).get("required"))
    status, _, raw = glue_emulator.server.request(
        "POST", "/", b"{}", {"X-Amz-Target": f"Logs_20140328.{unimplemented[0]}",
                             "Content-Type": "application/x-amz-json-1.1"})
    body = json.loads(raw)
    assert (status, body["__type"]) == (501, "NotImplementedException")
    assert unimplemented[0] in body["Message"]


@pytest.mark.parametrize(
    "raw, headers, expected_status, expected_type",
    [
        (b"{not json", {}, 400, "SerializationException"),
        (b"[1, 2]", {}, 400, "SerializationException"),
        (b"\xff\xfe\x00", {}, 400, "SerializationException"),
        (b'{"Name": "x"}', {"Content-Type": "text/plain"}, 400, "SerializationException"),
        (b" " * (10 * 1024 * 1024 + 10), {}, 413, "RequestEntityTooLargeException"),
    ],
)
def test_bad_bodies_get_aws_errors_and_the_server_goes_on(glue_emulator, raw, headers, expected_status, expected_type):
    status, body = glue_emulator.server.glue_raw("GetDatabase", raw, headers)
    assert (status, body["__type"]) == (expected_status, expected_type)
    glue_emulator.glue.create_database(DatabaseInput={"Name": "still_serving"})
    assert glue_emulator.glue.get_database(Name="still_serving")["Database"]["Name"] == "still_serving"


def test_path_separators_in_names_are_refused_and_nothing_is_stored(glue_emulator):
    for name in ("../etc", "a/b", "a\\b"):
        with pytest.raises(glue_emulator.glue.exceptions.InvalidInputException):
            glue_emulator.glue.create_database(DatabaseInput={"Name": name})
    assert glue_emulator.glue.get_databases()["DatabaseList"] == []


def test_timestamps_are_epoch_seconds_on_the_wire(glue_emulator):
    glue_emulator.glue.create_database(DatabaseInput={"Name": "ts"})
    status, body = glue_emulator.server.glue_raw("GetDatabase", {"Name": "ts"})
    assert status == 200
    assert isinstance(body["Database"]["CreateTime"], float)


def test_state_is_kept_apart_per_region_and_account(glue_emulator):
    east = glue_emulator.client("glue", "us-east-1")
    west = glue_emulator.client("glue", "eu-west-1")
    east.create_database(DatabaseInput={"Name": "shared_name", "Description": "east"})
    with pytest.raises(west.exceptions.EntityNotFoundException):
        west.get_database(Name="shared_name")
    west.create_database(DatabaseInput={"Name": "shared_name", "Description": "west"})
    assert east.get_database(Name="shared_name")["Database"]["Description"] == "east"
    assert west.get_database(Name="shared_name")["Database"]["Description"] == "west"
    assert east.get_database(Name="shared_name")["Database"]["CatalogId"] == "123456789012"

    other_account = glue_emulator.server.client("glue", "us-east-1", access_key="111122223333")
    with pytest.raises(other_account.exceptions.EntityNotFoundException):
        other_account.get_database(Name="shared_name")
    other_account.create_database(DatabaseInput={"Name": "mine"})
    assert other_account.get_database(Name="mine")["Database"]["CatalogId"] == "111122223333"


@pytest.mark.parametrize("path", ["/_emulator/reset", "/moto-api/reset"])
def test_reset_wipes_all_state(glue_emulator, path):
    glue_emulator.glue.create_database(DatabaseInput={"Name": "gone"})
    glue_emulator.client("glue", "eu-west-1").create_database(DatabaseInput={"Name": "gone"})
    status, _, _ = glue_emulator.server.request("POST", path)
    assert status == 200
    assert glue_emulator.glue.get_databases()["DatabaseList"] == []
    assert glue_emulator.client("glue", "eu-west-1").get_databases()["DatabaseList"] == []


def test_state_survives_restart_and_crash(tmp_path):
    server = EmulatorServer(tmp_path / "data", env=QUIET_SERVER_ENV).start()
    try:
        server.client("glue").create_database(DatabaseInput={"Name": "kept", "Description": "before restart"})
    finally:
        server.stop()
    server.start()
    try:
        glue = server.client("glue")
        assert glue.get_database(Name="kept")["Database"]["Description"] == "before restart"
        glue.create_database(DatabaseInput={"Name": "acknowledged_then_crash"})
    finally:
        server.kill()  # SIGKILL right after the acknowledged write
    server.start()
    try:
        names = [d["Name"] for d in server.client("glue").get_databases()["DatabaseList"]]
        assert names == ["acknowledged_then_crash", "kept"]
    finally:
        server.stop()


def test_client_side_validation_is_not_needed(glue_emulator):
    """With botocore's own validation off, the server still refuses what the model forbids."""
    import boto3
    from botocore.config import Config

    glue = boto3.client(
        "glue", endpoint_url=glue_emulator.endpoint, region_name="us-east-1", aws_access_key_id="k",
        aws_secret_access_key="s", config=Config(parameter_validation=False, retries={"max_attempts": 1}),
    )
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        glue.get_database()
    assert caught.value.response["Error"]["Code"] == "ValidationException"
