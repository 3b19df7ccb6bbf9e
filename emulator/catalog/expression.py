"""The partition filter language of GetPartitions' `Expression` (also Glue's catalogPartitionPredicate).

AWS parses it with JSQLParser as a SQL WHERE clause over the table's partition keys. Here a small
tokenizer and recursive-descent parser build a syntax tree (`parse`), and `compile_expression` binds
that tree to a table's partition keys (resolving column names, typing literals by the key's Type)
into a predicate over a partition's Values. Binding happens before any partition is read, so a bad
expression fails even on a table without partitions.

Grammar (keywords case-insensitive; NOT binds tighter than AND, AND tighter than OR):

    expression := [or_expr] EOF
    or_expr    := and_expr (OR and_expr)*
    and_expr   := not_expr (AND not_expr)*
    not_expr   := NOT not_expr | predicate
    predicate  := operand [ comp_op operand
                          | [NOT] IN '(' operand (',' operand)* ')'
                          | [NOT] BETWEEN operand AND operand
                          | [NOT] LIKE operand [ESCAPE operand]
                          | IS [NOT] NULL ]
    operand    := '(' or_expr ')' | column | literal
    column     := identifier | `back-quoted` | "double-quoted"   (as JSQLParser quotes identifiers)
    literal    := 'string' | [+|-] number | DATE 'string' | TIMESTAMP 'string'

A parenthesised operand is allowed because the Glue Hive metastore client sends `(col) IN (...)`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..errors import AwsError, InvalidInputException

Predicate = Callable[[Sequence[str]], bool]

_PREFIX = "Invalid partition expression! "  # what AWS answers for an expression it cannot use
_KEYWORDS = frozenset({"AND", "OR", "NOT", "IN", "BETWEEN", "LIKE", "IS", "NULL", "ESCAPE"})
_TYPED_LITERALS = frozenset({"DATE", "TIMESTAMP"})
_MAX_NESTING = 64  # parentheses and NOTs; deeper would exhaust Python's recursion limit
_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_$]*)"
    r"|(?P<op><=|>=|<>|!=|=|<|>)"
    r"|(?P<punct>[(),+-])"
)
_FLIPPED = {"=": "=", "<>": "<>", "!=": "<>", "<": ">", ">": "<", "<=": ">=", ">=": "<="}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def _error(detail: str) -> AwsError:
    return InvalidInputException(_PREFIX + detail)


def _syntax_error(pos: int, detail: str) -> AwsError:
    return _error(f"Syntax error at position {pos + 1}: {detail}")


# -- tokens ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, ident, keyword, op, ( ) , + -, eof
    text: str  # keywords upper-cased; strings and quoted identifiers unescaped
    pos: int

    def describe(self) -> str:
        return "the end of the expression" if self.kind == "eof" else f"'{self.text}'"


def _quoted(text: str, start: int, quote: str) -> tuple[str, int]:
    """The content of a quoted token starting at `start`, and the offset after it.

    A doubled quote stands for one quote; in strings `\\'` does too, as the Glue Hive client
    escapes quotes that way. Other backslashes stay (LIKE gives them their meaning).
    """
    out: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == quote:
            if text.startswith(quote, i + 1):
                out.append(quote)
                i += 2
                continue
            return "".join(out), i + 1
        if ch == "\\" and quote == "'" and text.startswith("'", i + 1):
            out.append("'")
            i += 2
            continue
        out.append(ch)
        i += 1
    what = "string" if quote == "'" else "quoted identifier"
    raise _syntax_error(start, f"unterminated {what}")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "'`\"":
            value, end = _quoted(text, i, ch)
            tokens.append(Token("string" if ch == "'" else "ident", value, i))
            i = end
            continue
        match = _TOKEN.match(text, i)
        if match is None:
            raise _syntax_error(i, f"unexpected character '{ch}'")
        kind, value = match.lastgroup, match.group()
        if kind == "word":
            upper = value.upper()
            tokens.append(Token("keyword", upper, i) if upper in _KEYWORDS else Token("ident", value, i))
        elif kind == "punct":
            tokens.append(Token(value, value, i))
        elif kind != "space":
            tokens.append(Token(str(kind), value, i))
        i = match.end()
    tokens.append(Token("eof", "", len(text)))
    return tokens


# -- syntax tree -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    pos: int


@dataclass(frozen=True)
class Literal:
    text: str
    is_string: bool
    pos: int


@dataclass(frozen=True)
class Comparison:
    """`column op literal`; a literal written first is turned around (`5 < x` is `x > 5`)."""

    column: Column
    op: str
    value: Literal


@dataclass(frozen=True)
class InList:
    column: Column
    values: tuple[Literal, ...]
    negated: bool


@dataclass(frozen=True)
class Between:
    column: Column
    low: Literal
    high: Literal
    negated: bool


@dataclass(frozen=True)
class Like:
    column: Column
    pattern: Literal
    escape: str | None
    negated: bool


@dataclass(frozen=True)
class IsNull:
    column: Column
    negated: bool


@dataclass(frozen=True)
class Not:
    operand: Condition


@dataclass(frozen=True)
class And:
    left: Condition
    right: Condition


@dataclass(frozen=True)
class Or:
    left: Condition
    right: Condition


Condition = Comparison | InList | Between | Like | IsNull | Not | And | Or
_Node = Condition | Column | Literal


class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.token
        self.index = min(self.index + 1, len(self.tokens) - 1)  # stay on eof
        return token

    def nested(self, parse: Callable[[], _Node], pos: int) -> _Node:
        self.depth += 1
        if self.depth > _MAX_NESTING:
            raise _syntax_error(pos, f"nested deeper than {_MAX_NESTING} levels")
        node = parse()
        self.depth -= 1
        return node

    def accept(self, kind: str, text: str | None = None) -> Token | None:
        token = self.token
        if token.kind == kind and (text is None or token.text == text):
            return self.advance()
        return None

    def expect(self, kind: str, text: str, what: str) -> Token:
        token = self.accept(kind, text)
        if token is None:
            raise _syntax_error(self.token.pos, f"expected {what}, found {self.token.describe()}")
        return token

    def parse(self) -> Condition | None:
        if self.token.kind == "eof":
            return None
        node = self.or_expr()
        if self.token.kind != "eof":
            raise _syntax_error(self.token.pos, f"unexpected {self.token.describe()}")
        return self.condition(node)

    def condition(self, node: _Node) -> Condition:
        """A node used as a truth value must be a condition, not a bare column or literal."""
        if isinstance(node, Column):
            raise _syntax_error(node.pos, f"column '{node.name}' is not followed by a comparison")
        if isinstance(node, Literal):
            raise _syntax_error(node.pos, "a literal is not a condition")
        return node

    def or_expr(self) -> _Node:
        node = self.and_expr()
        while self.accept("keyword", "OR"):
            node = Or(self.condition(node), self.condition(self.and_expr()))
        return node

    def and_expr(self) -> _Node:
        node = self.not_expr()
        while self.accept("keyword", "AND"):
            node = And(self.condition(node), self.condition(self.not_expr()))
        return node

    def not_expr(self) -> _Node:
        token = self.accept("keyword", "NOT")
        if token:
            return Not(self.condition(self.nested(self.not_expr, token.pos)))
        return self.predicate()

    def predicate(self) -> _Node:
        left = self.operand()
        token = self.token
        if token.kind == "op":
            self.advance()
            return self.comparison(left, token.text, self.operand())
        if self.accept("keyword", "IS"):
            negated = self.accept("keyword", "NOT") is not None
            self.expect("keyword", "NULL", "NULL after IS")
            return IsNull(self.column(left, "IS NULL"), negated)
        negated = self.accept("keyword", "NOT") is not None
        if self.accept("keyword", "IN"):
            return self.in_list(self.column(left, "IN"), negated)
        if self.accept("keyword", "BETWEEN"):
            low = self.literal(self.operand(), "BETWEEN")
            self.expect("keyword", "AND", "AND between the bounds of BETWEEN")
            return Between(self.column(left, "BETWEEN"), low, self.literal(self.operand(), "BETWEEN"), negated)
        if self.accept("keyword", "LIKE"):
            pattern = self.literal(self.operand(), "LIKE")
            escape = None
            if self.accept("keyword", "ESCAPE"):
                escape_literal = self.literal(self.operand(), "ESCAPE")
                if len(escape_literal.text) != 1:
                    raise _syntax_error(escape_literal.pos, "the ESCAPE character must be a single character")
                escape = escape_literal.text
            return Like(self.column(left, "LIKE"), pattern, escape, negated)
        if negated:
            raise _syntax_error(
                self.token.pos, f"expected IN, BETWEEN or LIKE after NOT, found {self.token.describe()}"
            )
        return left

    def in_list(self, column: Column, negated: bool) -> InList:
        self.expect("(", "(", "'(' after IN")
        values = [self.literal(self.operand(), "IN")]
        while self.accept(",", ","):
            values.append(self.literal(self.operand(), "IN"))
        self.expect(")", ")", "',' or ')' in the IN list")
        return InList(column, tuple(values), negated)

    def comparison(self, left: _Node, op: str, right: _Node) -> Comparison:
        if isinstance(left, Column) and isinstance(right, Literal):
            return Comparison(left, op, right)
        if isinstance(left, Literal) and isinstance(right, Column):
            return Comparison(right, _FLIPPED[op], left)
        pos = left.pos if isinstance(left, (Column, Literal)) else self.token.pos
        raise _syntax_error(pos, f"'{op}' must compare a partition key with a literal value")

    def column(self, node: _Node, what: str) -> Column:
        if not isinstance(node, Column):
            raise _syntax_error(getattr(node, "pos", self.token.pos), f"{what} must follow a partition key")
        return node

    def literal(self, node: _Node, what: str) -> Literal:
        if not isinstance(node, Literal):
            pos = getattr(node, "pos", self.token.pos)
            raise _syntax_error(pos, f"{what} takes literal values, not columns or conditions")
        return node

    def operand(self) -> _Node:
        token = self.advance()
        if token.kind == "(":
            node = self.nested(self.or_expr, token.pos)
            self.expect(")", ")", "')'")
            return node
        if token.kind == "ident":
            if token.text.upper() in _TYPED_LITERALS and self.token.kind == "string":
                # DATE '2024-01-31' / TIMESTAMP '...': the key's type decides how it compares anyway.
                return Literal(self.advance().text, True, token.pos)
            return Column(token.text, token.pos)
        if token.kind == "string":
            return Literal(token.text, True, token.pos)
        if token.kind in ("+", "-"):
            number = self.token
            if number.kind != "number":
                raise _syntax_error(number.pos, f"expected a number after '{token.text}', found {number.describe()}")
            self.advance()
            return Literal(("-" if token.kind == "-" else "") + number.text, False, token.pos)
        if token.kind == "number":
            return Literal(token.text, False, token.pos)
        raise _syntax_error(token.pos, f"expected a partition key or a value, found {token.describe()}")


def parse(text: str) -> Condition | None:
    """The syntax tree of an expression; None when it is empty or blank (which selects everything)."""
    return _Parser(text).parse()


# -- types -------------------------------------------------------------------------------------------

_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?")


def _integer(text: str) -> int:
    if not _INTEGER.fullmatch(text):
        raise ValueError("an integer")
    return int(text)


def _decimal(text: str) -> Decimal:
    if not _DECIMAL.fullmatch(text):
        raise ValueError("a number")
    return Decimal(text)


def _date(text: str) -> date:
    if not _DATE.fullmatch(text):
        raise ValueError("a date (yyyy-mm-dd)")
    return date.fromisoformat(text)


def _timestamp(text: str) -> tuple[datetime, int]:
    """(seconds, nanoseconds): timestamps keep up to nine fractional digits, as Hive's do."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        raise ValueError("a timestamp (yyyy-mm-dd hh:mm:ss[.fffffffff])")
    return datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S"), int((match.group(2) or "").ljust(9, "0"))


