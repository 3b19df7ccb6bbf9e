"""DQDL text -> Ruleset, with AWS's messages for an invalid ruleset.

The grammar (dqdl.lark) is parsed by lark's LALR parser; `_Build` turns the tree into the model and `_check`
applies each rule type's constraints. Error messages are those of AWS's DQDL library that CreateDataQualityRuleset
answers with (InvalidInputException): "Parsing Error: " followed by the problems joined by ", ", e.g.
"Parsing Error: Rule Type: Foo is not valid". Syntax errors name the line and 0-based column the way AWS's
ANTLR-based parser does ("line 1:18 mismatched input ']' expecting ..."); the expected-token lists are lark's and
can differ from AWS's in their wording.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from . import ruletypes
from .model import (
    Analyzer,
    Binary,
    Call,
    Condition,
    Keyword,
    Negative,
    Now,
    Number,
    Operand,
    Parameter,
    Paren,
    Quantity,
    Rule,
    Ruleset,
    Text,
    unwrap,
)


class DqdlError(ValueError):
    """An invalid DQDL ruleset; the message is AWS's."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_PREFIX = "Parsing Error"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{1,2}:\d{2} (AM|PM)|\d{2}:\d{2})$")
_DURATION_UNITS = ("days", "hours", "minutes")
_MAX_LABELS, _MAX_KEY, _MAX_VALUE = 10, 128, 256
# How lark names the punctuation and keywords it expected, as AWS's parser would quote them.
_TOKEN_NAMES = {"LSQB": "'['", "RSQB": "']'", "LPAR": "'('", "RPAR": "')'", "COMMA": "','", "EQUAL": "'='",
                "LBRACE": "'{'", "RBRACE": "'}'", "COLON": "':'", "DOLLAR": "'$'", "STRING": "QUOTED_STRING",
                "$END": "<EOF>"}


@lru_cache(maxsize=1)
def _lark() -> Lark:
    grammar = (Path(__file__).with_name("dqdl.lark")).read_text()
    return Lark(grammar, start="document", parser="lalr", maybe_placeholders=False)


def parse(text: str) -> Ruleset:
    """Parse a DQDL document ("Rules = [ ... ]", optionally "Analyzers = [ ... ]") into a Ruleset.

    Raises DqdlError with AWS's message when the text is not valid DQDL or a rule breaks its type's constraints
    (unknown rule type, wrong number of parameters, a condition of the wrong kind, a where clause or threshold the
    rule type does not take, bad labels).
    """
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as error:
        raise DqdlError(f"{_PREFIX}: {_syntax_message(error)}") from None
    builder = _Build()
    try:
        ruleset: Ruleset = builder.transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, DqdlError):
            raise DqdlError(f"{_PREFIX}: {error.orig_exc.message}") from None
        raise
    errors = [message for rule in ruleset.rules for leaf in rule.leaves() if (message := _check(leaf))]
    errors += [message for analyzer in ruleset.analyzers if (message := _check_analyzer(analyzer))]
    if not errors and not ruleset.rules and not ruleset.analyzers:
        errors.append("No rules or analyzers provided.")
    if errors:
        raise DqdlError(f"{_PREFIX}: " + ", ".join(errors))
    return ruleset


def _syntax_message(error: UnexpectedInput) -> str:
    where = f"line {error.line}:{max(error.column - 1, 0)}"
    if isinstance(error, UnexpectedCharacters):
        return f"{where} token recognition error at: '{error.char}'"
    expected = sorted(_token_name(name) for name in (getattr(error, "expected", None) or ()))
    if isinstance(error, UnexpectedEOF):
        found = "<EOF>"
    else:
        token = error.token if isinstance(error, UnexpectedToken) else None
        found = "<EOF>" if token is None or token.type == "$END" else str(token)
    return f"{where} mismatched input '{found}' expecting " + ("{" + ", ".join(expected) + "}" if len(expected) > 1
                                                              else (expected[0] if expected else "something else"))


def _token_name(name: str) -> str:
    """A terminal as AWS's parser names it: a literal in quotes ('where'), else its symbolic name."""
    if name in _TOKEN_NAMES:
        return _TOKEN_NAMES[name]
    try:
        pattern = _lark().get_terminal(name).pattern
    except KeyError:
        return name
    return f"'{pattern.value}'" if pattern.type == "str" else name


