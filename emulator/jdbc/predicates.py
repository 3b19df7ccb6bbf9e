"""GetEntityRecords' FilterPredicate and OrderBy for a JDBC table, compiled into parameterised SQL.

AWS documents FilterPredicate only as "a filter predicate that you can apply in the query request", Field.
IsFilterable as whether a field "can be used in a filter clause (WHERE clause) of a SQL statement", and
SupportedFilterOperators as EQUAL_TO, NOT_EQUAL_TO, LESS_THAN, GREATER_THAN, LESS_THAN_OR_EQUAL_TO,
GREATER_THAN_OR_EQUAL_TO, BETWEEN, CONTAINS and ORDER_BY; its connector guides give filter predicates as SQL
conditions (`field = 'value' AND other > 3`). So a predicate here is a SQL condition over the table's own
columns, limited to those operators and their combinations:

    condition  := term (OR term)*          term := factor (AND factor)*
    factor     := NOT factor | ( condition ) | column op literal | column [NOT] BETWEEN literal AND literal
                | column [NOT] LIKE 'text' | column IS [NOT] NULL | column [NOT] IN (literal, ...)
    op         := = | != | <> | < | > | <= | >=
    literal    := 'text' ('' for a quote) | number | TRUE | FALSE | NULL

Columns are bare or "double-quoted" names of the table (case-insensitive when bare, like SQL); every literal
becomes a query parameter, every column a quoted identifier, so no text of the request reaches the SQL as
code. OrderBy is `column [ASC|DESC][, ...]`. Anything else raises InvalidPredicate saying where.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

_TOKEN = re.compile(r"""\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
    |(?P<quoted>"(?:[^"]|"")+")|(?P<word>[A-Za-z_][A-Za-z0-9_$]*)|(?P<op><=|>=|<>|!=|=|<|>)|(?P<punct>[(),]))""",
                    re.VERBOSE)
_KEYWORDS = {"AND", "OR", "NOT", "BETWEEN", "LIKE", "IS", "NULL", "IN", "TRUE", "FALSE", "ASC", "DESC"}


class InvalidPredicate(ValueError):
    """The predicate or ordering is not of the grammar above, or names a column the table does not have."""


def quote_ident(name: str) -> str:
    """A SQL identifier as PostgreSQL's quote_ident writes it when quoting: double quotes, inner ones doubled."""
    return '"' + name.replace('"', '""') + '"'


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise InvalidPredicate(f"Unexpected text at position {position}: {text[position:position + 20]!r}")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "word" and value.upper() in _KEYWORDS:
            kind, value = "keyword", value.upper()
        tokens.append((kind, value))
        position = match.end()
    return tokens


