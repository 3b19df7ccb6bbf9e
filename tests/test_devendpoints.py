"""Dev endpoints over boto3 against a live server (time scale 20: a transition of 60 Glue seconds takes 3 s)."""

from __future__ import annotations

from typing import Any

import pytest
from support import ROLE, TRANSITION_ENV, wait_until

SERVER_ENV = TRANSITION_ENV  # the tests act on endpoints still PROVISIONING or UPDATING
NO_ADDRESSES = ("YarnEndpointAddress", "PrivateAddress", "PublicAddress", "ZeppelinRemoteSparkInterpreterPort",
                "AvailabilityZone", "VpcId")


def _status(glue: Any, name: str) -> dict[str, Any]:
    return glue.get_dev_endpoint(EndpointName=name)["DevEndpoint"]


def _ready(glue: Any, name: str, status: str = "READY") -> dict[str, Any]:
    return wait_until(lambda: _status(glue, name), f"dev endpoint {name} {status}",
                      until=lambda e: e["Status"] == status)


def test_provisioning_then_ready_without_addresses(glue: Any) -> None:
    created = glue.create_dev_endpoint(EndpointName="dev", RoleArn=ROLE, Arguments={"GLUE_PYTHON_VERSION": "2"},
                                       Tags={"team": "a"})
    assert created["Status"] == "PROVISIONING"
    assert created["GlueVersion"] == "0.9" and created["NumberOfNodes"] == 5
    assert created["Arguments"] == {"GLUE_PYTHON_VERSION": "2"}
    endpoint = _ready(glue, "dev")
    assert endpoint["CreatedTimestamp"] == created["CreatedTimestamp"]
    assert not set(NO_ADDRESSES) & set(endpoint), endpoint
    arn = "arn:aws:glue:us-east-1:123456789012:devEndpoint/dev"
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "a"}


def test_update_keys_arguments_and_libraries(glue: Any, server: Any) -> None:
    glue.create_dev_endpoint(EndpointName="dev", RoleArn=ROLE, PublicKeys=["k1", "k2"], GlueVersion="1.0",
                             Arguments={"--enable-glue-datacatalog": "", "GLUE_PYTHON_VERSION": "2"})
    with pytest.raises(glue.exceptions.InvalidInputException):  # still PROVISIONING
        glue.update_dev_endpoint(EndpointName="dev", AddArguments={"a": "b"})
    _ready(glue, "dev")

    glue.update_dev_endpoint(EndpointName="dev", AddPublicKeys=["k3"], DeletePublicKeys=["k1"],
                             AddArguments={"GLUE_PYTHON_VERSION": "3"}, DeleteArguments=["--enable-glue-datacatalog"])
    assert _status(glue, "dev")["Status"] == "UPDATING"
    endpoint = _ready(glue, "dev")
    assert endpoint["PublicKeys"] == ["k2", "k3"] and endpoint["Arguments"] == {"GLUE_PYTHON_VERSION": "3"}
    assert endpoint["LastModifiedTimestamp"] > endpoint["CreatedTimestamp"]
    with pytest.raises(glue.exceptions.InvalidInputException):  # 5 keys at most
        glue.update_dev_endpoint(EndpointName="dev", AddPublicKeys=["k4", "k5", "k6", "k7"])
    with pytest.raises(glue.exceptions.InvalidInputException):  # a PublicKey excludes PublicKeys
        glue.update_dev_endpoint(EndpointName="dev", PublicKey="single")

    # Libraries: a missing object fails the update, an existing one makes it READY.
    glue.update_dev_endpoint(EndpointName="dev", UpdateEtlLibraries=True,
                             CustomLibraries={"ExtraPythonLibsS3Path": "s3://libs/missing.zip"})
    failed = _ready(glue, "dev", "FAILED")
    assert "s3://libs/missing.zip is not an object of the local S3" in failed["FailureReason"]
    s3 = server.client("s3")
    s3.create_bucket(Bucket="libs")
    s3.put_object(Bucket="libs", Key="helpers.zip", Body=b"PK")
    glue.update_dev_endpoint(EndpointName="dev", UpdateEtlLibraries=True,
                             CustomLibraries={"ExtraPythonLibsS3Path": "s3://libs/helpers.zip"})
    endpoint = _ready(glue, "dev")
    assert endpoint["ExtraPythonLibsS3Path"] == "s3://libs/helpers.zip" and "FailureReason" not in endpoint


def test_missing_library_at_creation_fails_provisioning(glue: Any) -> None:
    glue.create_dev_endpoint(EndpointName="dev", RoleArn=ROLE, ExtraJarsS3Path="s3://nobucket/a.jar")
    assert "ExtraJarsS3Path" in _ready(glue, "dev", "FAILED")["FailureReason"]


@pytest.mark.parametrize("members", [
    {"GlueVersion": "2.0"},
    {"Arguments": {"GLUE_PYTHON_VERSION": "3"}},
    {"GlueVersion": "1.0", "Arguments": {"GLUE_PYTHON_VERSION": "3.9"}},
    {"WorkerType": "G.1X"},
    {"NumberOfWorkers": 2},
    {"WorkerType": "G.1X", "NumberOfWorkers": 2, "NumberOfNodes": 3},
    {"WorkerType": "G.2X", "NumberOfWorkers": 150},
    {"WorkerType": "G.4X", "NumberOfWorkers": 2},
    {"NumberOfNodes": 1},
    {"PublicKey": "a", "PublicKeys": ["b"]},
    {"SecurityConfiguration": "missing"},
])
def test_invalid_requests_are_refused(glue: Any, members: dict[str, Any]) -> None:
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.create_dev_endpoint(EndpointName="bad", RoleArn=ROLE, **members)
    assert glue.list_dev_endpoints()["DevEndpointNames"] == []


def test_workers_listing_batch_get_and_delete(glue: Any) -> None:
    glue.create_security_configuration(Name="sc", EncryptionConfiguration={})
    created = glue.create_dev_endpoint(EndpointName="b", RoleArn=ROLE, WorkerType="G.2X", NumberOfWorkers=4,
                                       GlueVersion="1.0", SecurityConfiguration="sc", Tags={"env": "test"})
    assert (created["WorkerType"], created["NumberOfWorkers"], created["SecurityConfiguration"]) == ("G.2X", 4, "sc")
    assert "NumberOfNodes" not in created
    glue.create_dev_endpoint(EndpointName="a", RoleArn=ROLE)
    with pytest.raises(glue.exceptions.AlreadyExistsException):
        glue.create_dev_endpoint(EndpointName="a", RoleArn=ROLE)

    first = glue.get_dev_endpoints(MaxResults=1)
    rest = glue.get_dev_endpoints(NextToken=first["NextToken"])
    assert [e["EndpointName"] for e in first["DevEndpoints"] + rest["DevEndpoints"]] == ["a", "b"]
    assert glue.list_dev_endpoints(Tags={"env": "test"})["DevEndpointNames"] == ["b"]
    batch = glue.batch_get_dev_endpoints(DevEndpointNames=["b", "zz", "b"])
    assert [e["EndpointName"] for e in batch["DevEndpoints"]] == ["b"] and batch["DevEndpointsNotFound"] == ["zz"]

    glue.delete_dev_endpoint(EndpointName="b")
    for call in (lambda: glue.delete_dev_endpoint(EndpointName="b"), lambda: _status(glue, "b"),
                 lambda: glue.update_dev_endpoint(EndpointName="b", AddArguments={"a": "b"})):
        with pytest.raises(glue.exceptions.EntityNotFoundException):
            call()
    assert glue.list_dev_endpoints()["DevEndpointNames"] == ["a"]