def _unquote(token: Token | str) -> str:
    raw = str(token)[1:-1]
    return re.sub(r'\\(["\\])', r"\1", raw)


# Operand kinds ------------------------------------------------------------------------------------------------------

def kind_of(operand: Operand) -> set[str]:
    """The condition kinds (ruletypes NUMBER/STRING/DATE/DURATION/SIZE) an operand can belong to."""
    op = unwrap(operand)
    if isinstance(op, Keyword):
        return {ruletypes.STRING, ruletypes.NUMBER, ruletypes.DATE} if op.name == "NULL" else {ruletypes.STRING}
    if isinstance(op, (Number, Call)):
        return {ruletypes.NUMBER}
    if isinstance(op, Quantity):
        return {ruletypes.DURATION} if op.unit in _DURATION_UNITS else {ruletypes.SIZE}
    if isinstance(op, Text):
        kinds = {ruletypes.STRING}
        if _DATE.match(op.value) or _TIME.match(op.value):
            kinds.add(ruletypes.DATE)
        return kinds
    if isinstance(op, Now):
        return {ruletypes.DATE}
    if isinstance(op, Negative):
        return kind_of(op.inner) & {ruletypes.NUMBER}
    if isinstance(op, Binary):
        left, right = unwrap(op.left), unwrap(op.right)
        if isinstance(left, Now) and isinstance(right, Quantity) and right.unit in _DURATION_UNITS and op.op in "+-":
            return {ruletypes.DATE}
        return kind_of(left) & kind_of(right) & {ruletypes.NUMBER}
    return set()


def condition_kinds(condition: Condition) -> set[str]:
    """The kinds every operand of the condition shares (matches takes strings only)."""
    if condition.op.endswith("matches"):
        return {ruletypes.STRING}
    kinds = {ruletypes.NUMBER, ruletypes.STRING, ruletypes.DATE, ruletypes.DURATION, ruletypes.SIZE}
    for operand in condition.operands:
        kinds &= kind_of(operand)
    if condition.op in (">", ">=", "<", "<=", "between", "not between"):
        kinds.discard(ruletypes.STRING)  # strings compare by = / != / in / matches only
    return kinds


# Tree -> model ------------------------------------------------------------------------------------------------------

