"""FilterPredicate and OrderBy compiled to parameterised SQL (emulator/jdbc/predicates.py): the SQL holds only
quoted columns, operators and placeholders; every value is a parameter; anything outside the grammar is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from emulator.jdbc.predicates import InvalidPredicate, compile_filter, compile_order, quote_ident

COLUMNS = ["id", "name", "Amount", 'odd"col']


@pytest.mark.parametrize("text, sql, parameters", [
    ("id = 1", '"id" = %s', [1]),
    ("ID != -2.5", '"id" <> %s', [Decimal("-2.5")]),
    ("name = 'it''s' and amount >= 3", '"name" = %s AND "Amount" >= %s', ["it's", 3]),
    ("NOT (id < 1 OR id > 9)", 'NOT ("id" < %s OR "id" > %s)', [1, 9]),
    ("amount not between 1 and 2", '"Amount" NOT BETWEEN %s AND %s', [1, 2]),
    ("name LIKE '%x%'", '"name" LIKE %s', ["%x%"]),
    ("name IS NOT NULL", '"name" IS NOT NULL', []),
    ("id IN (1, 'two', TRUE)", '"id" IN (%s, %s, %s)', [1, "two", True]),
    ('"odd""col" = 1', '"odd""col" = %s', [1]),
])
def test_conditions_compile_to_placeholders(text, sql, parameters):
    assert compile_filter(text, COLUMNS) == (sql, parameters)


@pytest.mark.parametrize("text", [
    "", "id", "id = ", "id = 1;", "id = 1 -- x", "1 = 1", "nope = 1", "id = name", "lower(name) = 'a'",
    "id = 1 id = 2", "(id = 1", "name LIKE 3", "id NOT = 1", '"ID" = 1', "id = 'unterminated",
])
def test_anything_else_is_refused(text):
    with pytest.raises(InvalidPredicate):
        compile_filter(text, COLUMNS)


def test_order_by_quotes_known_columns_only():
    assert compile_order("amount desc, id", COLUMNS) == ['"Amount" DESC', '"id"']
    for bad in ["id; DROP TABLE x", "id sideways", "nope", "id,", "random()"]:
        with pytest.raises(InvalidPredicate):
            compile_order(bad, COLUMNS)


def test_quote_ident_doubles_quotes():
    assert quote_ident('a"b') == '"a""b"'
