"""What a newcomer hit in zero-ETL integrations, through boto3 against a live server.

A database of a catalog made by CreateCatalog has the ARN `arn:aws:glue:<region>:<account>:database/<catalog>/
<database>` ("Specifying AWS Glue resource ARNs", Glue developer guide); an integration can target it.
"""

from __future__ import annotations

from typing import Any

import pytest

ACCOUNT = "123456789012"
PREFIX = f"arn:aws:glue:us-east-1:{ACCOUNT}"
TABLE_ARN = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders"


@pytest.fixture
def glue(glue_emulator: Any) -> Any:
    glue_emulator.client("dynamodb").create_table(
        TableName="orders", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    glue_emulator.glue.create_catalog(Name="lakehouse", CatalogInput={})
    glue_emulator.glue.create_database(CatalogId=f"{ACCOUNT}:lakehouse", DatabaseInput={"Name": "sales"})
    return glue_emulator.glue


def test_a_database_of_a_created_catalog_is_a_target(glue: Any) -> None:
    target = f"{PREFIX}:database/lakehouse/sales"
    made = glue.create_integration(IntegrationName="orders", SourceArn=TABLE_ARN, TargetArn=target)
    assert made["TargetArn"] == target
    glue.create_integration_resource_property(
        ResourceArn=target, TargetProcessingProperties={"RoleArn": f"arn:aws:iam::{ACCOUNT}:role/zetl"})
    assert glue.get_integration_resource_property(ResourceArn=target)["ResourceArn"] == target


def test_a_missing_database_of_a_created_catalog_is_not_found(glue: Any) -> None:
    for target in (f"{PREFIX}:database/lakehouse/nope", f"{PREFIX}:database/nocatalog/sales"):
        with pytest.raises(glue.exceptions.EntityNotFoundException):
            glue.create_integration(IntegrationName="orders", SourceArn=TABLE_ARN, TargetArn=target)
