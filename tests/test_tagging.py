"""Tags on catalog resources (databases, connections, user-defined functions), addressed by ARN."""

from __future__ import annotations

import pytest

ACCOUNT = "123456789012"
PREFIX = f"arn:aws:glue:us-east-1:{ACCOUNT}"
DB_ARN = f"{PREFIX}:database/sales"
CONN_ARN = f"{PREFIX}:connection/pg"
FN_ARN = f"{PREFIX}:userDefinedFunction/sales/upper_udf"


@pytest.fixture
def glue(glue_emulator):
    glue = glue_emulator.glue
    glue.create_database(DatabaseInput={"Name": "sales"}, Tags={"team": "bi"})
    glue.create_connection(
        ConnectionInput={"Name": "pg", "ConnectionType": "JDBC", "ConnectionProperties": {"HOST": "h"}},
        Tags={"env": "dev"},
    )
    glue.create_user_defined_function(DatabaseName="sales", FunctionInput={"FunctionName": "upper_udf"})
    return glue


def _tags(glue, arn: str) -> dict[str, str]:
    return glue.get_tags(ResourceArn=arn)["Tags"]


def test_create_tags_are_returned(glue):
    assert _tags(glue, DB_ARN) == {"team": "bi"}
    assert _tags(glue, CONN_ARN) == {"env": "dev"}
    assert _tags(glue, FN_ARN) == {}


@pytest.mark.parametrize("arn", [DB_ARN, CONN_ARN, FN_ARN])
def test_tag_and_untag_each_resource_type(glue, arn):
    initial = _tags(glue, arn)
    glue.tag_resource(ResourceArn=arn, TagsToAdd={"a": "1", "b": "2"})
    assert _tags(glue, arn) == {**initial, "a": "1", "b": "2"}
    glue.tag_resource(ResourceArn=arn, TagsToAdd={"a": "changed"})
    assert _tags(glue, arn) == {**initial, "a": "changed", "b": "2"}
    glue.untag_resource(ResourceArn=arn, TagsToRemove=["a", "never-set"])
    assert _tags(glue, arn) == {**initial, "b": "2"}


def test_tags_are_per_resource(glue):
    glue.tag_resource(ResourceArn=FN_ARN, TagsToAdd={"only": "function"})
    assert _tags(glue, DB_ARN) == {"team": "bi"}
    assert _tags(glue, CONN_ARN) == {"env": "dev"}


def test_catalog_arns_are_case_insensitive_like_the_names(glue):
    glue.tag_resource(ResourceArn=f"{PREFIX}:database/SALES", TagsToAdd={"k": "v"})
    glue.tag_resource(ResourceArn=f"{PREFIX}:userDefinedFunction/Sales/UPPER_UDF", TagsToAdd={"k": "v"})
    assert _tags(glue, DB_ARN) == {"team": "bi", "k": "v"}
    assert _tags(glue, FN_ARN) == {"k": "v"}


def test_connection_arns_are_case_sensitive(glue):
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.tag_resource(ResourceArn=f"{PREFIX}:connection/PG", TagsToAdd={"k": "v"})


@pytest.mark.parametrize(
    "arn",
    [
        f"{PREFIX}:database/ghost",
        f"{PREFIX}:connection/ghost",
        f"{PREFIX}:userDefinedFunction/sales/ghost",
        f"{PREFIX}:userDefinedFunction/ghostdb/upper_udf",
        "arn:aws:glue:us-east-1:999999999999:database/sales",  # another catalog
        f"arn:aws:glue:eu-west-1:{ACCOUNT}:database/sales",  # another region
    ],
)
def test_missing_resource_is_entity_not_found(glue, arn):
    for call in (
        lambda: glue.get_tags(ResourceArn=arn),
        lambda: glue.tag_resource(ResourceArn=arn, TagsToAdd={"k": "v"}),
        lambda: glue.untag_resource(ResourceArn=arn, TagsToRemove=["k"]),
    ):
        with pytest.raises(glue.exceptions.EntityNotFoundException) as err:
            call()
        assert err.value.response["Error"]["Message"] == f"Resource {arn} not found."


@pytest.mark.parametrize(
    "arn",
    [
        f"{PREFIX}:notAType/x",
        f"{PREFIX}:database",
        "arn:aws:glue:us-east-1:12345:database/sales",
        "arn:aws:glue:::database/sales",
    ],
)
def test_malformed_arn_is_invalid_input(glue, arn):
    with pytest.raises(glue.exceptions.InvalidInputException) as err:
        glue.get_tags(ResourceArn=arn)
    assert err.value.response["Error"]["Message"] == f"Invalid resource ARN: {arn}"
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.tag_resource(ResourceArn=arn, TagsToAdd={"k": "v"})


def test_arn_outside_glue_is_refused_by_validation(glue_emulator):
    status, body = glue_emulator.server.glue_raw("GetTags", {"ResourceArn": "arn:aws:s3:::bucket"})
    assert (status, body["__type"]) == (400, "ValidationException")


def test_at_most_50_tags(glue):
    glue.tag_resource(ResourceArn=CONN_ARN, TagsToAdd={f"k{i}": "v" for i in range(49)})
    assert len(_tags(glue, CONN_ARN)) == 50
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.tag_resource(ResourceArn=CONN_ARN, TagsToAdd={"one-more": "v"})
    assert len(_tags(glue, CONN_ARN)) == 50


def test_tags_vanish_with_the_connection(glue):
    glue.delete_connection(ConnectionName="pg")
    glue.create_connection(ConnectionInput={"Name": "pg", "ConnectionType": "JDBC", "ConnectionProperties": {}})
    assert _tags(glue, CONN_ARN) == {}


def test_tags_vanish_with_batch_deleted_connections(glue):
    glue.batch_delete_connection(ConnectionNameList=["pg"])
    glue.create_connection(ConnectionInput={"Name": "pg", "ConnectionType": "JDBC", "ConnectionProperties": {}})
    assert _tags(glue, CONN_ARN) == {}


def test_tags_vanish_with_the_function(glue):
    glue.tag_resource(ResourceArn=FN_ARN, TagsToAdd={"k": "v"})
    glue.delete_user_defined_function(DatabaseName="sales", FunctionName="upper_udf")
    glue.create_user_defined_function(DatabaseName="sales", FunctionInput={"FunctionName": "upper_udf"})
    assert _tags(glue, FN_ARN) == {}


def test_tags_vanish_with_the_database_and_its_functions(glue):
    glue.tag_resource(ResourceArn=FN_ARN, TagsToAdd={"k": "v"})
    glue.delete_database(Name="sales")
    glue.create_database(DatabaseInput={"Name": "sales"})
    glue.create_user_defined_function(DatabaseName="sales", FunctionInput={"FunctionName": "upper_udf"})
    assert _tags(glue, DB_ARN) == {}
    assert _tags(glue, FN_ARN) == {}


def test_tags_survive_updates(glue):
    spec = {"Name": "pg", "ConnectionType": "JDBC", "ConnectionProperties": {}}
    glue.update_connection(Name="pg", ConnectionInput=spec)
    glue.update_database(Name="sales", DatabaseInput={"Name": "sales", "Description": "d"})
    assert _tags(glue, CONN_ARN) == {"env": "dev"}
    assert _tags(glue, DB_ARN) == {"team": "bi"}
