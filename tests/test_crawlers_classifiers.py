"""Custom classifiers through boto3: the four kinds, AWS's defaults, validation, updates, paging."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of

from emulator.testing.plugin import EmulatorHandle


def body(glue: Any, name: str) -> tuple[str, dict[str, Any]]:
    """A classifier's kind and members, without its timestamps."""
    ((kind, members),) = glue.get_classifier(Name=name)["Classifier"].items()
    return kind, {k: v for k, v in members.items() if k not in ("CreationTime", "LastUpdated")}


def test_each_kind_is_stored_as_given_with_version_1(glue_emulator: EmulatorHandle) -> None:
    glue = glue_emulator.glue
    glue.create_classifier(GrokClassifier={"Name": "g", "Classification": "applog", "GrokPattern": "%{WORD:w}",
                                           "CustomPatterns": "MYNUM \\d+\nOTHER [a-z]+"})
    glue.create_classifier(XMLClassifier={"Name": "x", "Classification": "books", "RowTag": "book"})
    glue.create_classifier(JsonClassifier={"Name": "j", "JsonPath": "$.records[*]"})
    assert body(glue, "g") == ("GrokClassifier", {"Name": "g", "Classification": "applog", "GrokPattern": "%{WORD:w}",
                                                  "CustomPatterns": "MYNUM \\d+\nOTHER [a-z]+", "Version": 1})
    assert body(glue, "x") == ("XMLClassifier", {"Name": "x", "Classification": "books", "RowTag": "book",
                                                 "Version": 1})
    assert body(glue, "j") == ("JsonClassifier", {"Name": "j", "JsonPath": "$.records[*]", "Version": 1})


def test_csv_classifier_gets_the_documented_defaults(glue_emulator: EmulatorHandle) -> None:
    glue = glue_emulator.glue
    glue.create_classifier(CsvClassifier={"Name": "c"})
    assert body(glue, "c") == ("CsvClassifier", {
        "Name": "c", "Delimiter": ",", "QuoteSymbol": '"', "ContainsHeader": "UNKNOWN", "DisableValueTrimming": False,
        "AllowSingleColumn": False, "CustomDatatypeConfigured": False, "CustomDatatypes": [], "Serde": "None",
        "Version": 1,
    })
    glue.create_classifier(CsvClassifier={"Name": "c2", "Delimiter": ";", "QuoteSymbol": "'",
                                          "ContainsHeader": "PRESENT", "Header": ["id", "name"],
                                          "Serde": "OpenCSVSerDe", "CustomDatatypeConfigured": True,
                                          "CustomDatatypes": ["INT", "STRING"]})
    _, members = body(glue, "c2")
    assert (members["Delimiter"], members["QuoteSymbol"], members["Header"], members["Serde"]) == (
        ";", "'", ["id", "name"], "OpenCSVSerDe")
    assert members["CustomDatatypes"] == ["INT", "STRING"]


def test_names_are_unique_across_kinds(glue_emulator: EmulatorHandle) -> None:
    glue = glue_emulator.glue
    glue.create_classifier(JsonClassifier={"Name": "same", "JsonPath": "$"})
    with pytest.raises(ClientError) as excinfo:
        glue.create_classifier(CsvClassifier={"Name": "same"})
    assert error_of(excinfo) == ("AlreadyExistsException", "Classifier with name same already exists")


