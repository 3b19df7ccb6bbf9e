"""CloudWatch Logs filter patterns (FilterLogEvents' filterPattern) compiled to predicates.

Supported, as CloudWatch documents them (all case-sensitive):
- terms: `ERROR Exception` (all), `?ERROR ?WARN` (any), `ERROR -Retry` (exclusion), `"quoted phrase"`;
- regular expressions: `%Error [0-9]+%`;
- JSON patterns: `{ $.level = "ERROR" && ($.code >= 500 || $.msg = "time*") }`, with `=`, `!=`,
  `<`, `<=`, `>`, `>=`, `*` wildcards in strings, `IS NULL`, `IS TRUE`, `IS FALSE`, `EXISTS`,
  `NOT EXISTS`; events that are not JSON never match.
Space-delimited patterns (`[ip, user, ...]`) are refused with a clear error (not implemented).

Malformed patterns are PatternError, which FilterLogEvents answers as InvalidParameterException (400), as
CloudWatch does: an unclosed quote (`"ERROR`), an empty quoted term (`""`), a sign with no term (`?`, `-`),
a quote inside a bare term, `{` without a closing `}`, `%` without a closing `%`, and regular expressions
holding what CloudWatch's regex syntax does not (`(`, `)`, `!`, multi-byte characters, ...).
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable
from typing import Any

Matcher = Callable[[str], bool]


class PatternError(ValueError):
    """The pattern cannot be used; the message says why (sent back as InvalidParameterException)."""


def compile_pattern(pattern: str | None) -> Matcher:
    """A predicate over an event's message; PatternError (InvalidParameterException) for a malformed pattern."""
    text = (pattern or "").strip()
    if not text:
        return lambda message: True
    if text.startswith("%"):
        return _regex(text)
    if text.startswith("{"):
        if not text.endswith("}"):
            raise PatternError("Invalid filter pattern: If a filter pattern starts with '{' it must end with '}'")
        return _JsonPattern(text).compile()
    if text.startswith("["):
        raise PatternError("Space-delimited filter patterns ([...]) are not supported by glue-emulator")
    return _terms(text)


# What CloudWatch's regular expressions may hold besides letters and digits
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/regex-expressions.html): symbols `:_#=@/;,-`
# and operators `^$?[]{}|\*+.`; `(` `)` and multi-byte characters are refused. A space is taken too (the
# documentation's list omits it; we are lenient where it says nothing).
_REGEX_TEXT = re.compile(r"^[A-Za-z0-9:_#=@/;,\-^$?\[\]{}|\\*+. ]*$")


def _regex(text: str) -> Matcher:
    if len(text) < 2 or not text.endswith("%"):
        raise PatternError("Invalid filter pattern: a regular expression must be enclosed in % signs: %regex%")
    body = text[1:-1]
    bad = next((char for char in body if not _REGEX_TEXT.match(char)), None)
    if bad is not None:
        raise PatternError(f"Invalid filter pattern: the character {bad!r} is not supported in a regular expression")
    try:
        regex = re.compile(body)
    except re.error as exc:
        raise PatternError(f"Invalid regular expression in filter pattern: {exc}") from None
    return lambda message: regex.search(message) is not None


def _invalid_term(term: str) -> PatternError:
    # CloudWatch's own wording, e.g. `Invalid character(s) in term '""'` for an empty quoted term.
    return PatternError(f"Invalid filter pattern: Invalid character(s) in term '{term}'")


def _quoted(text: str, start: int) -> tuple[str, int]:
    """The term of the quoted string opening at `start` (`\\"` and `\\\\` escapes), and where it ends."""
    chars: list[str] = []
    position = start + 1
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text):
            chars.append(text[position + 1])
            position += 2
            continue
        if char == '"':
            return "".join(chars), position + 1
        chars.append(char)
        position += 1
    raise PatternError(f"Invalid filter pattern: the quoted term starting at position {start} is not closed: "
                       f"{text[start:]}")


def _split_terms(text: str) -> list[tuple[str, str]]:
    """(sign, term) pairs: sign is "" (required), "?" (any of) or "-" (excluded)."""
    terms: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        start = position
        sign = text[position] if text[position] in "?-" else ""
        position += len(sign)
        if position < len(text) and text[position] == '"':
            term, position = _quoted(text, position)
            if not term or (position < len(text) and not text[position].isspace()):
                end = position
                while end < len(text) and not text[end].isspace():
                    end += 1
                raise _invalid_term(text[start:end])
        else:
            end = position
            while end < len(text) and not text[end].isspace():
                end += 1
            term, position = text[position:end], end
            if not term or '"' in term:
                raise _invalid_term(text[start:end])
        terms.append((sign, term))
    return terms


def _terms(text: str) -> Matcher:
    required: list[str] = []
    optional: list[str] = []
    excluded: list[str] = []
    for sign, term in _split_terms(text):
        {"": required, "?": optional, "-": excluded}[sign].append(term)

    def matches(message: str) -> bool:
        if any(term in message for term in excluded):
            return False
        if optional and not any(term in message for term in optional):
            return False
        return all(term in message for term in required)

    return matches


