"""DQDL parsing: valid rulesets from AWS's documentation print back as AWS echoes them; invalid ones get AWS's message.

Rules below are the DQDL reference's examples and the forms AWS's open-source DQDL library round-trips
(awslabs/dqdl DQRuleTest), so the printing is checked against published text, not our own.
"""

from __future__ import annotations

import pytest

from emulator.dataquality.dqdl import Call, DqdlError, Keyword, Now, Number, Quantity, Ruleset, Text, parse
from emulator.dataquality.dqdl.model import Binary, Paren, is_dynamic

# Rules that print back exactly as written (AWS's canonical form).
ROUND_TRIP = [
    'IsPrimaryKey "colA" "colB"',
    'IsPrimaryKey colA "col B"',
    'RowCount = 100 where "colA > 100"',
    "RowCount != 100",
    "RowCount = -100",
    "RowCount between (0.9 * average(last(10))) and 1.1 * average(last(10))",
    "RowCount not between (0.9 * average(last(10))) and 1.1 * average(last(10))",
    'RowCountMatch "reference" between 0.8 and 0.98',
    "Completeness of col_1 not between 0.5 and 0.8",
    'Completeness "col_1" between (0.9 * avg(last(10))) and (1.1 * avg(last(10)))',
    'ColumnDataType "col_1" in ["Date","String"] with threshold > 0.9',
    'ColumnNamesMatchPattern "aws_.*_[a-zA-Z0-9]+"',
    "ColumnCount = avg(std(last(10)))",
    "ColumnCount = avg(std(last(percentile(1,2,3))))",
    'ColumnCorrelation of col_1 and "col abc" between 0.4 and 0.8',
    'Uniqueness "col_1" "col_2" "col_3" > 0.5',
    'ColumnValues "col_1" between "2022-06-01" and "2022-06-30" where "col-A > 100"',
    'ColumnValues "load_dt" > (now() - 1 days)',
    'ColumnValues "order-id" in [1,2,3,4,NULL]',
    'ColumnValues "col-A" between "9:00 AM" and "21:50"',
    'ColumnValues "col-A" not matches "[a-z]*" with threshold <= 0.4',
    'ColumnValues "col-A" in [now(),(now() - 3 hours),now(),(now() + 4 days)]',
    'ColumnValues "col-A" in ["a",NULL,EMPTY,WHITESPACES_ONLY]',
    'ColumnValues "col-A" != WHITESPACES_ONLY',
    'DataFreshness "col-A" between 2 days and 4 days',
    'ReferentialIntegrity "col-A,col-B" "reference.{col-A1,col-A2}" = 0.99',
    'DatasetMatch "reference" "ID1->ID11,ID2->ID22" "colA->colAA" between 0.4 and 0.8',
    'AggregateMatch "avg(col-A)" "avg(reference.colA)" between 0.8 and 0.9',
    'CustomSql "select col-A from primary" with threshold > 0.5',
    'DetectAnomalies of ColumnCorrelation of "colA" and "colB"',
    'FileMatch "S3://PATH" in ["hashList","hashList"] with hashAlgorithm = "MD5"',
    "FileSize not in [500 KB,150 GB]",
    '(RowCount > 0) OR ((IsComplete "colA") AND (IsUnique "colA"))',
    '((RowCount > 0) AND (IsComplete "colB")) OR ((IsComplete "colA") AND (IsUnique "colA"))',
    'FileSize < 5 B labels=["key1"="value1", "key2"="value2"]',
]


@pytest.mark.parametrize("rule", ROUND_TRIP)
def test_rules_print_back_as_aws_echoes_them(rule: str) -> None:
    ruleset = parse(f"Rules = [ {rule} ]")
    assert [r.text() for r in ruleset.rules] == [rule]


def test_a_uniform_chain_is_flattened_and_operators_print_in_upper_case() -> None:
    ruleset = parse('Rules = [ (RowCount > 0) and ((IsComplete "a") and (IsUnique "a")) ]')
    assert ruleset.rules[0].text() == '(RowCount > 0) AND (IsComplete "a") AND (IsUnique "a")'
    assert [leaf.rule_type for leaf in ruleset.rules[0].leaves()] == ["RowCount", "IsComplete", "IsUnique"]


def test_and_binds_tighter_than_or() -> None:
    rule = parse('Rules = [ (RowCount > 0) or (IsComplete "a") and (IsUnique "a") ]').rules[0]
    assert rule.operator == "OR"
    assert rule.children[1].operator == "AND"


def test_whitespace_comments_and_keyword_case_are_normalised() -> None:
    ruleset = parse('# checks\nRules = [\n  ColumnValues  "c"  in  [ "a" , null ,  empty ] , # trailing\n'
                    '  Completeness   "c"   >=   0.9\n]')
    assert [r.text() for r in ruleset.rules] == ['ColumnValues "c" in ["a",NULL,EMPTY]', 'Completeness "c" >= 0.9']


def test_the_model_holds_types_parameters_and_operands() -> None:
    ruleset = parse('Rules = [ ColumnValues "load_dt" > (now() - 3 days) where "region = \'eu\'", '
                    'RowCount > avg(last(5)) * 0.8, DataFreshness "ts" <= 24 hours ]')
    dates, dynamic, fresh = ruleset.rules
    assert dates.rule_type == "ColumnValues" and dates.args == ["load_dt"] and dates.where == "region = 'eu'"
    assert dates.condition.op == ">"
    assert dates.condition.operands[0] == Paren(Binary(Now(), "-", Quantity("3", "days")))
    assert is_dynamic(dynamic.condition.operands[0])
    assert dynamic.condition.operands[0] == Binary(Call("avg", (Call("last", (Number("5"),)),)), "*", Number("0.8"))
    assert fresh.condition.operands[0] == Quantity("24", "hours")


