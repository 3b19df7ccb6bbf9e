"""Connections of the Data Catalog, through boto3 against a live emulator."""

from __future__ import annotations

import time

import pytest

ACCOUNT = "123456789012"
JDBC_PROPERTIES = {
    "JDBC_CONNECTION_URL": "jdbc:postgresql://db.example.com:5432/sales",
    "USERNAME": "etl",
    "PASSWORD": "s3cret",
    "ENCRYPTED_PASSWORD": "AQICAH...",
}


def _connection_input(name: str, **extra) -> dict:
    return {
        "Name": name,
        "ConnectionType": "JDBC",
        "ConnectionProperties": dict(JDBC_PROPERTIES),
        **extra,
    }


def _names(response: dict) -> list[str]:
    return [c["Name"] for c in response["ConnectionList"]]


def test_create_then_get_returns_the_full_shape(glue_emulator):
    glue = glue_emulator.glue
    before = time.time()
    spec = _connection_input(
        "pg-sales",
        Description="sales warehouse",
        MatchCriteria=["warehouse", "postgres"],
        PhysicalConnectionRequirements={
            "SubnetId": "subnet-1", "SecurityGroupIdList": ["sg-1"], "AvailabilityZone": "us-east-1a",
        },
    )
    assert glue.create_connection(ConnectionInput=spec)["CreateConnectionStatus"] == "READY"
    conn = glue.get_connection(Name="pg-sales")["Connection"]
    created, updated = conn.pop("CreationTime"), conn.pop("LastUpdatedTime")
    assert created == updated
    assert before - 1 <= created.timestamp() <= time.time() + 1
    assert conn == {
        "Name": "pg-sales",
        "Description": "sales warehouse",
        "ConnectionType": "JDBC",
        "MatchCriteria": ["warehouse", "postgres"],
        "ConnectionProperties": JDBC_PROPERTIES,
        "PhysicalConnectionRequirements": {
            "SubnetId": "subnet-1", "SecurityGroupIdList": ["sg-1"], "AvailabilityZone": "us-east-1a",
        },
        "LastUpdatedBy": f"arn:aws:iam::{ACCOUNT}:root",
        "Status": "READY",
        "ConnectionSchemaVersion": 1,
    }


def test_schema_version_2_and_authentication_without_secrets(glue_emulator):
    glue = glue_emulator.glue
    spec = _connection_input(
        "v2",
        SparkProperties={"spark.key": "1"},
        AuthenticationConfiguration={
            "AuthenticationType": "OAUTH2",
            "SecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:s",
            "OAuth2Properties": {
                "OAuth2GrantType": "CLIENT_CREDENTIALS",
                "TokenUrl": "https://auth.example.com/token",
                "OAuth2Credentials": {"UserManagedClientApplicationClientSecret": "hidden"},
            },
        },
    )
    glue.create_connection(ConnectionInput=spec)
    conn = glue.get_connection(Name="v2")["Connection"]
    assert conn["ConnectionSchemaVersion"] == 2
    assert conn["SparkProperties"] == {"spark.key": "1"}
    assert conn["AuthenticationConfiguration"] == {
        "AuthenticationType": "OAUTH2",
        "SecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:s",
        "OAuth2Properties": {"OAuth2GrantType": "CLIENT_CREDENTIALS", "TokenUrl": "https://auth.example.com/token"},
    }


def test_names_are_case_sensitive(glue_emulator):
    glue = glue_emulator.glue
    glue.create_connection(ConnectionInput=_connection_input("Conn"))
    glue.create_connection(ConnectionInput=_connection_input("conn"))
    assert _names(glue.get_connections()) == ["Conn", "conn"]
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_connection(Name="CONN")


def test_create_existing_and_get_missing(glue_emulator):
    glue = glue_emulator.glue
    glue.create_connection(ConnectionInput=_connection_input("c"))
    with pytest.raises(glue.exceptions.AlreadyExistsException) as err:
        glue.create_connection(ConnectionInput=_connection_input("c"))
    assert err.value.response["Error"]["Message"] == "Connection c already exists."
    with pytest.raises(glue.exceptions.EntityNotFoundException) as err:
        glue.get_connection(Name="ghost")
    assert err.value.response["Error"]["Message"] == "Connection ghost not found."


def test_hide_password_leaves_out_password_properties(glue_emulator):
    glue = glue_emulator.glue
    kafka = {"KAFKA_BOOTSTRAP_SERVERS": "b:9092", "KAFKA_SASL_PLAIN_PASSWORD": "p", "KAFKA_SASL_PLAIN_USERNAME": "u"}
    glue.create_connection(ConnectionInput=_connection_input("pg"))
    glue.create_connection(ConnectionInput={"Name": "kafka", "ConnectionType": "KAFKA", "ConnectionProperties": kafka})
    hidden = glue.get_connection(Name="pg", HidePassword=True)["Connection"]["ConnectionProperties"]
    assert hidden == {"JDBC_CONNECTION_URL": JDBC_PROPERTIES["JDBC_CONNECTION_URL"], "USERNAME": "etl"}
    assert glue.get_connection(Name="pg", HidePassword=False)["Connection"]["ConnectionProperties"] == JDBC_PROPERTIES
    listed = {c["Name"]: c["ConnectionProperties"] for c in glue.get_connections(HidePassword=True)["ConnectionList"]}
    assert listed == {
        "kafka": {"KAFKA_BOOTSTRAP_SERVERS": "b:9092", "KAFKA_SASL_PLAIN_USERNAME": "u"},
        "pg": {"JDBC_CONNECTION_URL": JDBC_PROPERTIES["JDBC_CONNECTION_URL"], "USERNAME": "etl"},
    }
    # hiding is a view: the stored password is untouched
    assert glue.get_connections()["ConnectionList"][1]["ConnectionProperties"] == JDBC_PROPERTIES


