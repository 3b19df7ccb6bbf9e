"""Services beyond Glue, S3 and Logs answer on the same endpoint (served by moto)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import wait_until


def test_sts_answers_for_the_callers_account(glue_emulator):
    identity = glue_emulator.client("sts").get_caller_identity()
    assert identity["Account"] == "123456789012"


def test_secrets_and_iam_work_and_reset_wipes_them(glue_emulator):
    secrets = glue_emulator.client("secretsmanager")
    secrets.create_secret(Name="db/password", SecretString="s3cret")
    assert secrets.get_secret_value(SecretId="db/password")["SecretString"] == "s3cret"
    iam = glue_emulator.client("iam")
    iam.create_role(RoleName="GlueJobRole", AssumeRolePolicyDocument="{}")
    assert iam.get_role(RoleName="GlueJobRole")["Role"]["RoleName"] == "GlueJobRole"

    glue_emulator.server.reset()
    with pytest.raises(secrets.exceptions.ResourceNotFoundException):
        secrets.get_secret_value(SecretId="db/password")


def test_glue_and_s3_are_never_served_by_moto(glue_emulator):
    glue_emulator.glue.create_database(DatabaseInput={"Name": "ours"})
    assert glue_emulator.glue.get_database(Name="ours")["Database"]["Name"] == "ours"
    # moto implements CreateBlueprint too (a record only); the emulator's own registration reads the local S3.
    glue_emulator.glue.create_blueprint(Name="b", BlueprintLocation="s3://b/k")
    blueprint = wait_until(lambda: glue_emulator.glue.get_blueprint(Name="b")["Blueprint"], "blueprint b checked",
                           until=lambda b: b["Status"] != "CREATING")
    assert blueprint["ErrorMessage"] == "BlueprintLocation s3://b/k does not exist in the local S3"
    glue_emulator.s3.create_bucket(Bucket="ours")
    assert [b["Name"] for b in glue_emulator.s3.list_buckets()["Buckets"]] == ["ours"]


@pytest.mark.parametrize("service, call", [
    ("cloudwatch", lambda client: client.describe_alarm_history(AlarmName="job-failed")),  # query protocol
    ("sqs", lambda client: client.list_message_move_tasks(SourceArn="arn:aws:sqs:us-east-1:123456789012:q")),  # JSON
])
def test_an_action_moto_lacks_is_501_at_once_not_a_retried_500(glue_emulator, service, call):
    """moto raises NotImplementedError for actions it lacks; as a 500 InternalFailure boto3 retried it four times
    before raising an error that said nothing. 501 NotImplemented is not retried and names the action."""
    with pytest.raises(ClientError) as caught:
        call(glue_emulator.client(service))
    response = caught.value.response
    assert response["Error"]["Code"] == "NotImplemented"
    assert "action has not been implemented" in response["Error"]["Message"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert response["ResponseMetadata"]["RetryAttempts"] == 0
