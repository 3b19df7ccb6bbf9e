"""Unit tests of the GetPartitions Expression language: tokenizer, parser, typing and evaluation."""

from __future__ import annotations

import pytest

from emulator.catalog.expression import (
    And,
    Between,
    Column,
    Comparison,
    InList,
    IsNull,
    Like,
    Literal,
    Not,
    Or,
    Token,
    compile_expression,
    parse,
    tokenize,
)
from emulator.errors import AwsError

KEYS = [
    {"Name": "year", "Type": "int"},
    {"Name": "Region", "Type": "string"},
    {"Name": "dt", "Type": "date"},
    {"Name": "score", "Type": "decimal(10,2)"},
    {"Name": "ts", "Type": "timestamp"},
]
# year, region, dt, score, ts
ROWS = {
    "a": ["2019", "eu-west", "2019-12-31", "9.5", "2019-12-31 23:59:59"],
    "b": ["2020", "us-east", "2020-01-01", "10", "2020-01-01 00:00:00.5"],
    "c": ["100", "us_west", "2020-02-29", "10.00", "2020-02-29 12:00:00.000000001"],
    "d": ["9", "ap-50%", "2021-06-15", "-3", "2021-06-15 08:30:00"],
}


def matching(expression: str, keys: list[dict] = KEYS) -> list[str]:
    predicate = compile_expression(expression, keys)
    return sorted(name for name, values in ROWS.items() if predicate(values))


def error_of(expression: str, keys: list[dict] = KEYS) -> AwsError:
    with pytest.raises(AwsError) as info:
        matching(expression, keys)
    return info.value


# -- tokenizer ---------------------------------------------------------------------------------------


def test_tokenizer_kinds_and_positions():
    tokens = tokenize("`my col` >= -1.5e3 AND x<>'it''s'")
    assert [(t.kind, t.text, t.pos) for t in tokens] == [
        ("ident", "my col", 0),
        ("op", ">=", 9),
        ("-", "-", 12),
        ("number", "1.5e3", 13),
        ("keyword", "AND", 19),
        ("ident", "x", 23),
        ("op", "<>", 24),
        ("string", "it's", 26),
        ("eof", "", 33),
    ]


def test_strings_accept_backslash_quote_as_the_glue_hive_client_sends_it():
    assert [t.text for t in tokenize(r"'it\'s' 'a\b'")][:2] == ["it's", "a\\b"]


def test_double_quotes_quote_identifiers_as_in_jsqlparser():
    assert tokenize('"Re""gion" = \'x\'')[0] == Token("ident", 'Re"gion', 0)


# -- parser ------------------------------------------------------------------------------------------


def test_empty_and_blank_expressions_parse_to_nothing():
    assert parse("") is None
    assert parse("  \n\t ") is None


def test_and_binds_tighter_than_or():
    tree = parse("year = 1 OR year = 2 AND region = 'x'")
    assert isinstance(tree, Or)
    assert isinstance(tree.left, Comparison)
    assert isinstance(tree.right, And)


def test_parentheses_override_precedence():
    tree = parse("(year = 1 OR year = 2) AND region = 'x'")
    assert isinstance(tree, And) and isinstance(tree.left, Or)


def test_not_binds_tighter_than_and():
    tree = parse("NOT year = 1 AND region = 'x'")
    assert isinstance(tree, And)
    assert tree.left == Not(Comparison(Column("year", 4), "=", Literal("1", False, 11)))


def test_literal_first_comparison_is_turned_around():
    assert parse("2020 < year") == Comparison(Column("year", 7), ">", Literal("2020", False, 0))
    assert parse("'a' >= region") == Comparison(Column("region", 7), "<=", Literal("a", True, 0))


def test_negated_forms():
    assert parse("year NOT IN (1, '2')") == InList(
        Column("year", 0), (Literal("1", False, 13), Literal("2", True, 16)), True
    )
    assert parse("year not between 1 and 2") == Between(
        Column("year", 0), Literal("1", False, 17), Literal("2", False, 23), True
    )
    assert parse("region NOT LIKE 'a%' ESCAPE '!'") == Like(Column("region", 0), Literal("a%", True, 16), "!", True)
    assert parse("region IS NOT NULL") == IsNull(Column("region", 0), True)


def test_parenthesised_column_as_the_glue_hive_client_writes_it():
    assert parse("((year) NOT IN (1))") == InList(Column("year", 2), (Literal("1", False, 16),), True)


def test_between_bounds_do_not_swallow_the_following_and():
    tree = parse("year BETWEEN 1 AND 2 AND region = 'x'")
    assert isinstance(tree, And) and isinstance(tree.left, Between)


def test_signed_numbers():
    assert parse("year > -5") == Comparison(Column("year", 0), ">", Literal("-5", False, 7))
    assert parse("year > +5").value == Literal("5", False, 7)