def test_get_connections_filters(glue_emulator):
    glue = glue_emulator.glue
    glue.create_connection(ConnectionInput=_connection_input("a", MatchCriteria=["x", "y"]))
    glue.create_connection(ConnectionInput=_connection_input("b", MatchCriteria=["x"]))
    glue.create_connection(ConnectionInput={"Name": "c", "ConnectionType": "NETWORK", "ConnectionProperties": {}})
    glue.create_connection(ConnectionInput=_connection_input("d", AthenaProperties={"k": "v"}))
    assert _names(glue.get_connections()) == ["a", "b", "c", "d"]
    assert _names(glue.get_connections(Filter={"ConnectionType": "JDBC"})) == ["a", "b", "d"]
    assert _names(glue.get_connections(Filter={"MatchCriteria": ["x"]})) == ["a", "b"]
    assert _names(glue.get_connections(Filter={"MatchCriteria": ["x", "y"]})) == ["a"]
    assert _names(glue.get_connections(Filter={"MatchCriteria": ["z"]})) == []
    assert _names(glue.get_connections(Filter={"MatchCriteria": []})) == ["a", "b", "c", "d"]
    assert _names(glue.get_connections(Filter={"ConnectionType": "NETWORK", "MatchCriteria": ["x"]})) == []
    assert _names(glue.get_connections(Filter={"ConnectionSchemaVersion": 2})) == ["d"]


def test_get_connections_paginates(glue_emulator):
    glue = glue_emulator.glue
    names = [f"c{i}" for i in range(5)]
    for name in names:
        glue.create_connection(ConnectionInput=_connection_input(name))
    first = glue.get_connections(MaxResults=2)
    assert _names(first) == ["c0", "c1"]
    second = glue.get_connections(MaxResults=2, NextToken=first["NextToken"])
    assert _names(second) == ["c2", "c3"]
    last = glue.get_connections(MaxResults=2, NextToken=second["NextToken"])
    assert _names(last) == ["c4"] and "NextToken" not in last
    paginated = glue.get_paginator("get_connections").paginate(PaginationConfig={"PageSize": 3})
    assert [n for page in paginated for n in _names(page)] == names
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.get_connections(NextToken="garbage")


def test_update_replaces_the_definition(glue_emulator):
    glue = glue_emulator.glue
    glue.create_connection(ConnectionInput=_connection_input("c", Description="old", MatchCriteria=["x"]))
    before = glue.get_connection(Name="c")["Connection"]
    time.sleep(0.01)
    glue.update_connection(
        Name="c",
        ConnectionInput={"Name": "other", "ConnectionType": "NETWORK", "ConnectionProperties": {"HOST": "h"}},
    )
    after = glue.get_connection(Name="c")["Connection"]
    assert after["CreationTime"] == before["CreationTime"]
    assert after["LastUpdatedTime"] > before["LastUpdatedTime"]
    after.pop("CreationTime"), after.pop("LastUpdatedTime")
    assert after == {
        "Name": "c",
        "ConnectionType": "NETWORK",
        "ConnectionProperties": {"HOST": "h"},
        "LastUpdatedBy": f"arn:aws:iam::{ACCOUNT}:root",
        "Status": "READY",
        "ConnectionSchemaVersion": 1,
    }
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_connection(Name="other")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.update_connection(Name="ghost", ConnectionInput=_connection_input("ghost"))


def test_delete_connection(glue_emulator):
    glue = glue_emulator.glue
    glue.create_connection(ConnectionInput=_connection_input("c"))
    glue.delete_connection(ConnectionName="c")
    assert glue.get_connections()["ConnectionList"] == []
    with pytest.raises(glue.exceptions.EntityNotFoundException) as err:
        glue.delete_connection(ConnectionName="c")
    assert err.value.response["Error"]["Message"] == "Connection c not found."


def test_batch_delete_reports_each_name(glue_emulator):
    glue = glue_emulator.glue
    for name in ("a", "b", "c"):
        glue.create_connection(ConnectionInput=_connection_input(name))
    result = glue.batch_delete_connection(ConnectionNameList=["a", "ghost", "c", "a"])
    assert result["Succeeded"] == ["a", "c"]
    assert result["Errors"] == {
        "ghost": {"ErrorCode": "EntityNotFoundException", "ErrorMessage": "Connection ghost not found."},
        "a": {"ErrorCode": "EntityNotFoundException", "ErrorMessage": "Connection a not found."},
    }
    assert _names(glue.get_connections()) == ["b"]
    empty = glue.batch_delete_connection(ConnectionNameList=[])
    assert (empty["Succeeded"], empty["Errors"]) == ([], {})


def test_batch_delete_accepts_at_most_25_names(glue_emulator):
    status, body = glue_emulator.server.glue_raw("BatchDeleteConnection", {"ConnectionNameList": ["x"] * 26})
    assert (status, body["__type"]) == (400, "ValidationException")


def test_connections_are_per_catalog_and_region(glue_emulator):
    glue = glue_emulator.glue
    glue.create_connection(CatalogId="111122223333", ConnectionInput=_connection_input("c"))
    assert glue.get_connections()["ConnectionList"] == []
    assert _names(glue.get_connections(CatalogId="111122223333")) == ["c"]
    glue.create_connection(ConnectionInput=_connection_input("c"))
    assert glue_emulator.client("glue", "eu-west-1").get_connections()["ConnectionList"] == []