@dataclass(frozen=True)
class _KeyType:
    """How values of a partition key type compare; `label` names it in errors as AWS does."""

    label: str
    cast: Callable[[str], Any]
    likeable: bool = False


_STRING = _KeyType("String", str, likeable=True)
_INTEGRAL = _KeyType("Integral", _integer)
_NUMERIC = _KeyType("Decimal", _decimal)
_KEY_TYPES: dict[str, _KeyType] = {
    "string": _STRING,
    "char": _STRING,
    "varchar": _STRING,
    "int": _INTEGRAL,
    "integer": _INTEGRAL,
    "bigint": _INTEGRAL,
    "long": _INTEGRAL,
    "smallint": _INTEGRAL,
    "tinyint": _INTEGRAL,
    "decimal": _NUMERIC,
    "double": _NUMERIC,
    "float": _NUMERIC,
    "real": _NUMERIC,
    "date": _KeyType("Date", _date),
    "timestamp": _KeyType("Timestamp", _timestamp),
}


def _base_type(type_name: str) -> str:
    """`decimal(10,2)` and `varchar(20)` compare as decimal and varchar."""
    return type_name.split("(", 1)[0].strip().lower()


@dataclass(frozen=True)
class _Key:
    name: str
    index: int
    type: _KeyType

    def literal(self, lit: Literal) -> Any:
        try:
            return self.type.cast(lit.text)
        except ValueError as exc:
            raise _error(
                f"'{lit.text}' at position {lit.pos + 1} is not {exc} as partition key '{self.name}' requires"
            ) from None

    def value(self, values: Sequence[str]) -> Any:
        """A partition's value of this key, typed. A stored value the key's type cannot read is the
        catalog's inconsistency, not the caller's: InvalidStateException (GetPartitions models it)."""
        text = values[self.index]
        try:
            return self.type.cast(text)
        except ValueError as exc:
            raise AwsError(
                f"Partition value '{text}' of key '{self.name}' is not {exc}", code="InvalidStateException"
            ) from None


