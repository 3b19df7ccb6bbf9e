"""Resource policies and the Data Catalog's encryption settings over boto3 against a live server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

CATALOG = "arn:aws:glue:us-east-1:123456789012:catalog"
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "glue:GetTable",
     "Resource": f"{CATALOG}"}]})
OTHER = json.dumps({"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": "*", "Action": "glue:*",
                                                            "Resource": "*"}})


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


def test_catalog_policy_put_get_update_delete(glue: Any) -> None:
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_resource_policy()
    first = glue.put_resource_policy(PolicyInJson=POLICY, PolicyExistsCondition="NOT_EXIST")["PolicyHash"]
    got = glue.get_resource_policy()
    assert got["PolicyInJson"] == POLICY and got["PolicyHash"] == first
    assert got["CreateTime"] == got["UpdateTime"]
    # The catalog's ARN names the same policy as no ARN.
    assert glue.get_resource_policy(ResourceArn=CATALOG)["PolicyHash"] == first

    second = glue.put_resource_policy(PolicyInJson=OTHER, PolicyHashCondition=first,
                                      PolicyExistsCondition="MUST_EXIST")["PolicyHash"]
    assert second != first
    updated = glue.get_resource_policy()
    assert updated["PolicyInJson"] == OTHER and updated["CreateTime"] == got["CreateTime"]
    assert updated["UpdateTime"] >= got["UpdateTime"]

    with pytest.raises(ClientError) as error:
        glue.delete_resource_policy(PolicyHashCondition=first)
    assert _code(error) == "ConditionCheckFailureException"
    glue.delete_resource_policy(PolicyHashCondition=second)
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.delete_resource_policy()


@pytest.mark.parametrize(("existing", "request_members"), [
    (False, {"PolicyExistsCondition": "MUST_EXIST"}),
    (True, {"PolicyExistsCondition": "NOT_EXIST"}),
    (True, {"PolicyHashCondition": "not-the-hash"}),
    (False, {"PolicyHashCondition": "no-policy-yet"}),
])
def test_failed_conditions_change_nothing(glue: Any, existing: bool, request_members: dict[str, str]) -> None:
    if existing:
        glue.put_resource_policy(PolicyInJson=POLICY)
    with pytest.raises(ClientError) as error:
        glue.put_resource_policy(PolicyInJson=OTHER, **request_members)
    assert _code(error) == "ConditionCheckFailureException"
    listed = glue.get_resource_policies()["GetResourcePoliciesResponseList"]
    assert [p["PolicyInJson"] for p in listed] == ([POLICY] if existing else [])


@pytest.mark.parametrize("policy", ["{not json", "[]", '{"Version": "2012-10-17"}',
                                    '{"Statement": [{"Effect": "Maybe"}]}', '{"Statement": []}'])
def test_malformed_policies_are_refused(glue: Any, policy: str) -> None:
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.put_resource_policy(PolicyInJson=policy)


def test_database_and_table_policies_need_their_resource(glue: Any) -> None:
    table_arn = "arn:aws:glue:us-east-1:123456789012:table/sales/orders"
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.put_resource_policy(PolicyInJson=POLICY, ResourceArn=table_arn)
    glue.create_database(DatabaseInput={"Name": "sales"})
    glue.create_table(DatabaseName="sales", TableInput={"Name": "orders"})
    glue.put_resource_policy(PolicyInJson=POLICY, ResourceArn=table_arn, EnableHybrid="TRUE")
    glue.put_resource_policy(PolicyInJson=OTHER)
    assert glue.get_resource_policy(ResourceArn=table_arn)["PolicyInJson"] == POLICY
    assert glue.get_resource_policy(ResourceArn=table_arn.replace("orders", "Orders"))["PolicyInJson"] == POLICY

    first = glue.get_resource_policies(MaxResults=1)
    rest = glue.get_resource_policies(NextToken=first["NextToken"])
    texts = [p["PolicyInJson"] for p in first["GetResourcePoliciesResponseList"] + rest["GetResourcePoliciesResponseList"]]
    assert sorted(texts) == sorted([POLICY, OTHER])

    glue.delete_table(DatabaseName="sales", Name="orders")
    assert [p["PolicyInJson"] for p in glue.get_resource_policies()["GetResourcePoliciesResponseList"]] == [OTHER]
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_resource_policy(ResourceArn=table_arn)

    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.put_resource_policy(PolicyInJson=POLICY, ResourceArn="arn:aws:glue:us-east-1:123456789012:job/j")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_resource_policy(ResourceArn="arn:aws:glue:eu-west-1:123456789012:catalog")


def test_encryption_settings_default_then_as_put(glue: Any) -> None:
    assert glue.get_data_catalog_encryption_settings()["DataCatalogEncryptionSettings"] == {
        "EncryptionAtRest": {"CatalogEncryptionMode": "DISABLED"},
        "ConnectionPasswordEncryption": {"ReturnConnectionPasswordEncrypted": False},
    }
    settings = {
        "EncryptionAtRest": {"CatalogEncryptionMode": "SSE-KMS", "SseAwsKmsKeyId": "alias/glue"},
        "ConnectionPasswordEncryption": {"ReturnConnectionPasswordEncrypted": True, "AwsKmsKeyId": "alias/pw"},
    }
    glue.put_data_catalog_encryption_settings(DataCatalogEncryptionSettings=settings)
    assert glue.get_data_catalog_encryption_settings()["DataCatalogEncryptionSettings"] == settings
    # Another catalog id keeps its own settings.
    other = glue.get_data_catalog_encryption_settings(CatalogId="210987654321")["DataCatalogEncryptionSettings"]
    assert other["EncryptionAtRest"] == {"CatalogEncryptionMode": "DISABLED"}


@pytest.mark.parametrize("settings", [
    {"EncryptionAtRest": {"CatalogEncryptionMode": "SSE-KMS-WITH-SERVICE-ROLE", "SseAwsKmsKeyId": "k"}},
    {"ConnectionPasswordEncryption": {"ReturnConnectionPasswordEncrypted": True}},
])
def test_incomplete_encryption_settings_are_refused(glue: Any, settings: dict[str, Any]) -> None:
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.put_data_catalog_encryption_settings(DataCatalogEncryptionSettings=settings)
    assert glue.get_data_catalog_encryption_settings()["DataCatalogEncryptionSettings"]["EncryptionAtRest"] == {
        "CatalogEncryptionMode": "DISABLED"}