def test_threshold_tags_labels_and_default_labels() -> None:
    ruleset = parse('DefaultLabels = ["team"="data", "tier"="1"]\n'
                    'Rules = [ ColumnValues "c" in ["a"] with threshold > 0.9 labels=["tier"="2"], RowCount > 0 ]')
    values, count = ruleset.rules
    assert values.threshold.text() == "> 0.9"
    assert ruleset.labels_of(values) == {"team": "data", "tier": "2"}
    assert ruleset.labels_of(count) == {"team": "data", "tier": "1"}
    assert [Ruleset.rule_name(i) for i in range(len(ruleset.rules))] == ["Rule_1", "Rule_2"]


def test_analyzers_variables_metadata_and_data_sources() -> None:
    ruleset = parse('Metadata = { "Version": "1.0" }\nDataSources = { "Primary": "orders", '
                    '"AdditionalDataSources": ["customers"] }\nallowed = ["a", "b"]\n'
                    'Rules = [ ColumnValues "c" in $allowed ]\nAnalyzers = [ RowCount, Completeness "c", '
                    'AllStatistics "c" ]')
    assert ruleset.rules[0].condition.operands == (Text("a"), Text("b"))
    assert [a.text() for a in ruleset.analyzers] == ["RowCount", 'Completeness "c"', 'AllStatistics "c"']
    assert ruleset.metadata == {"Version": "1.0"}
    assert ruleset.data_sources["AdditionalDataSources"] == ["customers"]


def test_an_analyzers_only_document_is_valid() -> None:
    assert parse("Analyzers = [ RowCount ]").rules == []


def test_keywords_are_kept_as_keywords() -> None:
    condition = parse('Rules = [ ColumnValues "c" not in [NULL, WHITESPACES_ONLY] ]').rules[0].condition
    assert condition.op == "not in" and condition.operands == (Keyword("NULL"), Keyword("WHITESPACES_ONLY"))


# Invalid rulesets: AWS's messages (InvalidInputException of CreateDataQualityRuleset).
INVALID = [
    ('Rules = [ Foo "x" ]', "Parsing Error: Rule Type: Foo is not valid"),
    ('Rules = [ IsComplete "a" "b" ]', "Parsing Error: Rule Type: IsComplete is not valid"),
    ('Rules = [ IsComplete "x" > 0.5 ]',
     "Parsing Error: Unexpected condition for rule of type IsComplete with boolean return type"),
    ("Rules = [ RowCount ]", "Parsing Error: Unexpected condition for rule of type RowCount with number return type"),
    ('Rules = [ Completeness "x" > "abc" ]',
     "Parsing Error: Unexpected condition for rule of type Completeness with number return type"),
    ('Rules = [ ColumnValues "x" > "abc" ]',
     "Parsing Error: Error while parsing condition for rule with rule type: ColumnValues"),
    ("Rules = []", "Parsing Error: No rules or analyzers provided."),
    ('Rules = [ ColumnExists "x" where "a > 1" ]',
     "Parsing Error: Where clause is not supported for rule type: ColumnExists"),
    ('Rules = [ IsComplete "x" where "" ]', "Parsing Error: Empty where condition provided for rule type: IsComplete"),
    ('Rules = [ Mean "x" > 1 with threshold > 0.5 ]',
     "Parsing Error: Threshold condition not supported for rule type: Mean"),
    ('Rules = [ AllStatistics "x" ]', "Parsing Error: Analyzer Type: AllStatistics is not supported in rules section"),
    ("Rules = [ RowCount > 0 ] Analyzers = [ Foo ]", "Parsing Error: Analyzer Type: Foo is not valid"),
    ('Rules = [ Foo "x", Bar "y" ]', "Parsing Error: Rule Type: Foo is not valid, Rule Type: Bar is not valid"),
    ('Rules = [ RowCount > 0 labels=["k"="a", "k"="b"] ]', "Parsing Error: Duplicate label key. Key must be unique."),
    ('Rules = [ ColumnValues "c" in $nope ]', "Parsing Error: Variable not found: nope"),
]


@pytest.mark.parametrize(("text", "message"), INVALID)
def test_invalid_rulesets_get_aws_messages(text: str, message: str) -> None:
    with pytest.raises(DqdlError) as raised:
        parse(text)
    assert raised.value.message == message == str(raised.value)


@pytest.mark.parametrize(("text", "position"), [
    ("Rules = [ RowCount > 0 ", "line 1:21"),
    ("Rules = [ RowCount > 0, ]", "line 1:24"),
    ("Rules = [\n  RowCount > 0 ;\n]", "line 2:15"),
    ("Rules = [ IsComplete 'x' ]", "line 1:21"),
])
def test_syntax_errors_name_line_and_column(text: str, position: str) -> None:
    with pytest.raises(DqdlError) as raised:
        parse(text)
    assert raised.value.message.startswith(f"Parsing Error: {position} ")


def test_missing_rules_keyword_is_a_syntax_error() -> None:
    with pytest.raises(DqdlError, match=r"^Parsing Error: line 1:\d+ "):
        parse("RowCount > 0")