def _like_regex(pattern: str, escape: str | None) -> re.Pattern[str]:
    """SQL LIKE as a regex: % any run, _ one character; the escape character (backslash unless
    ESCAPE names another) makes the next character literal."""
    escape = "\\" if escape is None else escape
    parts: list[str] = []
    chars = iter(pattern)
    for ch in chars:
        if ch == escape:
            following = next(chars, None)
            if following is None:
                raise _error(f"LIKE pattern '{pattern}' ends with its escape character")
            parts.append(re.escape(following))
        elif ch == "%":
            parts.append(".*")
        elif ch == "_":
            parts.append(".")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts), re.DOTALL)


class _Binder:
    """Turns a syntax tree into a predicate over one table's partition keys."""

    def __init__(self, partition_keys: Sequence[Mapping[str, Any]]):
        self.keys = partition_keys
        self.by_name = {key["Name"].lower(): i for i, key in enumerate(partition_keys)}

    def key(self, column: Column) -> _Key:
        index = self.by_name.get(column.name.lower())
        if index is None:
            names = ", ".join(k["Name"] for k in self.keys)
            known = f"the partition keys are: {names}" if names else "the table has no partition keys"
            raise _error(f"Unknown column '{column.name}' ({known})")
        spec = self.keys[index]
        key_type = _KEY_TYPES.get(_base_type(spec.get("Type", "string")))
        if key_type is None:
            raise _error(
                f"Partition key '{spec['Name']}' has type '{spec.get('Type')}', which partition "
                "expressions do not support (supported: string, char, varchar, date, timestamp, "
                "tinyint, smallint, int, bigint, long, float, double, decimal)"
            )
        return _Key(spec["Name"], index, key_type)

    def bind(self, node: Condition) -> Predicate:
        if isinstance(node, And):
            left, right = self.bind(node.left), self.bind(node.right)
            return lambda values: left(values) and right(values)
        if isinstance(node, Or):
            left, right = self.bind(node.left), self.bind(node.right)
            return lambda values: left(values) or right(values)
        if isinstance(node, Not):
            inner = self.bind(node.operand)
            return lambda values: not inner(values)
        key = self.key(node.column)
        if isinstance(node, Comparison):
            compare, expected = _COMPARE[node.op], key.literal(node.value)
            return lambda values: compare(key.value(values), expected)
        if isinstance(node, InList):
            members = {key.literal(v) for v in node.values}
            return lambda values: (key.value(values) in members) != node.negated
        if isinstance(node, Between):
            low, high = key.literal(node.low), key.literal(node.high)
            return lambda values: (low <= key.value(values) <= high) != node.negated
        if isinstance(node, Like):
            if not key.type.likeable:
                raise _error(
                    f"{key.type.label} data type doesn't support operation 'LIKE' (partition key '{key.name}')"
                )
            regex = _like_regex(node.pattern.text, node.escape)
            return lambda values: (regex.fullmatch(values[key.index]) is not None) != node.negated
        # IS [NOT] NULL: the model requires every partition value, so no value is ever NULL.
        return lambda values: node.negated


