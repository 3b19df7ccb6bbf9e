"""TagResource, GetTags and UntagResource on every ARN kind a Glue Create* takes Tags for, and the reserved
`aws:` key prefix, through boto3 against a live emulator.

Not in the table: sessions (CreateSession starts a Spark driver; their tags are covered by the sessions tests)
and column statistics task settings (AWS gives them no ARN to tag by).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
PREFIX = f"arn:aws:glue:us-east-1:{ACCOUNT}"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/Glue"
JDBC = {"JDBC_CONNECTION_URL": "jdbc:postgresql://db:5432/crm", "USERNAME": "u", "PASSWORD": "p"}
REST_TYPE = {
    "ConnectionType": "REST-ACME", "IntegrationType": "REST",
    "ConnectionProperties": {"Url": {"Name": "instanceUrl", "Required": True, "PropertyType": "USER_INPUT",
                                     "PropertyLocation": "PATH"}},
    "ConnectorAuthenticationConfiguration": {"AuthenticationTypes": ["BASIC"]},
    "RestConfiguration": {"GlobalSourceConfiguration": {"RequestMethod": "GET", "RequestPath": "/v1",
                                                        "ResponseConfiguration": {"ResultPath": "$.items"}}},
}
DYNAMODB_TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders"
Create = Callable[[Any, dict[str, str]], str]  # (glue, tags) -> the resource's ARN


def _lake(handle: Any) -> None:
    """What integrations need: a DynamoDB table (in the DynamoDB the emulator serves) and a Glue database."""
    handle.client("dynamodb").create_table(
        TableName="orders", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    handle.glue.create_database(DatabaseInput={"Name": "lake"})


def _people(handle: Any) -> None:
    handle.glue.create_database(DatabaseInput={"Name": "crm"})
    handle.glue.create_table(DatabaseName="crm", TableInput={"Name": "people", "StorageDescriptor": {
        "Columns": [{"Name": "id", "Type": "int"}]}})


def _no_setup(handle: Any) -> None:
    return None


def _integration(glue: Any, tags: dict[str, str]) -> str:
    return glue.create_integration(IntegrationName="orders", SourceArn=DYNAMODB_TABLE, TargetArn=f"{PREFIX}:database/lake",
                                   Tags=[{"key": k, "value": v} for k, v in tags.items()])["IntegrationArn"]


def _resource_property(glue: Any, tags: dict[str, str]) -> str:
    return glue.create_integration_resource_property(
        ResourceArn=f"{PREFIX}:database/lake", TargetProcessingProperties={"RoleArn": ROLE},
        Tags=[{"key": k, "value": v} for k, v in tags.items()])["ResourcePropertyArn"]


def _ml_transform(glue: Any, tags: dict[str, str]) -> str:
    transform = glue.create_ml_transform(
        Name="dedupe", InputRecordTables=[{"DatabaseName": "crm", "TableName": "people"}], Role=ROLE, Tags=tags,
        Parameters={"TransformType": "FIND_MATCHES", "FindMatchesParameters": {"PrimaryKeyColumnName": "id"}})
    return f"{PREFIX}:mlTransform/{transform['TransformId']}"


def _schema(glue: Any, tags: dict[str, str]) -> str:
    return glue.create_schema(RegistryId={"RegistryName": "reg"}, SchemaName="orders", DataFormat="JSON",
                              Tags=tags)["SchemaArn"]


# kind (the ARN's resource type) -> (what the Create needs to exist first, the Create)
KINDS: dict[str, tuple[Callable[[Any], None], Create]] = {
    "database": (_no_setup, lambda glue, tags: (glue.create_database(DatabaseInput={"Name": "sales"}, Tags=tags),
                                                f"{PREFIX}:database/sales")[1]),
    "connection": (_no_setup, lambda glue, tags: (glue.create_connection(ConnectionInput={
        "Name": "pg", "ConnectionType": "JDBC", "ConnectionProperties": JDBC}, Tags=tags), f"{PREFIX}:connection/pg")[1]),
    "connectionType": (_no_setup,
                       lambda glue, tags: glue.register_connection_type(**REST_TYPE, Tags=tags)["ConnectionTypeArn"]),
    "catalog": (_no_setup, lambda glue, tags: (glue.create_catalog(Name="lakehouse", CatalogInput={}, Tags=tags),
                                               f"{PREFIX}:catalog/lakehouse")[1]),
    "job": (_no_setup, lambda glue, tags: (glue.create_job(Name="etl", Role=ROLE, Command={
        "Name": "pythonshell", "ScriptLocation": "s3://scripts/etl.py"}, Tags=tags), f"{PREFIX}:job/etl")[1]),
    "crawler": (lambda handle: handle.s3.create_bucket(Bucket="data"), lambda glue, tags: (glue.create_crawler(Name="cr", Role=ROLE, Targets={
        "S3Targets": [{"Path": "s3://data/"}]}, Tags=tags), f"{PREFIX}:crawler/cr")[1]),
    "trigger": (lambda handle: handle.glue.create_job(Name="j", Role=ROLE, Command={
        "Name": "pythonshell", "ScriptLocation": "s3://scripts/j.py"}), lambda glue, tags: (glue.create_trigger(
        Name="od", Type="ON_DEMAND", Actions=[{"JobName": "j"}], Tags=tags), f"{PREFIX}:trigger/od")[1]),
    "workflow": (_no_setup, lambda glue, tags: (glue.create_workflow(Name="wf", Tags=tags), f"{PREFIX}:workflow/wf")[1]),
    "blueprint": (_no_setup, lambda glue, tags: (glue.create_blueprint(
        Name="bp", BlueprintLocation="s3://bp/bp.zip", Tags=tags), f"{PREFIX}:blueprint/bp")[1]),
    "dataQualityRuleset": (_no_setup, lambda glue, tags: (glue.create_data_quality_ruleset(
        Name="rules", Ruleset="Rules = [ RowCount > 0 ]", Tags=tags), f"{PREFIX}:dataQualityRuleset/rules")[1]),
    "customEntityType": (_no_setup, lambda glue, tags: (glue.create_custom_entity_type(
        Name="EMP", RegexString=r"EMP-\d{6}", Tags=tags), f"{PREFIX}:customEntityType/EMP")[1]),
    "devEndpoint": (_no_setup, lambda glue, tags: (glue.create_dev_endpoint(EndpointName="dev", RoleArn=ROLE, Tags=tags),
                                                   f"{PREFIX}:devEndpoint/dev")[1]),
    "usageProfile": (_no_setup, lambda glue, tags: (glue.create_usage_profile(Name="dev", Configuration={
        "JobConfiguration": {"numberOfWorkers": {"DefaultValue": "2"}}}, Tags=tags),
                                                    f"{PREFIX}:usageProfile/dev")[1]),
    "registry": (_no_setup, lambda glue, tags: glue.create_registry(RegistryName="reg", Tags=tags)["RegistryArn"]),
    "schema": (lambda handle: handle.glue.create_registry(RegistryName="reg"), _schema),
    "mlTransform": (_people, _ml_transform),
    "integration": (_lake, _integration),
    "integrationresourceproperty": (_lake, _resource_property),
}


def _created(handle: Any, kind: str, tags: dict[str, str]) -> str:
    setup, create = KINDS[kind]
    setup(handle)
    return create(handle.glue, tags)


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_tag_get_untag_on_each_kind(glue_emulator: Any, kind: str) -> None:
    glue = glue_emulator.glue
    arn = _created(glue_emulator, kind, {"team": "data"})
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data"}
    glue.tag_resource(ResourceArn=arn, TagsToAdd={"env": "dev", "team": "bi"})
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "bi", "env": "dev"}
    glue.untag_resource(ResourceArn=arn, TagsToRemove=["team"])
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"env": "dev"}
    with pytest.raises(ClientError) as reserved:
        glue.tag_resource(ResourceArn=arn, TagsToAdd={"aws:createdBy": "me"})
    assert (_code(reserved), reserved.value.response["ResponseMetadata"]["HTTPStatusCode"]) == \
        ("InvalidInputException", 400)
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"env": "dev"}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_create_with_a_reserved_key_is_refused_and_creates_nothing(glue_emulator: Any, kind: str) -> None:
    glue = glue_emulator.glue
    setup, create = KINDS[kind]
    setup(glue_emulator)
    with pytest.raises(ClientError) as refused:
        create(glue, {"ok": "1", "AWS:Owner": "me"})
    assert _code(refused) == "InvalidInputException"
    assert "aws:" in refused.value.response["Error"]["Message"]
    # Nothing was left behind: the same Create with allowed tags succeeds (no AlreadyExists or Conflict).
    arn = create(glue, {"ok": "1"})
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"ok": "1"}


def test_integration_tags_follow_tag_resource_and_go_with_it(glue_emulator: Any) -> None:
    glue = glue_emulator.glue
    arn = _created(glue_emulator, "integration", {"team": "data"})
    glue.tag_resource(ResourceArn=arn, TagsToAdd={"env": "dev"})
    (described,) = glue.describe_integrations(IntegrationIdentifier=arn)["Integrations"]
    assert described["Tags"] == [{"key": "team", "value": "data"}, {"key": "env", "value": "dev"}]
    glue.delete_integration(IntegrationIdentifier=arn)
    with pytest.raises(ClientError) as gone:
        glue.get_tags(ResourceArn=arn)
    assert _code(gone) == "EntityNotFoundException"


def test_separator_is_the_kinds_own(glue_emulator: Any) -> None:
    glue = glue_emulator.glue
    glue.create_database(DatabaseInput={"Name": "sales"})
    arn = _created(glue_emulator, "integration", {})
    for wrong in (f"{PREFIX}:database:sales", arn.replace(":integration:", ":integration/")):
        with pytest.raises(ClientError) as refused:
            glue.get_tags(ResourceArn=wrong)
        assert _code(refused) == "InvalidInputException"


def test_untagging_a_reserved_key_is_refused(glue_emulator: Any) -> None:
    glue = glue_emulator.glue
    glue.create_database(DatabaseInput={"Name": "sales"}, Tags={"team": "data"})
    with pytest.raises(ClientError) as refused:
        glue.untag_resource(ResourceArn=f"{PREFIX}:database/sales", TagsToRemove=["aws:cloudformation:stack-name"])
    assert _code(refused) == "InvalidInputException"
    assert glue.get_tags(ResourceArn=f"{PREFIX}:database/sales")["Tags"] == {"team": "data"}


def test_an_integration_tag_without_a_key_is_a_validation_error(glue_emulator: Any) -> None:
    _lake(glue_emulator)
    glue = glue_emulator.glue
    with pytest.raises(ClientError) as refused:
        glue.create_integration(IntegrationName="orders", SourceArn=DYNAMODB_TABLE,
                                TargetArn=f"{PREFIX}:database/lake", Tags=[{"value": "data"}])
    assert _code(refused) == "ValidationException"
    assert glue.describe_integrations()["Integrations"] == []
