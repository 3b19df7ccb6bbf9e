"""User-defined functions of the Data Catalog, through boto3 against a live emulator."""

from __future__ import annotations

import time

import pytest

from emulator.catalog.functions import name_matcher
from emulator.errors import InvalidInputException

ACCOUNT = "123456789012"


def _function_input(name: str, **extra) -> dict:
    return {
        "FunctionName": name,
        "ClassName": "com.example.Upper",
        "OwnerName": "analyst",
        "OwnerType": "USER",
        "FunctionType": "REGULAR_FUNCTION",
        "ResourceUris": [{"ResourceType": "JAR", "Uri": "s3://bucket/udfs.jar"}],
        **extra,
    }


@pytest.fixture
def glue(glue_emulator):
    glue = glue_emulator.glue
    glue.create_database(DatabaseInput={"Name": "sales"})
    return glue


def _names(response: dict) -> list[tuple[str, str]]:
    return [(f["DatabaseName"], f["FunctionName"]) for f in response["UserDefinedFunctions"]]


def test_create_then_get_returns_the_full_shape(glue):
    before = time.time()
    glue.create_user_defined_function(DatabaseName="sales", FunctionInput=_function_input("upper_udf"))
    fn = glue.get_user_defined_function(DatabaseName="sales", FunctionName="upper_udf")["UserDefinedFunction"]
    created = fn.pop("CreateTime").timestamp()
    assert before - 1 <= created <= time.time() + 1
    assert fn == {
        "FunctionName": "upper_udf",
        "DatabaseName": "sales",
        "ClassName": "com.example.Upper",
        "OwnerName": "analyst",
        "OwnerType": "USER",
        "FunctionType": "REGULAR_FUNCTION",
        "ResourceUris": [{"ResourceType": "JAR", "Uri": "s3://bucket/udfs.jar"}],
        "CatalogId": ACCOUNT,
    }


def test_names_are_case_insensitive_and_stored_lower_case(glue):
    glue.create_user_defined_function(DatabaseName="SALES", FunctionInput=_function_input("MyUpper"))
    fn = glue.get_user_defined_function(DatabaseName="Sales", FunctionName="MYUPPER")["UserDefinedFunction"]
    assert (fn["DatabaseName"], fn["FunctionName"]) == ("sales", "myupper")
    with pytest.raises(glue.exceptions.AlreadyExistsException) as err:
        glue.create_user_defined_function(DatabaseName="sales", FunctionInput=_function_input("myupper"))
    assert err.value.response["Error"]["Message"] == "Function myupper already exists."


def test_create_needs_an_existing_database_and_a_function_name(glue):
    with pytest.raises(glue.exceptions.EntityNotFoundException) as err:
        glue.create_user_defined_function(DatabaseName="nope", FunctionInput=_function_input("f"))
    assert err.value.response["Error"]["Message"] == "Database nope not found."
    with pytest.raises(glue.exceptions.InvalidInputException) as err:
        glue.create_user_defined_function(DatabaseName="sales", FunctionInput={"ClassName": "x.Y"})
    assert err.value.response["Error"]["Message"] == "FunctionInput.FunctionName is required"
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.create_user_defined_function(DatabaseName="sales", FunctionInput=_function_input("a/b"))


def test_get_missing_function_or_database(glue):
    with pytest.raises(glue.exceptions.EntityNotFoundException) as err:
        glue.get_user_defined_function(DatabaseName="sales", FunctionName="ghost")
    assert err.value.response["Error"]["Message"] == "Function ghost not found."
    with pytest.raises(glue.exceptions.EntityNotFoundException) as err:
        glue.get_user_defined_function(DatabaseName="ghostdb", FunctionName="f")
    assert err.value.response["Error"]["Message"] == "Database ghostdb not found."


