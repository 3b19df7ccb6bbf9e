"""Catalogs (CreateCatalog and the rest), through boto3 against a live emulator."""

from __future__ import annotations

import time

import pytest
from support import error_of

ACCOUNT = "123456789012"
REDSHIFT = "arn:aws:redshift:us-east-1:123456789012:namespace:0e1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"


@pytest.fixture
def glue(glue_emulator):
    return glue_emulator.glue


def test_the_default_catalog_always_exists_and_cannot_be_changed(glue):
    catalog = glue.get_catalog(CatalogId=ACCOUNT)["Catalog"]
    assert catalog["CatalogId"] == ACCOUNT
    assert catalog["ResourceArn"] == f"arn:aws:glue:us-east-1:{ACCOUNT}:catalog"
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.delete_catalog(CatalogId=ACCOUNT)
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.update_catalog(CatalogId=ACCOUNT, CatalogInput={"Description": "x"})
    with pytest.raises(glue.exceptions.EntityNotFoundException, match="Catalog 999999999999:nope not found"):
        glue.get_catalog(CatalogId="999999999999:nope")


def test_create_get_update_delete_a_federated_catalog(glue):
    before = time.time()
    glue.create_catalog(
        Name="Lakehouse",
        CatalogInput={
            "Description": "Redshift managed storage",
            "TargetRedshiftCatalog": {"CatalogArn": REDSHIFT},
            "Parameters": {"team": "bi"},
            "CatalogProperties": {
                "DataLakeAccessProperties": {"DataLakeAccess": True, "CatalogType": "aws:redshift"},
                "IcebergOptimizationProperties": {"RoleArn": f"arn:aws:iam::{ACCOUNT}:role/opt",
                                                  "Retention": {"snapshotRetentionPeriodInDays": "3"}},
            },
        },
        Tags={"env": "dev"},
    )
    catalog = glue.get_catalog(CatalogId=f"{ACCOUNT}:lakehouse")["Catalog"]
    assert catalog["CatalogId"] == f"{ACCOUNT}:lakehouse" and catalog["Name"] == "lakehouse"
    assert catalog["ResourceArn"] == f"arn:aws:glue:us-east-1:{ACCOUNT}:catalog/lakehouse"
    assert catalog["TargetRedshiftCatalog"] == {"CatalogArn": REDSHIFT}
    assert catalog["Parameters"] == {"team": "bi"}
    assert catalog["CatalogProperties"]["DataLakeAccessProperties"] == {"DataLakeAccess": True,
                                                                         "CatalogType": "aws:redshift"}
    optimization = catalog["CatalogProperties"]["IcebergOptimizationProperties"]
    assert optimization["Retention"] == {"snapshotRetentionPeriodInDays": "3"}
    assert optimization["LastUpdatedTime"].timestamp() >= before - 1
    assert catalog["CreateTime"].timestamp() >= before - 1
    assert glue.get_tags(ResourceArn=catalog["ResourceArn"])["Tags"] == {"env": "dev"}
    with pytest.raises(glue.exceptions.AlreadyExistsException):
        glue.create_catalog(Name="lakehouse", CatalogInput={})

    glue.update_catalog(CatalogId=f"{ACCOUNT}:lakehouse",
                        CatalogInput={"FederatedCatalog": {"Identifier": "arn:aws:s3tables:::bucket/b",
                                                           "ConnectionName": "aws:s3tables"}})
    updated = glue.get_catalog(CatalogId=f"{ACCOUNT}:LAKEHOUSE")["Catalog"]
    assert updated["FederatedCatalog"] == {"Identifier": "arn:aws:s3tables:::bucket/b", "ConnectionName": "aws:s3tables"}
    assert "TargetRedshiftCatalog" not in updated and updated["CreateTime"] == catalog["CreateTime"]

    glue.delete_catalog(CatalogId=f"{ACCOUNT}:lakehouse")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_catalog(CatalogId=f"{ACCOUNT}:lakehouse")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.delete_catalog(CatalogId=f"{ACCOUNT}:lakehouse")