class _Compiler:
    """A recursive-descent reader of one predicate that writes its SQL and collects its parameters."""

    def __init__(self, text: str, columns: Sequence[str]):
        self.tokens = _tokens(text)
        self.at = 0
        self.columns = list(columns)
        self.parameters: list[Any] = []

    def peek(self, *values: str) -> bool:
        return self.at < len(self.tokens) and self.tokens[self.at][1] in values

    def take(self, *values: str) -> str:
        if not self.peek(*values):
            found = self.tokens[self.at][1] if self.at < len(self.tokens) else "the end of the predicate"
            raise InvalidPredicate(f"Expected {' or '.join(values)} but found {found}")
        self.at += 1
        return self.tokens[self.at - 1][1]

    def condition(self) -> str:
        parts = [self.term()]
        while self.peek("OR"):
            self.take("OR")
            parts.append(self.term())
        return " OR ".join(parts)

    def term(self) -> str:
        parts = [self.factor()]
        while self.peek("AND"):
            self.take("AND")
            parts.append(self.factor())
        return " AND ".join(parts)

    def factor(self) -> str:
        if self.peek("NOT"):
            self.take("NOT")
            return f"NOT {self.factor()}"
        if self.peek("("):
            self.take("(")
            inner = self.condition()
            self.take(")")
            return f"({inner})"
        column = self.column()
        if self.peek("IS"):
            self.take("IS")
            negated = " NOT" if self.peek("NOT") and self.take("NOT") else ""
            self.take("NULL")
            return f"{column} IS{negated} NULL"
        negated = " NOT" if self.peek("NOT") and self.take("NOT") else ""
        if self.peek("BETWEEN"):
            self.take("BETWEEN")
            low = self.literal()
            self.take("AND")
            return f"{column}{negated} BETWEEN {low} AND {self.literal()}"
        if self.peek("LIKE"):
            self.take("LIKE")
            if self.at >= len(self.tokens) or self.tokens[self.at][0] != "string":
                raise InvalidPredicate("LIKE takes a quoted text pattern")
            return f"{column}{negated} LIKE {self.literal()}"
        if self.peek("IN"):
            self.take("IN")
            self.take("(")
            values = [self.literal()]
            while self.peek(","):
                self.take(",")
                values.append(self.literal())
            self.take(")")
            return f"{column}{negated} IN ({', '.join(values)})"
        if negated:
            raise InvalidPredicate("NOT after a column must be followed by BETWEEN, LIKE or IN")
        operator = self.take("=", "!=", "<>", "<", ">", "<=", ">=")
        return f"{column} {'<>' if operator == '!=' else operator} {self.literal()}"

    def column(self) -> str:
        if self.at >= len(self.tokens) or self.tokens[self.at][0] not in ("word", "quoted"):
            found = self.tokens[self.at][1] if self.at < len(self.tokens) else "the end of the predicate"
            raise InvalidPredicate(f"Expected a column name but found {found}")
        kind, text = self.tokens[self.at]
        self.at += 1
        return quote_ident(resolve_column(text[1:-1].replace('""', '"') if kind == "quoted" else text,
                                          self.columns, exact=kind == "quoted"))

    def literal(self) -> str:
        if self.at >= len(self.tokens):
            raise InvalidPredicate("Expected a value but found the end of the predicate")
        kind, text = self.tokens[self.at]
        self.at += 1
        if kind == "string":
            self.parameters.append(text[1:-1].replace("''", "'"))
        elif kind == "number":
            self.parameters.append(int(text) if re.fullmatch(r"-?\d+", text) else Decimal(text))
        elif text in ("TRUE", "FALSE"):
            self.parameters.append(text == "TRUE")
        elif text == "NULL":
            return "NULL"
        else:
            raise InvalidPredicate(f"Expected a value but found {text}")
        return "%s"


def resolve_column(name: str, columns: Sequence[str], exact: bool = False) -> str:
    """The table's column `name` stands for: the exact name, else (unless `exact`) the one equal ignoring case."""
    if name in columns:
        return name
    folded = [c for c in columns if c.lower() == name.lower()] if not exact else []
    if len(folded) == 1:
        return folded[0]
    raise InvalidPredicate(f"Unknown field {name}: the entity's fields are {', '.join(columns)}")


def compile_filter(text: str, columns: Sequence[str]) -> tuple[str, list[Any]]:
    """(SQL condition with %s placeholders, its parameters) of a FilterPredicate over `columns`."""
    compiler = _Compiler(text, columns)
    if not compiler.tokens:
        raise InvalidPredicate("The filter predicate is empty")
    sql = compiler.condition()
    if compiler.at != len(compiler.tokens):
        raise InvalidPredicate(f"Unexpected {compiler.tokens[compiler.at][1]} after a complete condition")
    return sql, compiler.parameters


def compile_order(text: str, columns: Sequence[str]) -> list[str]:
    """The ORDER BY items of an OrderBy `column [ASC|DESC], ...` over `columns`, identifiers quoted."""
    items = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1].upper() not in ("ASC", "DESC")):
            raise InvalidPredicate(f"Invalid OrderBy {text!r}: expected field [ASC|DESC], separated by commas")
        name = words[0][1:-1] if len(words[0]) > 1 and words[0][0] == words[0][-1] == '"' else words[0]
        column = quote_ident(resolve_column(name, columns, exact=name != words[0]))
        items.append(f"{column} {words[1].upper()}" if len(words) == 2 else column)
    return items
