"""Connection types: the built-ins and registered REST ones, through boto3 against a live emulator."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

PROPERTY = {"Name": "instanceUrl", "Required": True, "PropertyType": "USER_INPUT", "PropertyLocation": "PATH"}
REST_TYPE = {
    "ConnectionType": "REST-ACME",
    "IntegrationType": "REST",
    "Description": "Acme's REST API",
    "ConnectionProperties": {"Url": PROPERTY, "AdditionalRequestParameters": [
        {"Name": "region", "Required": False, "PropertyType": "USER_INPUT", "AllowedValues": ["eu", "us"]}]},
    "ConnectorAuthenticationConfiguration": {"AuthenticationTypes": ["BASIC"]},
    "RestConfiguration": {"GlobalSourceConfiguration": {"RequestMethod": "GET", "RequestPath": "/v1",
                                                        "ResponseConfiguration": {"ResultPath": "$.items"}}},
}


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


def _all_types(glue) -> list[dict]:
    found, token = [], None
    while True:
        page = glue.list_connection_types(MaxResults=40, **({"NextToken": token} if token else {}))
        found += page["ConnectionTypes"]
        token = page.get("NextToken")
        if not token:
            return found


def test_the_built_ins_are_listed_and_described(glue_emulator):
    glue = glue_emulator.glue
    kinds = [brief["ConnectionType"] for brief in _all_types(glue)]
    assert {"JDBC", "KAFKA", "MONGODB", "NETWORK", "SALESFORCE", "DYNAMODB"} <= set(kinds)
    assert len(kinds) == len(set(kinds))
    jdbc = glue.describe_connection_type(ConnectionType="JDBC")
    assert jdbc["Capabilities"]["SupportedDataOperations"] == ["READ", "WRITE"]
    assert jdbc["ConnectionProperties"]["JDBC_CONNECTION_URL"]["Required"] is True
    assert glue.describe_connection_type(ConnectionType="SALESFORCE")["Capabilities"][
        "SupportedAuthenticationTypes"] == ["OAUTH2"]
    with pytest.raises(ClientError) as unknown:
        glue.describe_connection_type(ConnectionType="NOPE")
    assert _code(unknown) == "InvalidInputException"


def test_a_registered_rest_type_is_listed_described_and_deleted(glue_emulator):
    glue = glue_emulator.glue
    arn = glue.register_connection_type(**REST_TYPE, Tags={"team": "data"})["ConnectionTypeArn"]
    assert arn == "arn:aws:glue:us-east-1:123456789012:connectionType/REST-ACME"
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data"}
    assert _all_types(glue)[-1]["ConnectionType"] == "REST-ACME"
    described = glue.describe_connection_type(ConnectionType="REST-ACME")
    assert described["Capabilities"]["SupportedAuthenticationTypes"] == ["BASIC"]
    assert set(described["ConnectionProperties"]) == {"instanceUrl", "region"}
    assert described["ConnectionProperties"]["region"]["AllowedValues"] == [{"Value": "eu"}, {"Value": "us"}]
    assert described["RestConfiguration"] == REST_TYPE["RestConfiguration"]
    with pytest.raises(ClientError) as twice:
        glue.register_connection_type(**REST_TYPE)
    assert _code(twice) == "InvalidInputException"
    glue.delete_connection_type(ConnectionType="REST-ACME")
    with pytest.raises(ClientError) as gone:
        glue.delete_connection_type(ConnectionType="REST-ACME")
    assert _code(gone) == "EntityNotFoundException"
    assert "REST-ACME" not in [brief["ConnectionType"] for brief in _all_types(glue)]


def test_built_ins_cannot_be_registered_or_deleted(glue_emulator):
    glue = glue_emulator.glue
    with pytest.raises(ClientError) as taken:
        glue.register_connection_type(**{**REST_TYPE, "ConnectionType": "JDBC"})
    assert _code(taken) == "InvalidInputException"
    with pytest.raises(ClientError) as builtin:
        glue.delete_connection_type(ConnectionType="KAFKA")
    assert _code(builtin) == "InvalidInputException"