def compile_expression(expression: str | None, partition_keys: Sequence[Mapping[str, Any]]) -> Predicate:
    """A predicate over a partition's Values; an absent or blank expression (Spark's Hive client
    sends "") selects every partition. Raises InvalidInputException for any unusable expression."""
    tree = parse(expression or "")
    if tree is None:
        return lambda values: True
    return _Binder(partition_keys).bind(tree)


def _conjuncts(node: Condition) -> Iterator[Condition]:
    """The conditions an expression ANDs together at its top level."""
    if isinstance(node, And):
        yield from _conjuncts(node.left)
        yield from _conjuncts(node.right)
    else:
        yield node


def index_lookups(expression: str | None, partition_keys: Sequence[Mapping[str, Any]]) -> dict[int, frozenset[str]]:
    """{key position: texts} that every partition the expression selects must hold at that position.

    Read from the top-level conjuncts `key = 'literal'` and `key IN (...)` on string-typed keys, whose
    comparison is exact text equality, so an index on the stored texts answers them; any other
    condition is left to the predicate, which still checks every partition the lookups return. Call it
    after `compile_expression` accepted the expression.
    """
    tree = parse(expression or "")
    if tree is None:
        return {}
    binder = _Binder(partition_keys)
    lookups: dict[int, frozenset[str]] = {}
    for node in _conjuncts(tree):
        if isinstance(node, Comparison) and node.op == "=":
            texts = frozenset({node.value.text})
        elif isinstance(node, InList) and not node.negated:
            texts = frozenset(value.text for value in node.values)
        else:
            continue
        key = binder.key(node.column)
        if key.type is _STRING:
            lookups[key.index] = lookups.get(key.index, texts) & texts
    return lookups
