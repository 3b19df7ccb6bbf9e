"""Pass-through services refuse what AWS refuses with AWS's 400, where moto alone would answer 500.

Clients that skip parameter validation (boto3 with parameter_validation=False, other SDKs, hand-signed
requests) reach the service with a missing parameter, an unknown action or a broken body.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _json(target: str) -> dict[str, str]:
    return {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target}


def _signed(server: Any, service: str, body: str, headers: dict[str, str]) -> requests.Response:
    request = AWSRequest("POST", server.endpoint + "/", data=body, headers=headers)
    SigV4Auth(Credentials(*server.credentials), service, "us-east-1").add_auth(request)
    return requests.post(server.endpoint + "/", data=body, headers=dict(request.headers), timeout=30)


@pytest.mark.parametrize(
    ("service", "body", "headers", "code", "message"),
    [
        ("sts", "Action=AssumeRole&Version=2011-06-15&RoleSessionName=s", FORM, "ValidationError",
         "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null"),
        ("sts", "Action=GetCallerIdentities&Version=2011-06-15", FORM, "InvalidAction",
         "Could not find operation GetCallerIdentities for version 2011-06-15"),
        ("sns", "Action=Publish&Version=2010-03-31&TopicArn=arn:aws:sns:us-east-1:123456789012:t", FORM,
         "ValidationError", "Value null at 'message'"),
        ("ec2", "Action=DescribeInstanceAttribute&Version=2016-11-15&Attribute=userData", FORM, "MissingParameter",
         "The request must contain the parameter InstanceId"),
        ("secretsmanager", "{not json", _json("secretsmanager.GetSecretValue"), "SerializationException", ""),
        ("secretsmanager", "{}", _json("secretsmanager.GetSecretValue"), "ValidationException",
         "Value null at 'secretId' failed to satisfy constraint: Member must not be null"),
        ("secretsmanager", "{}", _json("secretsmanager.GetSecretValues"), "UnknownOperationException", ""),
        ("ssm", '{"Name": 5}', _json("AmazonSSM.GetParameter"), "SerializationException", "NUMBER_VALUE"),
    ],
)
def test_bad_requests_get_the_aws_400(glue_emulator, service, body, headers, code, message) -> None:
    response = _signed(glue_emulator.server, service, body, headers)
    assert response.status_code == 400, response.text
    assert code in response.text and message in response.text


def test_an_sdk_without_client_side_validation_raises_the_aws_error(glue_emulator) -> None:
    access_key, secret_key = glue_emulator.server.credentials
    loose = boto3.client("secretsmanager", endpoint_url=glue_emulator.server.endpoint, region_name="us-east-1",
                         aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                         config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as caught:
        loose.create_secret(SecretString="x")
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_valid_requests_still_reach_moto(glue_emulator) -> None:
    response = _signed(glue_emulator.server, "sts", "Action=GetCallerIdentity&Version=2011-06-15", FORM)
    assert response.status_code == 200 and "<Account>123456789012</Account>" in response.text
    sns = glue_emulator.client("sns")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    assert sns.publish(TopicArn=topic, Message="job failed", Subject="s")["MessageId"]


def test_ec2_errors_come_in_ec2s_own_document(glue_emulator) -> None:
    ec2 = boto3.client("ec2", endpoint_url=glue_emulator.server.endpoint, region_name="us-east-1",
                       aws_access_key_id=glue_emulator.server.credentials[0],
                       aws_secret_access_key=glue_emulator.server.credentials[1],
                       config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as caught:
        ec2.describe_instance_attribute(Attribute="userData")
    assert caught.value.response["Error"] == {
        "Code": "MissingParameter", "Message": "The request must contain the parameter InstanceId"}