def test_update_replaces_the_definition_but_keeps_name_and_create_time(glue):
    glue.create_user_defined_function(DatabaseName="sales", FunctionInput=_function_input("f"))
    original = glue.get_user_defined_function(DatabaseName="sales", FunctionName="f")["UserDefinedFunction"]
    glue.update_user_defined_function(
        DatabaseName="sales", FunctionName="F",
        FunctionInput={"FunctionName": "renamed", "ClassName": "com.example.Lower", "OwnerType": "ROLE"},
    )
    fn = glue.get_user_defined_function(DatabaseName="sales", FunctionName="f")["UserDefinedFunction"]
    assert fn == {
        "FunctionName": "f",
        "DatabaseName": "sales",
        "ClassName": "com.example.Lower",
        "OwnerType": "ROLE",
        "CreateTime": original["CreateTime"],
        "CatalogId": ACCOUNT,
    }
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_user_defined_function(DatabaseName="sales", FunctionName="renamed")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.update_user_defined_function(
            DatabaseName="sales", FunctionName="ghost", FunctionInput=_function_input("ghost")
        )


def test_delete_and_delete_missing(glue):
    glue.create_user_defined_function(DatabaseName="sales", FunctionInput=_function_input("f"))
    glue.delete_user_defined_function(DatabaseName="sales", FunctionName="F")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_user_defined_function(DatabaseName="sales", FunctionName="f")
    with pytest.raises(glue.exceptions.EntityNotFoundException) as err:
        glue.delete_user_defined_function(DatabaseName="sales", FunctionName="f")
    assert err.value.response["Error"]["Message"] == "Function f not found."
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.delete_user_defined_function(DatabaseName="ghostdb", FunctionName="f")


def test_deleting_the_database_deletes_its_functions(glue):
    glue.create_user_defined_function(DatabaseName="sales", FunctionInput=_function_input("f"))
    glue.delete_database(Name="sales")
    glue.create_database(DatabaseInput={"Name": "sales"})
    assert glue.get_user_defined_functions(DatabaseName="sales", Pattern=".*")["UserDefinedFunctions"] == []


def test_list_one_database_or_all_with_a_regex_pattern(glue):
    glue.create_database(DatabaseInput={"Name": "hr"})
    for db, name in [("sales", "to_upper"), ("sales", "to_lower"), ("sales", "trim_all"), ("hr", "to_upper")]:
        glue.create_user_defined_function(DatabaseName=db, FunctionInput=_function_input(name))
    assert _names(glue.get_user_defined_functions(DatabaseName="sales", Pattern=".*")) == [
        ("sales", "to_lower"), ("sales", "to_upper"), ("sales", "trim_all"),
    ]
    assert _names(glue.get_user_defined_functions(Pattern="to_.*")) == [
        ("hr", "to_upper"), ("sales", "to_lower"), ("sales", "to_upper"),
    ]
    # the whole name must match; the match ignores case like the names do
    assert _names(glue.get_user_defined_functions(DatabaseName="sales", Pattern="upper")) == []
    assert _names(glue.get_user_defined_functions(DatabaseName="sales", Pattern=".*UPPER")) == [("sales", "to_upper")]
    assert _names(glue.get_user_defined_functions(DatabaseName="sales", Pattern="to_(upper|lower)")) == [
        ("sales", "to_lower"), ("sales", "to_upper"),
    ]


def test_list_quotes_java_literals_as_trino_sends_them(glue):
    glue.create_user_defined_function(DatabaseName="sales", FunctionInput=_function_input("trino__a.b__1"))
    glue.create_user_defined_function(DatabaseName="sales", FunctionInput=_function_input("trino__axb__1"))
    found = glue.get_user_defined_functions(DatabaseName="sales", Pattern="trino__\\Qa.b\\E__.*")
    assert _names(found) == [("sales", "trino__a.b__1")]