def test_a_catalog_name_with_a_slash_or_dot_is_refused(glue):
    for name in ("a/b", "a.b", "aws:x"):
        with pytest.raises(glue.exceptions.ClientError) as caught:
            glue.create_catalog(Name=name, CatalogInput={})
        assert error_of(caught)[0] in ("ValidationException", "InvalidInputException")


def test_get_catalogs_lists_pages_and_includes_the_root_on_request(glue):
    for name in ("c1", "c2", "c3"):
        glue.create_catalog(Name=name, CatalogInput={"Description": name})
    ids = [c["CatalogId"] for c in glue.get_catalogs()["CatalogList"]]
    assert ids == [f"{ACCOUNT}:c1", f"{ACCOUNT}:c2", f"{ACCOUNT}:c3"]
    with_root = [c["CatalogId"] for c in glue.get_catalogs(IncludeRoot=True, Recursive=True)["CatalogList"]]
    assert with_root == [ACCOUNT, *ids]
    first = glue.get_catalogs(MaxResults=2)
    second = glue.get_catalogs(MaxResults=2, NextToken=first["NextToken"])
    assert [c["Name"] for c in first["CatalogList"] + second["CatalogList"]] == ["c1", "c2", "c3"]
    assert "NextToken" not in second
    # A created catalog has no catalogs under it; IncludeRoot with another parent is refused, as documented.
    assert glue.get_catalogs(ParentCatalogId=f"{ACCOUNT}:c1", Recursive=True)["CatalogList"] == []
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.get_catalogs(ParentCatalogId=f"{ACCOUNT}:c1", IncludeRoot=False)
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_catalogs(ParentCatalogId=f"{ACCOUNT}:missing")


def test_databases_of_a_catalog_are_its_own_and_go_with_it(glue):
    glue.create_catalog(Name="sales", CatalogInput={})
    sales = f"{ACCOUNT}:sales"
    glue.create_database(DatabaseInput={"Name": "shared_name"})
    glue.create_database(CatalogId=sales, DatabaseInput={"Name": "shared_name", "Description": "in sales"})
    glue.create_database(CatalogId=sales, DatabaseInput={"Name": "orders"})
    glue.create_table(CatalogId=sales, DatabaseName="orders", TableInput={"Name": "t"})

    assert [d["Name"] for d in glue.get_databases()["DatabaseList"]] == ["shared_name"]
    in_sales = glue.get_databases(CatalogId=sales)["DatabaseList"]
    assert [(d["Name"], d["CatalogId"]) for d in in_sales] == [("orders", sales), ("shared_name", sales)]
    assert glue.get_database(CatalogId=sales, Name="shared_name")["Database"]["Description"] == "in sales"
    assert glue.get_table(CatalogId=sales, DatabaseName="orders", Name="t")["Table"]["CatalogId"] == sales
    # An id of a catalog that was never created is not a place to put databases.
    with pytest.raises(glue.exceptions.EntityNotFoundException, match="Catalog"):
        glue.create_database(CatalogId=f"{ACCOUNT}:nowhere", DatabaseInput={"Name": "x"})

    glue.delete_catalog(CatalogId=sales)
    assert [d["Name"] for d in glue.get_databases()["DatabaseList"]] == ["shared_name"]
    glue.create_catalog(Name="sales", CatalogInput={})  # a new catalog of the same name starts empty
    assert glue.get_databases(CatalogId=sales)["DatabaseList"] == []


def test_import_status_is_always_completed(glue):
    assert glue.get_catalog_import_status()["ImportStatus"] == {"ImportCompleted": True}
    glue.import_catalog_to_glue()
    status = glue.get_catalog_import_status(CatalogId=ACCOUNT)["ImportStatus"]
    assert status["ImportCompleted"] is True and status["ImportedBy"] == f"arn:aws:iam::{ACCOUNT}:root"
    with pytest.raises(glue.exceptions.ClientError):
        glue.import_catalog_to_glue(CatalogId=f"{ACCOUNT}:missing")