@v_args(inline=True)
class _Build(Transformer):
    def __init__(self) -> None:
        super().__init__()
        self.variables: dict[str, Any] = {}

    # document
    def document(self, *parts: Any) -> Ruleset:
        ruleset = Ruleset(rules=[])
        for part in parts:
            kind, value = part
            if kind == "sections":
                ruleset.rules, ruleset.analyzers = value
            elif kind == "default_labels":
                ruleset.default_labels = value
            elif kind in ("metadata", "data_sources"):
                setattr(ruleset, kind, value)
        return ruleset

    def sections(self, *sections: Any) -> tuple[str, Any]:
        rules = next((v for k, v in sections if k == "rules"), [])
        analyzers = next((v for k, v in sections if k == "analyzers"), [])
        return "sections", (rules, analyzers)

    def metadata(self, dictionary: dict) -> tuple[str, Any]:
        if set(dictionary) - {"Version"}:
            raise DqdlError("Unsupported key provided in Metadata section")
        return "metadata", dictionary

    def data_sources(self, dictionary: dict) -> tuple[str, Any]:
        if set(dictionary) - {"Primary", "AdditionalDataSources"}:
            raise DqdlError("Unsupported key provided in Sources section")
        if isinstance(dictionary.get("AdditionalDataSources", []), str):
            raise DqdlError("Additional sources must be an array of values.")
        return "data_sources", dictionary

    def dictionary(self, *pairs: tuple[str, Any]) -> dict:
        return dict(pairs)

    def pair(self, key: Token, value: Any) -> tuple[str, Any]:
        return _unquote(key), _unquote(value) if isinstance(value, Token) else value

    def string_array(self, *items: Token) -> list[str]:
        return [_unquote(i) for i in items]

    def variable(self, name: Token, value: Any) -> tuple[str, Any]:
        if str(name)[0] in "._":
            raise DqdlError(f"Variable name '{name}' cannot start with '.' or '_'")
        if str(name) in self.variables:
            raise DqdlError(f"Variable '{name}' is already defined")
        self.variables[str(name)] = _unquote(value) if isinstance(value, Token) else value
        return "variable", None

    def default_labels(self, labels: dict) -> tuple[str, Any]:
        return "default_labels", labels

    def rules_section(self, *rules: Rule) -> tuple[str, Any]:
        return "rules", list(rules)

    def analyzers_section(self, *analyzers: Analyzer) -> tuple[str, Any]:
        return "analyzers", list(analyzers)

    def analyzer(self, name: Token, *params: Parameter) -> Analyzer:
        return Analyzer(str(name), tuple(params))

    # composite rules
    def or_rule(self, *items: Any) -> Rule:
        return Rule("Composite", operator="OR", children=tuple(i for i in items if isinstance(i, Rule)))

    def and_rule(self, *items: Any) -> Rule:
        return Rule("Composite", operator="AND", children=tuple(i for i in items if isinstance(i, Rule)))

    def group(self, rule: Rule, labels: dict | None = None) -> Rule:
        if labels is not None:
            rule.labels = labels
        return rule

    # rules
    def rule(self, rule_type: Token, *parts: Any) -> Rule:
        rule = Rule(str(rule_type))
        params: list[Parameter] = []
        for part in parts:
            if isinstance(part, Parameter):
                params.append(part)
            elif isinstance(part, Condition):
                rule.condition = part
            elif isinstance(part, tuple) and part[0] == "where":
                rule.where = part[1]
            elif isinstance(part, tuple) and part[0] == "tag":
                if part[1] == "threshold":
                    if rule.threshold is not None:
                        raise DqdlError("Only one threshold condition at a time is supported.")
                    rule.threshold = part[2]
                else:
                    rule.tags[part[1]] = part[2]
            elif isinstance(part, dict):
                rule.labels = part
        rule.parameters = tuple(params)
        return rule

    def parameter(self, *items: Any) -> Parameter:
        connector = str(items[0]) if len(items) == 2 else None
        value = items[-1]
        if isinstance(value, tuple):  # $variable
            resolved = self._variable(value[1])
            if not isinstance(resolved, str):
                raise DqdlError(f"Invalid variable type for '{value[1]}': expected STRING, but got STRING_ARRAY")
            return Parameter(resolved, True, connector)
        if value.type == "STRING":
            return Parameter(_unquote(value), True, connector)
        return Parameter(str(value), False, connector)

    def connector(self, word: Token) -> str:
        return str(word)

    def var_ref(self, name: Token) -> tuple[str, str]:
        return "var", str(name)

    def _variable(self, name: str) -> Any:
        if name not in self.variables:
            raise DqdlError(f"Variable not found: {name}")
        return self.variables[name]

    def where(self, clause: Token) -> tuple[str, str]:
        return "where", _unquote(clause)

    def tag(self, name: Token, condition: Condition) -> tuple[str, str, Condition]:
        return "tag", str(name), condition

    def labels(self, labels: dict) -> dict:
        return labels

    def label_list(self, *labels: tuple[str, str]) -> dict:
        result: dict[str, str] = {}
        for key, value in labels:
            if not key or not value:
                raise DqdlError("Label key or value cannot be empty")
            if len(key) > _MAX_KEY:
                raise DqdlError(f"Label key has length {len(key)} exceeding the maximum length of 128 characters")
            if len(value) > _MAX_VALUE:
                raise DqdlError(f"Label value has length {len(value)} exceeding the maximum length of 256 characters")
            if key in result:
                raise DqdlError("Duplicate label key. Key must be unique.")
            result[key] = value
        if len(result) > _MAX_LABELS:
            raise DqdlError("Number of labels exceed maximum allowed (MAX: 10)")
        return result

    def label(self, key: Token, value: Token) -> tuple[str, str]:
        return _unquote(key), _unquote(value)

    # conditions
    def compare(self, comparison: Any, operand: Any) -> Condition:
        return Condition(str(comparison.children[0]) if hasattr(comparison, "children") else str(comparison),
                         (self._operand(operand),))

    def comparison(self, token: Token) -> str:
        return str(token)

    def between(self, *items: Any) -> Condition:
        negated = str(items[0]) == "not"
        operands = [i for i in items if not (isinstance(i, Token) and i.type in ("NOT", "BETWEEN", "AND"))]
        return Condition("not between" if negated else "between", tuple(self._operand(o) for o in operands))

    def in_list(self, *items: Any) -> Condition:
        negated = str(items[0]) == "not"
        operands = [i for i in items if not (isinstance(i, Token) and i.type in ("NOT", "IN"))]
        return Condition("not in" if negated else "in", tuple(self._operand(o) for o in operands))

    def in_var(self, *items: Any) -> Condition:
        negated = str(items[0]) == "not"
        values = self._variable(items[-1][1])
        values = [values] if isinstance(values, str) else values
        return Condition("not in" if negated else "in", tuple(Text(v) for v in values))

    def matches(self, *items: Any) -> Condition:
        negated = str(items[0]) == "not"
        return Condition("not matches" if negated else "matches", (Text(_unquote(items[-1])),))

    # operands
    def _operand(self, item: Any) -> Operand:
        if isinstance(item, Token):
            if item.type == "NUMBER":
                return Number(str(item))
            if item.type == "STRING":
                return Text(_unquote(item))
            if item.type == "NOW":
                return Now()
            if item.type in ("NULL", "EMPTY", "WHITESPACES_ONLY"):
                return Keyword(item.type)
        if isinstance(item, tuple) and item[0] == "var":
            value = self._variable(item[1])
            if not isinstance(value, str):
                raise DqdlError(f"Invalid variable type for '{item[1]}': expected STRING, but got STRING_ARRAY")
            return Text(value)
        return item

    def binary(self, left: Any, op: Token, right: Any) -> Binary:
        return Binary(self._operand(left), str(op), self._operand(right))

    def negative(self, inner: Any) -> Negative:
        return Negative(self._operand(inner))

    def paren(self, inner: Any) -> Paren:
        return Paren(self._operand(inner))

    def quantity(self, number: Token, unit: Token) -> Quantity:
        return Quantity(str(number), str(unit))

    def text(self, token: Token) -> Text:
        return Text(_unquote(token))

    def keyword(self, token: Token) -> Keyword:
        return Keyword(token.type)

    def now(self, _token: Token) -> Now:
        return Now()

    def call(self, name: Token, *args: Any) -> Call:
        return Call(str(name), tuple(self._operand(a) for a in args))