@pytest.mark.parametrize(
    "expression, message",
    [
        ("year =", "Syntax error at position 7: expected a partition key or a value, found the end of the expression"),
        ("year = 1 AND", "Syntax error at position 13: expected a partition key or a value"),
        ("year", "Syntax error at position 1: column 'year' is not followed by a comparison"),
        ("year = 1 region = 'x'", "Syntax error at position 10: unexpected 'region'"),
        ("(year = 1", "Syntax error at position 10: expected ')', found the end of the expression"),
        ("year = 'abc", "Syntax error at position 8: unterminated string"),
        ("year = 1;", "Syntax error at position 9: unexpected character ';'"),
        ("year = region", "Syntax error at position 1: '=' must compare a partition key with a literal value"),
        ("1 = 1", "Syntax error at position 1: '=' must compare a partition key with a literal value"),
        ("year IN 1", "Syntax error at position 9: expected '(' after IN, found '1'"),
        ("year IN (1 2)", "Syntax error at position 12: expected ',' or ')' in the IN list, found '2'"),
        ("year IN (region)", "Syntax error at position 10: IN takes literal values, not columns or conditions"),
        ("year BETWEEN 1 OR 2", "Syntax error at position 16: expected AND between the bounds of BETWEEN"),
        ("year NOT = 1", "Syntax error at position 10: expected IN, BETWEEN or LIKE after NOT, found '='"),
        ("year IS 1", "Syntax error at position 9: expected NULL after IS, found '1'"),
        ("'x' LIKE 'y'", "Syntax error at position 1: LIKE must follow a partition key"),
        ("region LIKE 'a' ESCAPE 'ab'", "Syntax error at position 24: the ESCAPE character must be a single character"),
        ("NOT year", "Syntax error at position 5: column 'year' is not followed by a comparison"),
        ("year = - x", "Syntax error at position 10: expected a number after '-', found 'x'"),
        ("'a'", "Syntax error at position 1: a literal is not a condition"),
    ],
)
def test_syntax_errors_say_where_and_what(expression, message):
    error = error_of(expression)
    assert error.code == "InvalidInputException"
    assert error.message.startswith("Invalid partition expression! " + message)


# -- evaluation and typing ---------------------------------------------------------------------------


def test_empty_expression_selects_everything():
    assert matching("") == ["a", "b", "c", "d"]
    assert compile_expression(None, [])(["anything"]) is True


def test_integer_keys_compare_numerically_not_lexically():
    assert matching("year > 99") == ["a", "b", "c"]  # '9' > '99' lexically, but 9 < 99
    assert matching("year >= '2019' AND year <= 2020") == ["a", "b"]  # quoted literal read as an integer


def test_string_keys_compare_lexically_even_against_numbers():
    keys = [{"Name": "year", "Type": "string"}] + KEYS[1:]
    assert matching("year < 3", keys) == ["a", "b", "c"]  # '100', '2019', '2020' sort before '3'; '9' after
    assert matching("year < '3'", keys) == ["a", "b", "c"]
    assert matching("year < 3") == []  # the same expression on an int key


def test_decimal_keys_compare_numerically_and_exactly():
    assert matching("score = 10") == ["b", "c"]  # '10' and '10.00'
    assert matching("score < 0") == ["d"]
    assert matching("score BETWEEN 9.5 AND 9.50") == ["a"]


def test_date_keys_compare_as_dates():
    assert matching("dt >= '2020-01-01' AND dt < DATE '2021-01-01'") == ["b", "c"]


def test_timestamp_keys_keep_nanoseconds():
    assert matching("ts > '2020-02-29 12:00:00'") == ["c", "d"]
    assert matching("ts = '2020-01-01 00:00:00.500'") == ["b"]


def test_all_comparison_operators():
    assert matching("year = 2020") == ["b"]
    assert matching("year <> 2020") == ["a", "c", "d"]
    assert matching("year != 2020") == ["a", "c", "d"]
    assert matching("year < 100") == ["d"]
    assert matching("year <= 100") == ["c", "d"]
    assert matching("year > 2019") == ["b"]
    assert matching("year >= 2019") == ["a", "b"]


def test_between_is_inclusive_and_empty_when_bounds_are_reversed():
    assert matching("year BETWEEN 100 AND 2019") == ["a", "c"]
    assert matching("year BETWEEN 2019 AND 100") == []
    assert matching("year NOT BETWEEN 100 AND 2019") == ["b", "d"]


def test_in_lists_are_typed_by_the_key():
    assert matching("year IN ('09', 100)") == ["c", "d"]
    assert matching("year NOT IN (9, 100)") == ["a", "b"]
    assert matching("region IN ('us-east', 'nowhere')") == ["b"]


def test_like_wildcards():
    assert matching("region LIKE 'us%'") == ["b", "c"]
    assert matching("region LIKE 'us_west'") == ["c"]  # _ matches one character, here '_'
    assert matching("region LIKE '__-%t'") == ["a", "b"]
    assert matching("region NOT LIKE '%-%'") == ["c"]
    assert matching("region LIKE 'US%'") == []  # case-sensitive