_JSON_TOKEN = re.compile(
    r'\s*(?:(?P<sel>\$(?:\.[A-Za-z0-9_@-]+|\[\d+\])*)|(?P<str>"(?:[^"\\]|\\.)*")|'
    r"(?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?P<op>&&|\|\||!=|<=|>=|=|<|>|\(|\)|\{|\})|"
    r"(?P<word>[A-Za-z_*][A-Za-z0-9_.*:/-]*))"
)
_MISSING = object()


class _JsonPattern:
    """A recursive-descent parser for `{ ... }` patterns, producing a predicate over a JSON value."""

    def __init__(self, text: str):
        self.tokens: list[tuple[str, str]] = []
        position = 0
        text = text.rstrip()
        while position < len(text):
            match = _JSON_TOKEN.match(text, position)
            if match is None or match.end() == position:
                raise PatternError(
                    f"Invalid character(s) in filter pattern at position {position}: {text[position:]!r}"
                )
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            position = match.end()
            while position < len(text) and text[position].isspace():
                position += 1
        self.index = 0

    def compile(self) -> Matcher:
        self._expect("op", "{")
        test = self._or()
        self._expect("op", "}")
        if self.index != len(self.tokens):
            raise PatternError("Unexpected text after the closing '}' of the filter pattern")

        def matches(message: str) -> bool:
            try:
                document = json.loads(message)
            except ValueError:
                return False
            return test(document)

        return matches

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _next(self) -> tuple[str, str]:
        token = self._peek()
        if token is None:
            raise PatternError("The filter pattern ends too early")
        self.index += 1
        return token

    def _expect(self, kind: str, value: str | None = None) -> str:
        got_kind, got = self._next()
        if got_kind != kind or (value is not None and got != value):
            raise PatternError(f"Expected {value or kind} in filter pattern, found {got!r}")
        return got

    def _or(self) -> Callable[[Any], bool]:
        left = self._and()
        while self._peek() == ("op", "||"):
            self.index += 1
            right, first = self._and(), left
            left = lambda doc, a=first, b=right: a(doc) or b(doc)
        return left

    def _and(self) -> Callable[[Any], bool]:
        left = self._unit()
        while self._peek() == ("op", "&&"):
            self.index += 1
            right, first = self._unit(), left
            left = lambda doc, a=first, b=right: a(doc) and b(doc)
        return left

    def _unit(self) -> Callable[[Any], bool]:
        if self._peek() == ("op", "("):
            self.index += 1
            inner = self._or()
            self._expect("op", ")")
            return inner
        selector = _selector(self._expect("sel"))
        kind, word = self._next()
        if (kind, word) == ("word", "EXISTS"):
            return lambda doc: selector(doc) is not _MISSING
        if (kind, word) == ("word", "NOT"):
            self._expect("word", "EXISTS")
            return lambda doc: selector(doc) is _MISSING
        if (kind, word) == ("word", "IS"):
            expected = {"NULL": None, "TRUE": True, "FALSE": False}.get(self._expect("word"), _MISSING)
            if expected is _MISSING:
                raise PatternError("IS must be followed by NULL, TRUE or FALSE")
            return lambda doc: selector(doc) is expected
        if kind != "op" or word not in ("=", "!=", "<", "<=", ">", ">="):
            raise PatternError(f"Expected a comparison after the selector, found {word!r}")
        return _comparison(selector, word, self._next())


def _selector(path: str) -> Callable[[Any], Any]:
    parts = re.findall(r"\.[^.\[]+|\[\d+\]", path[1:])
    steps = [int(step[1:-1]) if step.startswith("[") else step[1:] for step in parts]

    def select(doc: Any) -> Any:
        for step in steps:
            if isinstance(step, int) and isinstance(doc, list) and step < len(doc) or isinstance(step, str) and isinstance(doc, dict) and step in doc:
                doc = doc[step]
            else:
                return _MISSING
        return doc

    return select


def _comparison(select: Callable[[Any], Any], op: str, operand: tuple[str, str]) -> Callable[[Any], bool]:
    kind, raw = operand
    if kind in ("str", "word"):  # CloudWatch also takes unquoted words as strings
        if op not in ("=", "!="):
            raise PatternError(f"Strings can only be compared with = or !=, not {op}")
        wanted = json.loads(raw) if kind == "str" else raw

        def text_test(doc: Any) -> bool:
            value = select(doc)
            equal = isinstance(value, str) and fnmatch.fnmatchcase(value, wanted)
            return equal if op == "=" else (value is not _MISSING and not equal)

        return text_test
    if kind == "num":
        number = float(raw)
        compare: dict[str, Callable[[float], bool]] = {
            "=": lambda v: v == number,
            "!=": lambda v: v != number,
            "<": lambda v: v < number,
            "<=": lambda v: v <= number,
            ">": lambda v: v > number,
            ">=": lambda v: v >= number,
        }

        def number_test(doc: Any) -> bool:
            value = select(doc)
            return isinstance(value, (int, float)) and not isinstance(value, bool) and compare[op](value)

        return number_test
    raise PatternError(f"Expected a string or a number after {op}, found {raw!r}")