def test_list_filters_by_function_type(glue):
    aggregate = _function_input("agg", FunctionType="AGGREGATE_FUNCTION")
    glue.create_user_defined_function(DatabaseName="sales", FunctionInput=aggregate)
    glue.create_user_defined_function(DatabaseName="sales", FunctionInput=_function_input("reg"))
    found = glue.get_user_defined_functions(Pattern=".*", FunctionType="AGGREGATE_FUNCTION")
    assert _names(found) == [("sales", "agg")]


def test_list_errors(glue):
    with pytest.raises(glue.exceptions.InvalidInputException) as err:
        glue.get_user_defined_functions(DatabaseName="sales", Pattern="*")
    assert err.value.response["Error"]["Message"].startswith("Invalid pattern syntax: ")
    with pytest.raises(glue.exceptions.EntityNotFoundException) as err:
        glue.get_user_defined_functions(DatabaseName="ghostdb", Pattern=".*")
    assert err.value.response["Error"]["Message"] == "Database ghostdb not found."
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.get_user_defined_functions(Pattern=".*", NextToken="not-a-token")


def test_list_paginates_across_databases(glue):
    glue.create_database(DatabaseInput={"Name": "hr"})
    expected = []
    for db in ("hr", "sales"):
        for i in range(3):
            glue.create_user_defined_function(DatabaseName=db, FunctionInput=_function_input(f"f{i}"))
            expected.append((db, f"f{i}"))
    pages, token = [], None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = glue.get_user_defined_functions(Pattern=".*", MaxResults=4, **kwargs)
        pages.append(_names(page))
        token = page.get("NextToken")
        if not token:
            break
    assert pages == [expected[:4], expected[4:]]
    paginator = glue.get_paginator("get_user_defined_functions")
    paginated = paginator.paginate(Pattern="f.", PaginationConfig={"PageSize": 2})
    assert [n for page in paginated for n in _names(page)] == expected


def test_pagination_survives_deletion_between_pages(glue):
    for i in range(4):
        glue.create_user_defined_function(DatabaseName="sales", FunctionInput=_function_input(f"f{i}"))
    first = glue.get_user_defined_functions(DatabaseName="sales", Pattern=".*", MaxResults=2)
    glue.delete_user_defined_function(DatabaseName="sales", FunctionName="f1")
    rest = glue.get_user_defined_functions(DatabaseName="sales", Pattern=".*", NextToken=first["NextToken"])
    assert _names(rest) == [("sales", "f2"), ("sales", "f3")]
    assert "NextToken" not in rest


def test_explicit_catalog_id_is_kept_apart(glue_emulator):
    glue = glue_emulator.glue
    glue.create_database(CatalogId="111122223333", DatabaseInput={"Name": "shared"})
    glue.create_user_defined_function(
        CatalogId="111122223333", DatabaseName="shared", FunctionInput=_function_input("f")
    )
    fn = glue.get_user_defined_function(CatalogId="111122223333", DatabaseName="shared", FunctionName="f")
    assert fn["UserDefinedFunction"]["CatalogId"] == "111122223333"
    assert glue.get_user_defined_functions(Pattern=".*")["UserDefinedFunctions"] == []


@pytest.mark.parametrize(
    "pattern, name, matches",
    [
        (".*", "anything", True),
        ("abc", "abc", True),
        ("abc", "xabcx", False),
        ("ABC", "abc", True),
        ("a\\Q.*\\E", "a.*", True),
        ("a\\Q.*\\E", "abc", False),
        ("a\\Q.*", "a.*", True),  # an unclosed \Q quotes to the end
        ("a\\\\Q", "a\\Q", True),  # an escaped backslash, then Q: no quoting
    ],
)
def test_name_matcher(pattern, name, matches):
    assert bool(name_matcher(pattern).fullmatch(name)) is matches


@pytest.mark.parametrize("pattern", ["*", "(", "a\\"])
def test_name_matcher_refuses_invalid_patterns(pattern):
    with pytest.raises(InvalidInputException):
        name_matcher(pattern)
