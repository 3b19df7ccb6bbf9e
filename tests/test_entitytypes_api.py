"""Custom entity types (sensitive-data patterns), through boto3 against a live emulator."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from emulator.runtime.awsglueml._patterns import PatternError, compile_pattern

ACCOUNT = "123456789012"


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


def test_lifecycle_create_get_batch_list_delete(glue_emulator):
    glue = glue_emulator.glue
    assert glue.create_custom_entity_type(Name="employee_id", RegexString=r"EMP-\d{6}",
                                          ContextWords=["employee", "staff"])["Name"] == "employee_id"
    glue.create_custom_entity_type(Name="badge", RegexString=r"B\d{4}")
    got = glue.get_custom_entity_type(Name="employee_id")
    assert (got["Name"], got["RegexString"], got["ContextWords"]) == ("employee_id", r"EMP-\d{6}",
                                                                      ["employee", "staff"])
    assert "ContextWords" not in glue.get_custom_entity_type(Name="badge")
    batch = glue.batch_get_custom_entity_types(Names=["badge", "nope", "employee_id", "badge"])
    assert [t["Name"] for t in batch["CustomEntityTypes"]] == ["badge", "employee_id"]
    assert batch["CustomEntityTypesNotFound"] == ["nope"]
    assert [t["Name"] for t in glue.list_custom_entity_types()["CustomEntityTypes"]] == ["badge", "employee_id"]
    assert glue.delete_custom_entity_type(Name="badge")["Name"] == "badge"
    with pytest.raises(ClientError) as missing:
        glue.get_custom_entity_type(Name="badge")
    assert _code(missing) == "EntityNotFoundException"
    with pytest.raises(ClientError) as again:
        glue.delete_custom_entity_type(Name="badge")
    assert _code(again) == "EntityNotFoundException"


def test_a_taken_name_is_already_exists_and_changes_nothing(glue_emulator):
    glue = glue_emulator.glue
    glue.create_custom_entity_type(Name="t", RegexString="a+")
    with pytest.raises(ClientError) as taken:
        glue.create_custom_entity_type(Name="t", RegexString="b+")
    assert _code(taken) == "AlreadyExistsException"
    assert glue.get_custom_entity_type(Name="t")["RegexString"] == "a+"


@pytest.mark.parametrize("pattern", ["EMP-(\\d{6}", "[a-z", "*abc", "a{2,1}"])
def test_a_regex_that_does_not_compile_is_invalid_input(glue_emulator, pattern):
    with pytest.raises(ClientError) as bad:
        glue_emulator.glue.create_custom_entity_type(Name="bad", RegexString=pattern)
    assert _code(bad) == "InvalidInputException"
    assert "RegexString" in bad.value.response["Error"]["Message"]
    assert glue_emulator.glue.list_custom_entity_types()["CustomEntityTypes"] == []


def test_context_words_are_limited_to_twenty(glue_emulator):
    with pytest.raises(ClientError) as many:
        glue_emulator.glue.create_custom_entity_type(Name="t", RegexString="x", ContextWords=[f"w{i}" for i in range(21)])
    assert _code(many) in ("InvalidInputException", "ValidationException")


def test_list_pages_and_filters_by_tags(glue_emulator):
    glue = glue_emulator.glue
    for index in range(5):
        glue.create_custom_entity_type(Name=f"t{index}", RegexString="x", Tags={"team": "a" if index % 2 else "b"})
    names, token = [], None
    while True:
        page = glue.list_custom_entity_types(MaxResults=2, **({"NextToken": token} if token else {}))
        assert len(page["CustomEntityTypes"]) <= 2
        names += [t["Name"] for t in page["CustomEntityTypes"]]
        token = page.get("NextToken")
        if not token:
            break
    assert names == ["t0", "t1", "t2", "t3", "t4"]
    tagged = glue.list_custom_entity_types(Tags={"team": "a"})["CustomEntityTypes"]
    assert [t["Name"] for t in tagged] == ["t1", "t3"]
    arn = f"arn:aws:glue:us-east-1:{ACCOUNT}:customEntityType/t1"
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "a"}
    glue.delete_custom_entity_type(Name="t1")
    with pytest.raises(ClientError) as gone:
        glue.get_tags(ResourceArn=arn)
    assert _code(gone) == "EntityNotFoundException"


# -- Java pattern syntax (unit) -----------------------------------------------------------------------


@pytest.mark.parametrize(("pattern", "text", "found"), [
    (r"\p{Alpha}{3}-\d+", "id abc-42 end", "abc-42"),  # POSIX class in Java's \p{...} form
    (r"(?<year>\d{4})-\d{2}", "on 2024-05", "2024-05"),  # Java's named group
    (r"[a-z&&[^aeiou]]+", "rhythm", "rhythm"),  # class intersection
    (r"\Q1+1=2\E", "so 1+1=2 holds", "1+1=2"),  # quoted literal text
    (r"a++b", "aaab", "aaab"),  # possessive quantifier
])
def test_java_syntax_compiles_and_matches_as_java_would(pattern, text, found):
    assert compile_pattern(pattern).search(text).group(0) == found


def test_class_intersection_excludes_as_in_java():
    assert compile_pattern(r"^[a-z&&[^aeiou]]+$").search("rhythm")
    assert compile_pattern(r"^[a-z&&[^aeiou]]+$").search("vowel") is None


def test_unbalanced_patterns_raise_pattern_error():
    with pytest.raises(PatternError):
        compile_pattern("(unclosed")
