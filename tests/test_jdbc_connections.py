"""JDBC connections: TestConnection really logs in to a PostgreSQL, with USERNAME/PASSWORD or a Secrets Manager
secret of the emulator, and says why when it cannot."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from jdbc_postgres import Postgres
from support import refused_port


def _jdbc(name: str, url: str, **properties: str) -> dict:
    return {"Name": name, "ConnectionType": "JDBC", "ConnectionProperties": {"JDBC_CONNECTION_URL": url, **properties}}


def _error(call) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_a_stored_connection_with_the_right_password_connects(glue_emulator, postgres: Postgres):
    glue = glue_emulator.glue
    glue.create_connection(ConnectionInput=_jdbc("pg", postgres.url(), USERNAME=postgres.user,
                                                 PASSWORD=postgres.password))
    assert glue.test_connection(ConnectionName="pg")["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_a_wrong_password_is_refused_with_the_databases_reason(glue_emulator, postgres: Postgres):
    glue = glue_emulator.glue
    glue.create_connection(ConnectionInput=_jdbc("pg", postgres.url(), USERNAME=postgres.user, PASSWORD="wrong"))
    code, message = _error(lambda: glue.test_connection(ConnectionName="pg"))
    assert code == "InvalidInputException"
    assert f'password authentication failed for user "{postgres.user}"' in message


def test_a_server_that_is_down_is_reported(glue_emulator):
    with refused_port() as port:
        url = f"jdbc:postgresql://127.0.0.1:{port}/db"
        code, message = _error(lambda: glue_emulator.glue.test_connection(
            TestConnectionInput={"ConnectionType": "JDBC", "ConnectionProperties": {
                "JDBC_CONNECTION_URL": url, "USERNAME": "u", "PASSWORD": "p"}}))
    assert code == "InvalidInputException"
    assert "refused" in message and url.split("//")[1].split("/")[0] in message


def test_an_unknown_database_is_reported(glue_emulator, postgres: Postgres):
    code, message = _error(lambda: glue_emulator.glue.test_connection(TestConnectionInput={
        "ConnectionType": "JDBC", "ConnectionProperties": {
            "JDBC_CONNECTION_URL": postgres.url("no_such_db"), "USERNAME": postgres.user,
            "PASSWORD": postgres.password}}))
    assert code == "InvalidInputException" and 'database "no_such_db" does not exist' in message


def test_the_login_can_come_from_a_secret_by_name_or_arn(glue_emulator, postgres: Postgres):
    glue, secrets = glue_emulator.glue, glue_emulator.client("secretsmanager")
    arn = secrets.create_secret(Name="pg-login", SecretString=json.dumps(
        {"username": postgres.user, "password": postgres.password}))["ARN"]
    secrets.create_secret(Name="pg-bad", SecretString=json.dumps({"username": postgres.user, "password": "x"}))
    glue.create_connection(ConnectionInput=_jdbc("by-name", postgres.url(), SECRET_ID="pg-login"))
    glue.create_connection(ConnectionInput={**_jdbc("by-arn", postgres.url()), "AuthenticationConfiguration": {
        "AuthenticationType": "BASIC", "SecretArn": arn}})
    glue.create_connection(ConnectionInput=_jdbc("bad", postgres.url(), SECRET_ID="pg-bad"))
    glue.create_connection(ConnectionInput=_jdbc("missing", postgres.url(), SECRET_ID="nope"))
    glue.test_connection(ConnectionName="by-name")
    glue.test_connection(ConnectionName="by-arn")
    assert "password authentication failed" in _error(lambda: glue.test_connection(ConnectionName="bad"))[1]
    code, message = _error(lambda: glue.test_connection(ConnectionName="missing"))
    assert code == "InvalidInputException" and "Secrets Manager" in message and "nope" in message


def test_a_redshift_url_is_served_by_postgresql(glue_emulator, postgres: Postgres):
    glue_emulator.glue.test_connection(TestConnectionInput={"ConnectionType": "JDBC", "ConnectionProperties": {
        "JDBC_CONNECTION_URL": postgres.url(vendor="redshift"), "USERNAME": postgres.user,
        "PASSWORD": postgres.password}})


def test_bad_requests(glue_emulator, postgres: Postgres):
    glue = glue_emulator.glue
    spec = {"ConnectionType": "JDBC", "ConnectionProperties": {"JDBC_CONNECTION_URL": postgres.url()}}
    assert _error(lambda: glue.test_connection())[0] == "InvalidInputException"
    assert _error(lambda: glue.test_connection(ConnectionName="x", TestConnectionInput=spec))[0] == \
        "InvalidInputException"
    assert _error(lambda: glue.test_connection(ConnectionName="nope"))[0] == "EntityNotFoundException"
    code, message = _error(lambda: glue.test_connection(TestConnectionInput={
        "ConnectionType": "JDBC", "ConnectionProperties": {"JDBC_CONNECTION_URL": "postgres://h/db"}}))
    assert code == "InvalidInputException" and "Invalid JDBC URL" in message
    code, message = _error(lambda: glue.test_connection(TestConnectionInput={
        "ConnectionType": "JDBC", "ConnectionProperties": {"USERNAME": "u"}}))
    assert code == "InvalidInputException" and "JDBC_CONNECTION_URL" in message