@pytest.mark.parametrize(
    ("request_body", "message"),
    [
        ({}, "Specify exactly one of"),
        ({"CsvClassifier": {"Name": "a"}, "JsonClassifier": {"Name": "b", "JsonPath": "$"}}, "Specify exactly one of"),
        ({"CsvClassifier": {"Name": "a", "Delimiter": "|", "QuoteSymbol": "|"}}, "must be different"),
        ({"CsvClassifier": {"Name": "a", "CustomDatatypes": ["INT", "UUID"]}}, "Invalid custom datatypes UUID"),
        ({"JsonClassifier": {"Name": "a", "JsonPath": "records[*]"}}, "starts with '$'"),
        ({"XMLClassifier": {"Name": "a", "Classification": "x", "RowTag": "<row>"}}, "without angle brackets"),
        ({"XMLClassifier": {"Name": "a", "Classification": "x", "RowTag": "row/"}}, "without angle brackets"),
        ({"GrokClassifier": {"Name": "a", "Classification": "x", "GrokPattern": "%{WORD:w}",
                             "CustomPatterns": "NOPATTERN"}}, "expected 'NAME pattern'"),
    ],
)
def test_invalid_classifiers_are_refused(glue_emulator: EmulatorHandle, request_body: dict[str, Any],
                                         message: str) -> None:
    status, answer = glue_emulator.server.glue_raw("CreateClassifier", request_body)
    assert (status, answer["__type"]) == (400, "InvalidInputException")
    assert message in answer["Message"]
    assert glue_emulator.glue.get_classifiers()["Classifiers"] == []


def test_update_merges_members_and_bumps_the_version(glue_emulator: EmulatorHandle) -> None:
    glue = glue_emulator.glue
    glue.create_classifier(CsvClassifier={"Name": "c", "Delimiter": ";", "Header": ["a", "b"]})
    created = glue.get_classifier(Name="c")["Classifier"]["CsvClassifier"]
    glue.update_classifier(CsvClassifier={"Name": "c", "ContainsHeader": "ABSENT"})
    updated = glue.get_classifier(Name="c")["Classifier"]["CsvClassifier"]
    assert (updated["Delimiter"], updated["Header"], updated["ContainsHeader"]) == (";", ["a", "b"], "ABSENT")
    assert (updated["Version"], updated["CreationTime"]) == (2, created["CreationTime"])
    assert updated["LastUpdated"] >= created["LastUpdated"]
    with pytest.raises(ClientError) as excinfo:
        glue.update_classifier(CsvClassifier={"Name": "c", "QuoteSymbol": ";"})  # now equal to the delimiter
    assert error_of(excinfo)[0] == "InvalidInputException"
    assert glue.get_classifier(Name="c")["Classifier"]["CsvClassifier"]["Version"] == 2


def test_update_cannot_change_the_kind_or_reach_a_missing_classifier(glue_emulator: EmulatorHandle) -> None:
    glue = glue_emulator.glue
    glue.create_classifier(JsonClassifier={"Name": "j", "JsonPath": "$"})
    with pytest.raises(ClientError) as excinfo:
        glue.update_classifier(CsvClassifier={"Name": "j"})
    assert error_of(excinfo) == ("InvalidInputException",
                                 "Classifier j is a JsonClassifier; it cannot be updated as a CsvClassifier.")
    with pytest.raises(ClientError) as excinfo:
        glue.update_classifier(CsvClassifier={"Name": "nope"})
    assert error_of(excinfo) == ("EntityNotFoundException", "Classifier with name nope does not exist")


def test_get_classifiers_pages_by_name(glue_emulator: EmulatorHandle) -> None:
    glue = glue_emulator.glue
    for name in ("c3", "c1", "c2"):
        glue.create_classifier(JsonClassifier={"Name": name, "JsonPath": "$"})
    first = glue.get_classifiers(MaxResults=2)
    assert [c["JsonClassifier"]["Name"] for c in first["Classifiers"]] == ["c1", "c2"]
    second = glue.get_classifiers(MaxResults=2, NextToken=first["NextToken"])
    assert [c["JsonClassifier"]["Name"] for c in second["Classifiers"]] == ["c3"]
    assert "NextToken" not in second


def test_delete(glue_emulator: EmulatorHandle) -> None:
    glue = glue_emulator.glue
    glue.create_classifier(JsonClassifier={"Name": "j", "JsonPath": "$"})
    glue.delete_classifier(Name="j")
    for call in (glue.get_classifier, glue.delete_classifier):
        with pytest.raises(ClientError) as excinfo:
            call(Name="j")
        assert error_of(excinfo) == ("EntityNotFoundException", "Classifier with name j does not exist")