# Rule-type checks ---------------------------------------------------------------------------------------------------

def _check(rule: Rule) -> str | None:
    """AWS's message for a rule its type does not allow, or None."""
    name = rule.rule_type
    rule_type = ruletypes.find(name, len(rule.parameters))
    if rule_type is None:
        return f"Rule Type: {name} is not valid"
    if rule_type.analyzer_only:
        return f"Analyzer Type: {name} is not supported in rules section"
    if rule.where is not None:
        if not rule_type.where:
            return f"Where clause is not supported for rule type: {name}"
        if not rule.where.strip():
            return f"Empty where condition provided for rule type: {name}"
    message = _check_condition(rule, rule_type)
    if message:
        return message
    if rule.threshold is not None:
        if not rule_type.threshold:
            return f"Threshold condition not supported for rule type: {name}"
        if ruletypes.NUMBER not in condition_kinds(rule.threshold):
            return f"Unable to parse threshold condition provided for rule type: {name}"
    return None


def _check_condition(rule: Rule, rule_type: ruletypes.RuleType) -> str | None:
    name, returns = rule.rule_type, rule_type.returns
    if rule.condition is None:
        if ruletypes.BOOLEAN in returns:
            return None
        return f"Unexpected condition for rule of type {name} with {returns[0].lower()} return type"
    if returns == (ruletypes.BOOLEAN,):
        return f"Unexpected condition for rule of type {name} with boolean return type"
    kinds = condition_kinds(rule.condition)
    if any(kind in kinds for kind in returns):
        return None
    if len([r for r in returns if r != ruletypes.BOOLEAN]) > 1:
        return f"Error while parsing condition for rule with rule type: {name}"
    return f"Unexpected condition for rule of type {name} with {returns[0].lower()} return type"


def _check_analyzer(analyzer: Analyzer) -> str | None:
    candidates = ruletypes.named(analyzer.analyzer_type)
    if not candidates:
        return f"Analyzer Type: {analyzer.analyzer_type} is not valid"
    if not any(c.analyzer for c in candidates):
        return f"Analyzer Type: {analyzer.analyzer_type} is not supported"
    if not any(c.accepts(len(analyzer.parameters)) for c in candidates if c.analyzer):
        return f"Unexpected number of parameters: {analyzer.analyzer_type}"
    return None
