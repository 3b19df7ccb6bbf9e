"""A fast yes-or-don't-know check of a request against the API model, ahead of jsonschema.

jsonschema walks a request through `referencing` lookups and validator copies at every member, which
costs milliseconds per request with a list of partitions or columns (most of BatchCreatePartition's
time). Nearly every request is valid, so each shape of the model is compiled once into a plain
Python predicate implementing the same keywords with jsonschema's meaning (draft 2020-12 over the
generated api_shapes: `type`, `properties`, `required`, `additionalProperties`, `items`, `enum`,
lengths, counts, `minimum`/`maximum`, `pattern` by `re.search`, `propertyNames`, plus our timestamp
and base64 keywords). True means the request is valid; False means "ask jsonschema", which stays the
only source of verdicts and of AWS's error messages. A keyword this module does not know makes its
shape answer False, so the check can be slower than needed but never more lenient than jsonschema.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any

from botocore.utils import parse_timestamp

Check = Callable[[Any], bool]

# Keywords that only annotate (x-aws-type, x-aws-pattern, ...) are skipped; these are checked.
_CHECKED = frozenset({
    "type", "properties", "required", "additionalProperties", "items", "enum", "minLength", "maxLength",
    "pattern", "minimum", "maximum", "minItems", "maxItems", "propertyNames", "minProperties", "maxProperties",
    "x-aws-timestamp", "contentEncoding", "$ref",
})
_EARLIEST, _LATEST = -62135596800, 253402300799  # shapes.py's readable instants


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": _is_number,
    "integer": lambda v: _is_number(v) and (isinstance(v, int) or v.is_integer()),
}


def _timestamp(value: Any) -> bool:
    if _is_number(value):
        return _EARLIEST <= value <= _LATEST
    if isinstance(value, str):
        try:
            parse_timestamp(value)
        except (ValueError, OverflowError, RuntimeError):
            return False
    return True


def _base64(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    try:
        base64.b64decode(value, validate=True)
    except (ValueError, binascii.Error):
        return False
    return True


class ShapeChecks:
    """Compiled checks of one model's `$defs`, built per shape on first use."""

    def __init__(self, defs: dict[str, Any]):
        self._defs = defs
        self._checks: dict[str, Check] = {}

    def of(self, shape: str) -> Check:
        """The check of a named shape (recursive shapes call back through this table)."""
        check = self._checks.get(shape)
        if check is None:
            check = self._checks[shape] = self._compile(self._defs[shape])
        return check

    def _ref(self, schema: dict[str, Any]) -> Check:
        if set(schema) != {"$ref"} or not schema["$ref"].startswith("#/$defs/"):
            return self._compile(schema)
        name = schema["$ref"].rsplit("/", 1)[1]
        resolved: list[Check] = []  # filled on first use: shapes may refer to themselves

        def check(value: Any) -> bool:
            if not resolved:
                resolved.append(self.of(name))
            return resolved[0](value)

        return check

    def _compile(self, schema: dict[str, Any]) -> Check:
        if any(k not in _CHECKED and not k.startswith("x-aws-") for k in schema):
            return lambda value: False
        if "$ref" in schema:
            return self._ref(schema) if len(schema) == 1 else (lambda value: False)
        checks: list[Check] = []
        types = schema.get("type")
        if types is not None:
            accepted = [_TYPES[t] for t in ([types] if isinstance(types, str) else types)]
            checks.append(accepted[0] if len(accepted) == 1 else lambda v: any(t(v) for t in accepted))
        if "enum" in schema:
            members = schema["enum"]
            if not all(isinstance(m, str) for m in members):
                return lambda value: False
            allowed = frozenset(members)
            checks.append(lambda v: isinstance(v, str) and v in allowed)
        low, high = schema.get("minLength"), schema.get("maxLength")
        if low is not None or high is not None:
            low, high = low or 0, high if high is not None else float("inf")
            checks.append(lambda v: not isinstance(v, str) or low <= len(v) <= high)
        if "pattern" in schema:
            search = re.compile(schema["pattern"]).search
            checks.append(lambda v: not isinstance(v, str) or search(v) is not None)
        if "minimum" in schema or "maximum" in schema:
            least, most = schema.get("minimum", float("-inf")), schema.get("maximum", float("inf"))
            checks.append(lambda v: not _is_number(v) or least <= v <= most)
        if "minItems" in schema or "maxItems" in schema:
            fewest, most_items = schema.get("minItems", 0), schema.get("maxItems", float("inf"))
            checks.append(lambda v: not isinstance(v, list) or fewest <= len(v) <= most_items)
        if "items" in schema:
            item = self._ref(schema["items"])
            checks.append(lambda v: not isinstance(v, list) or all(item(x) for x in v))
        if "minProperties" in schema or "maxProperties" in schema:
            fewest_keys, most_keys = schema.get("minProperties", 0), schema.get("maxProperties", float("inf"))
            checks.append(lambda v: not isinstance(v, dict) or fewest_keys <= len(v) <= most_keys)
        if "required" in schema:
            required = tuple(schema["required"])
            checks.append(lambda v: not isinstance(v, dict) or all(name in v for name in required))
        if "propertyNames" in schema:
            name_check = self._ref(schema["propertyNames"])
            checks.append(lambda v: not isinstance(v, dict) or all(name_check(k) for k in v))
        checks.extend(self._members(schema))
        if schema.get("x-aws-timestamp"):
            checks.append(_timestamp)
        if schema.get("contentEncoding") == "base64":
            checks.append(_base64)
        if len(checks) == 1:
            return checks[0]

        def every(value: Any) -> bool:
            for check in checks:
                if not check(value):
                    return False
            return True

        return every

    def _members(self, schema: dict[str, Any]) -> list[Check]:
        """`properties` and `additionalProperties` (false, or a schema for the other members)."""
        members = {name: self._ref(sub) for name, sub in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties", True)
        if extra is True and not members:
            return []
        other: Check | None = None if extra is False else (lambda v: True) if extra is True else self._ref(extra)

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for name, child in value.items():
                member = members.get(name)
                if member is not None:
                    if not member(child):
                        return False
                elif other is None or not other(child):
                    return False
            return True

        return [check]
