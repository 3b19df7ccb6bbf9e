"""Judging DQDL conditions: a metric against a numeric condition, and each row's value as a Spark predicate.

Semantics follow the DQDL reference and AWS's open-source implementation in deequ (`com.amazon.deequ.dqdl`):
`between` excludes both ends, `not between` includes them; dynamic operands read the metric's history
(`last(k)` is the metric's value in the k most recent earlier runs, most recent first); a ColumnValues value that
is NULL fails every condition except the negated ones (`!=`, `not in`, `not between`, `not matches`) unless NULL is
listed; EMPTY is "" and WHITESPACES_ONLY a non-empty string of spaces only.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from datetime import datetime, timedelta

from pyspark.sql import Column
from pyspark.sql import functions as F

from ..dqdl.model import (
    Binary,
    Call,
    Condition,
    Keyword,
    Negative,
    Now,
    Number,
    Operand,
    Paren,
    Quantity,
    Text,
    is_dynamic,
    unwrap,
)

History = Callable[[str, int], list[float]]


class RuleError(Exception):
    """The rule cannot be evaluated; its Result is ERROR with this message."""


_SECONDS = {"minutes": 60, "hours": 3600, "days": 86400}
_BYTES = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3, "TB": 1024 ** 4}


# Numbers and dynamic functions --------------------------------------------------------------------------------------

def number(operand: Operand, metric: str, history: History | None) -> float | list[float]:
    """The value of a numeric operand; functions read `history(metric, k)` (the metric's earlier values)."""
    op = operand
    if isinstance(op, Paren):
        return number(op.inner, metric, history)
    if isinstance(op, Number):
        return op.value
    if isinstance(op, Quantity):
        return op.value * (_SECONDS.get(op.unit) or _BYTES[op.unit])
    if isinstance(op, Negative):
        return -_scalar(number(op.inner, metric, history))
    if isinstance(op, Binary):
        left = _scalar(number(op.left, metric, history))
        right = _scalar(number(op.right, metric, history))
        if op.op == "/" and right == 0:
            raise RuleError("Division by zero in the rule's expression.")
        return {"+": left + right, "-": left - right, "*": left * right, "/": left / (right or 1)}[op.op]
    if isinstance(op, Call):
        return _call(op, metric, history)
    raise RuleError(f"Unexpected operand {op.text()} in a numeric condition.")


def _scalar(value: float | list[float]) -> float:
    if isinstance(value, list):
        if not value:
            raise RuleError("Rule threshold results in empty list, and a single value is expected.")
        if len(value) > 1:
            raise RuleError("Rule threshold results in list, and a single value is expected. "
                            "Use aggregation functions to produce a single value.")
        return value[0]
    return value


def _call(call: Call, metric: str, history: History | None) -> float | list[float]:
    name, args = call.name, [number(a, metric, history) for a in call.args]
    if name == "last":
        k = int(_scalar(args[0])) if args else 1
        if history is None:
            raise RuleError("Dynamic rules need the history of earlier runs, which this evaluation does not have.")
        return [float(v) for v in history(metric, k)][:k]
    values = args[0] if len(args) == 1 and isinstance(args[0], list) else [_scalar(a) for a in args]
    if name == "index":
        if len(args) != 2 or not isinstance(args[0], list):
            raise RuleError("index takes a list and a position: index(last(k), i).")
        position = int(_scalar(args[1]))
        if not 0 <= position < len(args[0]):
            raise RuleError(f"Index {position} is out of bounds for the {len(args[0])} values of last(k).")
        return args[0][position]
    if not values:
        raise RuleError("Rule threshold results in empty list, and a single value is expected.")
    functions: dict[str, Callable[[list[float]], float]] = {
        "avg": statistics.fmean, "average": statistics.fmean, "min": min, "max": max, "sum": math.fsum,
        "std": lambda v: statistics.pstdev(v) if len(v) > 1 else 0.0,
        "abs": lambda v: abs(_scalar(v)),
    }
    if name not in functions:
        raise RuleError(f"Unsupported function {name} in the rule's expression.")
    return float(functions[name](values))


def check_number(condition: Condition, value: float, metric: str,
                 history: History | None) -> tuple[bool, Condition]:
    """Whether `value` meets the numeric condition, and the condition with its dynamic operands resolved."""
    operands = [_scalar(number(o, metric, history)) for o in condition.operands]
    op = condition.op
    if op == "between":
        passed = operands[0] < value < operands[1]
    elif op == "not between":
        passed = value <= operands[0] or value >= operands[1]
    elif op == "in":
        passed = any(value == o for o in operands)
    elif op == "not in":
        passed = all(value != o for o in operands)
    else:
        passed = {"=": value == operands[0], "!=": value != operands[0], ">": value > operands[0],
                  ">=": value >= operands[0], "<": value < operands[0], "<=": value <= operands[0]}[op]
    resolved = Condition(op, tuple(Number(_format(v)) if is_dynamic(o) else o
                                   for o, v in zip(condition.operands, operands, strict=True)))
    return passed, resolved


def _format(value: float) -> str:
    """A number as AWS (Java's Double.toString) prints it: 3.0, 0.5, 1.0E7."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == int(value) and abs(value) < 1e7:
        return f"{int(value)}.0"
    return repr(float(value))


format_value = _format


# Dates ------------------------------------------------------------------------------------------------------------

def moment(operand: Operand, now: datetime) -> datetime | None:
    """The instant a date operand stands for: "2024-01-31", "9:30 AM"/"21:45" (today), now() ± a duration."""
    op = unwrap(operand)
    if isinstance(op, Keyword):
        return None
    if isinstance(op, Now):
        return now
    if isinstance(op, Binary) and isinstance(unwrap(op.left), Now):
        right = unwrap(op.right)
        if isinstance(right, Quantity):
            delta = timedelta(seconds=right.value * _SECONDS[right.unit])
            return now + delta if op.op == "+" else now - delta
    if isinstance(op, Text):
        value = op.value
        for pattern in ("%Y-%m-%d", "%I:%M %p", "%H:%M"):
            try:
                parsed = datetime.strptime(value, pattern)
            except ValueError:
                continue
            if pattern == "%Y-%m-%d":
                return parsed
            return datetime.combine(now.date(), parsed.time())
    raise RuleError(f"Unexpected operand {operand.text()} in a date condition.")


# Row predicates ---------------------------------------------------------------------------------------------------

def _null_passes(condition: Condition) -> bool:
    listed_null = any(isinstance(unwrap(o), Keyword) and unwrap(o).name == "NULL" for o in condition.operands)
    return listed_null != condition.negated if condition.op in ("in", "not in", "=", "!=") else condition.negated


def _numeric(values: list[Operand]) -> list[float]:
    return [_scalar(number(v, "", None)) for v in values]


def value_predicate(condition: Condition, column: Column, kind: str, now: datetime) -> Column:
    """A boolean Column: whether each row's value meets a ColumnValues condition of `kind` (NUMBER/STRING/DATE).

    Never null: a NULL value is decided by `_null_passes`. Raises RuleError for an operand it cannot use.
    """
    op = condition.op
    base_op = op.removeprefix("not ").removeprefix("!")
    values = [o for o in condition.operands if not (isinstance(unwrap(o), Keyword) and unwrap(o).name == "NULL")]
    if kind == "STRING":
        predicate = _string_predicate(base_op, condition, values, column)
    elif kind == "DATE":
        moments = [moment(v, now) for v in values]
        predicate = _compare(base_op, column.cast("timestamp"), [F.lit(m) for m in moments])
    else:
        predicate = _compare(base_op, column.cast("double"), [F.lit(v) for v in _numeric(values)])
    if condition.negated and predicate is not None:
        predicate = ~predicate
    return F.when(column.isNull(), F.lit(_null_passes(condition))).otherwise(
        F.coalesce(predicate, F.lit(False)) if predicate is not None else F.lit(condition.negated))


def _compare(op: str, column: Column, values: list[Column]) -> Column | None:
    if not values:
        return None  # only NULL was listed: a non-null value is not "in" it
    if op == "between":
        return (column > values[0]) & (column < values[1])
    if op == "in":
        return column.isin(*values)
    return {"=": column == values[0], ">": column > values[0], ">=": column >= values[0],
            "<": column < values[0], "<=": column <= values[0]}[op]


def _string_predicate(op: str, condition: Condition, values: list[Operand], column: Column) -> Column | None:
    text = column.cast("string")
    if op == "matches":
        pattern = unwrap(condition.operands[0])
        assert isinstance(pattern, Text)
        return text.rlike(f"^(?:{pattern.value})$")
    parts: list[Column] = []
    literals = [unwrap(v).value for v in values if isinstance(unwrap(v), Text)]
    if literals:
        parts.append(text.isin(*literals))
    for value in values:
        keyword = unwrap(value)
        if isinstance(keyword, Keyword) and keyword.name == "EMPTY":
            parts.append(text == F.lit(""))
        elif isinstance(keyword, Keyword) and keyword.name == "WHITESPACES_ONLY":
            parts.append((F.length(text) > 0) & (F.trim(text) == F.lit("")))
    if not parts:
        return None
    predicate = parts[0]
    for part in parts[1:]:
        predicate = predicate | part
    return predicate


def kind_for_column(condition: Condition, spark_type: str, kinds: set[str]) -> str:
    """Which reading of a ColumnValues condition applies: the operands' kind, preferring the column's own type."""
    temporal = spark_type in ("date", "timestamp", "timestamp_ntz")
    if "STRING" in kinds and (spark_type == "string" or not kinds & {"NUMBER", "DATE"}) and not (
            "DATE" in kinds and temporal):
        return "STRING"
    if "DATE" in kinds and (spark_type in ("date", "timestamp", "string") or "NUMBER" not in kinds):
        return "DATE"
    if "NUMBER" in kinds:
        return "NUMBER"
    if "DATE" in kinds:
        return "DATE"
    raise RuleError(f"Unsupported condition {condition.text()} for ColumnValues.")