def test_like_escapes():
    assert matching(r"region LIKE 'us\_%'") == ["c"]
    assert matching(r"region LIKE '%\%'") == ["d"]
    assert matching("region LIKE '%!%' ESCAPE '!'") == ["d"]
    assert "ends with its escape character" in error_of("region LIKE 'abc!' ESCAPE '!'").message


def test_like_regex_characters_are_literal():
    keys = [{"Name": "p", "Type": "string"}]
    predicate = compile_expression("p LIKE 'a.c%'", keys)
    assert (predicate(["a.cd"]), predicate(["abcd"])) == (True, False)


def test_not_and_or_evaluate():
    assert matching("NOT (year = 2020 OR region = 'eu-west')") == ["c", "d"]
    assert matching("year = 9 OR year = 100 AND region = 'nope'") == ["d"]
    assert matching("(year = 9 OR year = 100) AND region = 'us_west'") == ["c"]


def test_is_null_never_matches_since_partition_values_are_required():
    assert matching("region IS NULL") == []
    assert matching("region IS NOT NULL") == ["a", "b", "c", "d"]


def test_columns_are_case_insensitive_and_may_be_quoted():
    assert matching("REGION = 'us-east'") == ["b"]
    assert matching("`region` = 'us-east'") == ["b"]
    assert matching("\"Region\" = 'us-east'") == ["b"]
    assert matching("YEAR = 9 and Year = 9") == ["d"]


def test_keywords_are_case_insensitive():
    assert matching("year between 9 and 100 or region like 'eu%'") == ["a", "c", "d"]


def test_unknown_column_names_the_partition_keys():
    error = error_of("month = '01'")
    assert error.code == "InvalidInputException"
    assert error.message == (
        "Invalid partition expression! Unknown column 'month' (the partition keys are: year, Region, dt, score, ts)"
    )
    assert error_of("x = 1", []).message.endswith("Unknown column 'x' (the table has no partition keys)")


def test_unknown_column_fails_even_without_partitions():
    with pytest.raises(AwsError):
        compile_expression("nope = 1", KEYS)


@pytest.mark.parametrize(
    "expression, message",
    [
        ("year = 'abc'", "'abc' at position 8 is not an integer as partition key 'year' requires"),
        ("year = 1.5", "'1.5' at position 8 is not an integer as partition key 'year' requires"),
        ("score > 'x'", "'x' at position 9 is not a number as partition key 'score' requires"),
        ("dt = '2020/01/01'", "'2020/01/01' at position 6 is not a date (yyyy-mm-dd) as partition key 'dt' requires"),
        ("dt = 20200101", "is not a date (yyyy-mm-dd)"),
        ("ts = '2020-01-01'", "is not a timestamp (yyyy-mm-dd hh:mm:ss[.fffffffff])"),
        ("year IN (1, 'x')", "'x' at position 13 is not an integer"),
        ("year BETWEEN 1 AND 'z'", "'z' at position 20 is not an integer"),
    ],
)
def test_literals_must_suit_the_key_type(expression, message):
    error = error_of(expression)
    assert error.code == "InvalidInputException"
    assert message in error.message


@pytest.mark.parametrize(
    "key, label", [("year", "Integral"), ("score", "Decimal"), ("dt", "Date"), ("ts", "Timestamp")]
)
def test_like_needs_a_string_key(key, label):
    assert error_of(f"{key} LIKE '1%'").message == (
        f"Invalid partition expression! {label} data type doesn't support operation 'LIKE' (partition key '{key}')"
    )


def test_unsupported_key_type_is_refused_only_when_used():
    keys = [{"Name": "flag", "Type": "boolean"}, {"Name": "p", "Type": "varchar(10)"}]
    assert compile_expression("p = 'x'", keys)(["true", "x"]) is True
    assert (
        "Partition key 'flag' has type 'boolean', which partition expressions do not support"
        in error_of("flag = 'true'", keys).message
    )


def test_stored_value_the_key_type_cannot_read_is_an_invalid_state():
    predicate = compile_expression("year > 1", [{"Name": "year", "Type": "bigint"}])
    with pytest.raises(AwsError) as info:
        predicate(["__HIVE_DEFAULT_PARTITION__"])
    assert info.value.code == "InvalidStateException"
    assert info.value.message == "Partition value '__HIVE_DEFAULT_PARTITION__' of key 'year' is not an integer"


def test_deep_nesting_is_refused_not_crashed():
    assert matching("(" * 64 + "year = 9" + ")" * 64) == ["d"]
    assert error_of("(" * 65 + "year = 9" + ")" * 65).message.startswith(
        "Invalid partition expression! Syntax error at position 65: nested deeper than 64 levels"
    )
    assert "nested deeper than 64 levels" in error_of("NOT " * 300 + "year = 9").message


def test_long_flat_expressions_evaluate():
    expression = " OR ".join(f"year = {n}" for n in range(300))
    assert matching(expression) == ["c", "d"]
