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

Each shape becomes one Python function generated as source and compiled with `compile`/`exec` (a
function per shape, calling the functions of the shapes it refers to by name, so recursive shapes
work), with leaf shapes (strings, numbers, enums) written inline where they are used: a request is
then checked by straight-line code and loops rather than by closures calling closures. Type tests
are exact (`type(v) is str`): a subclass of a JSON type, which a parsed body never holds, gets False.

A shape whose every value is made of strings, lists and objects (a column list, a SerDeInfo, a string map)
remembers the last value it found valid within one check of a request, and answers True at once for a value
equal to it: `==` in C is far cheaper than the checks, and a request repeats such parts (BatchCreatePartition's
100 partitions usually share their columns and SerDe). Equality of such values means the same JSON; shapes
reaching numbers or booleans are left out, as `1 == 1.0 == True` in Python while the model tells them apart.
What is remembered counts only in the check (and thread) that found it valid: a handler may change a request's
objects in place once they are checked, so a value seen by an earlier check is never trusted.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
from collections.abc import Callable
from typing import Any

from botocore.utils import parse_timestamp

Check = Callable[[Any], bool]
MISSING = object()  # what a `.get` finds for an absent member, and what no value equals
_CALL = threading.local()  # `.token`: the check under way on this thread (see `ShapeChecks.of`)

# Keywords that only annotate (x-aws-type, x-aws-pattern, ...) are skipped; these are checked.
_CHECKED = frozenset({
    "type", "properties", "required", "additionalProperties", "items", "enum", "minLength", "maxLength",
    "pattern", "minimum", "maximum", "minItems", "maxItems", "propertyNames", "minProperties", "maxProperties",
    "x-aws-timestamp", "contentEncoding", "$ref",
})
# Keywords that make a schema more than a leaf: a leaf is written inline wherever it is referred to.
_NESTING = frozenset({"properties", "required", "additionalProperties", "items", "propertyNames", "$ref"})
_EARLIEST, _LATEST = -62135596800, 253402300799  # shapes.py's readable instants
# jsonschema's meaning of each type, as an expression over `{v}` (bool is not a number; 5.0 is an integer).
_TYPE_TESTS = {
    "string": "type({v}) is str",
    "object": "type({v}) is dict",
    "array": "type({v}) is list",
    "boolean": "type({v}) is bool",
    "null": "{v} is None",
    "number": "(type({v}) is int or type({v}) is float)",
    "integer": "(type({v}) is int or (type({v}) is float and {v}.is_integer()))",
}
_NUMBER = "(isinstance({v}, (int, float)) and not isinstance({v}, bool))"


def _takes_printable_ascii(pattern: str) -> bool:
    """Whether `pattern` is one character class repeated (`^(?:[...]*)\\Z`, as generate.py writes Smithy's
    character-set patterns) that holds every printable ASCII character: a string of those (`isascii()` and
    `isprintable()`, both in C) then matches without running the regex, and any other string runs it."""
    head, tail = "^(?:[", "]*)\\Z"
    if not (pattern.startswith(head) and pattern.endswith(tail)) or pattern[len(head):].startswith("^"):
        return False
    body, escaped = pattern[len(head):-len(tail)], False
    for char in body:  # one bracket expression: no unescaped bracket inside
        if not escaped and char in "[]":
            return False
        escaped = not escaped and char == "\\"
    if escaped:
        return False
    search = re.compile(pattern).search
    return all(search(chr(code)) is not None for code in range(0x20, 0x7F))


def _timestamp(value: Any) -> bool:
    """shapes.py's x-aws-timestamp: epoch seconds in datetime's range, or text botocore parses."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
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


class _Writer:
    """Source of the functions of the shapes reachable from one shape, and the constants they use."""

    def __init__(self, defs: dict[str, Any], names: dict[str, str], constants: dict[str, Any]):
        self._defs = defs
        self._names = names  # shape -> function name, shared by every compilation of one model
        self._constants = constants
        self._variables = 0
        self._textual: dict[str, bool] = {}  # shape -> whether its values hold only strings, lists, objects
        self.pending: list[str] = []  # shapes named but not written yet
        self.lines: list[str] = []

    def function(self, shape: str) -> str:
        """The function name of a shape, queued for writing when first named."""
        name = self._names.get(shape)
        if name is None:
            name = self._names[shape] = f"shape_{len(self._names)}"
            self.pending.append(shape)
        return name

    def constant(self, value: Any) -> str:
        name = f"const_{len(self._constants)}"
        self._constants[name] = value
        return name

    def variable(self) -> str:
        self._variables += 1
        return f"v{self._variables}"

    def _number(self, value: Any) -> str:
        """A bound as a literal when it is an int (exact), else as a constant (a float's repr might not be)."""
        return repr(value) if type(value) is int else self.constant(value)

    def _between(self, least: Any, expression: str, most: Any) -> str:
        """The condition that `expression` is out of the bounds (None: unbounded on that side); NaN is out."""
        if least == 0 and expression.startswith("len("):
            least = None  # a length is never negative
        bounds = ([f"{self._number(least)} <="] if least is not None else []) + [expression]
        bounds += [f"<= {self._number(most)}"] if most is not None else []
        return f"not ({' '.join(bounds)})"

    def write(self, shape: str) -> None:
        """Append `def <function>(v0): ...`: True when the value fits the shape, False when jsonschema must say."""
        self.lines.append(f"def {self._names[shape]}(v0):")
        self._variables = 0
        # [(token of the check that found it valid, value)]: one slot, replaced whole (threads share it)
        last_valid = self.constant([(None, MISSING)]) if self.textual(shape) else None
        if last_valid:
            self.lines += [f"    token, value = {last_valid}[0]",
                           "    if token is CALL.token and v0 == value:", "        return True"]
        self.emit(self._defs[shape], "v0", 1)
        if last_valid:
            self.lines.append(f"    {last_valid}[0] = (CALL.token, v0)")
        self.lines.append("    return True")

    def textual(self, shape: str) -> bool:
        """Whether every value of `shape` is made of strings, lists and objects only: every schema it reaches
        names its types, none of them a number, boolean or null, so that `==` between two of its values means
        the same JSON."""
        known = self._textual.get(shape)
        if known is None:
            known = self._textual[shape] = self._reaches_only_text(shape)
        return known

    def _reaches_only_text(self, shape: str) -> bool:
        seen, pending = {shape}, [self._defs[shape]]
        while pending:
            schema = pending.pop()
            if "$ref" in schema:
                target = schema["$ref"].rsplit("/", 1)[1]
                if target not in seen and self._textual.get(target) is not True:
                    seen.add(target)
                    pending.append(self._defs[target])
                continue
            types = schema.get("type")
            if types is None or not {"string", "array", "object"}.issuperset([types] if isinstance(types, str) else types):
                return False
            for part in [*schema.get("properties", {}).values(), schema.get("items"), schema.get("propertyNames"),
                         schema.get("additionalProperties")]:
                if part is True:  # any value
                    return False
                if isinstance(part, dict):
                    pending.append(part)
        return True

    def emit(self, schema: dict[str, Any], v: str, depth: int) -> None:
        """Statements that `return False` unless `v` fits `schema`, and fall through when it does."""
        pad = "    " * depth

        def fail_if(condition: str) -> None:
            self.lines.append(f"{pad}if {condition}:")
            self.lines.append(f"{pad}    return False")

        if any(k not in _CHECKED and not k.startswith("x-aws-") for k in schema) or (
            "$ref" in schema and (len(schema) != 1 or not schema["$ref"].startswith("#/$defs/"))
        ):
            self.lines.append(f"{pad}return False")
            return
        if "$ref" in schema:
            target = self._defs[schema["$ref"].rsplit("/", 1)[1]]
            if _NESTING.isdisjoint(target):
                self.emit(target, v, depth)  # a leaf: inline, no call
            else:
                fail_if(f"not {self.function(schema['$ref'].rsplit('/', 1)[1])}({v})")
            return
        types = schema.get("type")
        types = [types] if isinstance(types, str) else types
        # Once one type is established, the keywords of other types need no guard.
        known = types[0] if types is not None and len(types) == 1 else None
        if types is not None:
            fail_if("not (" + " or ".join(_TYPE_TESTS[t].format(v=v) for t in types) + ")")

        def guard(kind: str, test: str) -> str:
            return "" if known in kind.split("|") else test.format(v=v)

        is_str, is_number = guard("string", "isinstance({v}, str)"), guard("number|integer", _NUMBER)
        is_list, is_dict = guard("array", "isinstance({v}, list)"), guard("object", "isinstance({v}, dict)")

        def when(guard: str, condition: str) -> str:
            return f"{guard} and {condition}" if guard else condition
        if "enum" in schema:
            if not all(isinstance(m, str) for m in schema["enum"]):
                self.lines.append(f"{pad}return False")
                return
            fail_if(f"not (type({v}) is str and {v} in {self.constant(frozenset(schema['enum']))})")
        low, high = schema.get("minLength"), schema.get("maxLength")
        if low is not None or high is not None:
            fail_if(when(is_str, self._between(low or 0, f"len({v})", high)))
        if "pattern" in schema:
            search = f"{self.constant(re.compile(schema['pattern']).search)}({v}) is None"
            if _takes_printable_ascii(schema["pattern"]):  # str methods in C answer most strings
                search = f"not ({v}.isascii() and {v}.isprintable()) and {search}"
            fail_if(when(is_str, search))
        if "minimum" in schema or "maximum" in schema:
            fail_if(when(is_number, self._between(schema.get("minimum"), v, schema.get("maximum"))))
        if "minItems" in schema or "maxItems" in schema:
            fail_if(when(is_list, self._between(schema.get("minItems", 0), f"len({v})", schema.get("maxItems"))))
        if "items" in schema:
            self._each(schema["items"], v, is_list, depth)
        if "minProperties" in schema or "maxProperties" in schema:
            fail_if(when(is_dict, self._between(schema.get("minProperties", 0), f"len({v})",
                                                schema.get("maxProperties"))))
        self._members(schema, v, is_dict, depth)
        if "propertyNames" in schema:
            self._each(schema["propertyNames"], v, is_dict, depth)
        if schema.get("x-aws-timestamp"):
            fail_if(f"not {self.constant(_timestamp)}({v})")
        if schema.get("contentEncoding") == "base64":
            fail_if(f"not {self.constant(_base64)}({v})")

    def _block(self, header: str, schema: dict[str, Any], v: str, depth: int) -> None:
        """`header:` then the checks of `v` against `schema` inside it (`pass` when there are none)."""
        self.lines.append("    " * depth + header + ":")
        start = len(self.lines)
        self.emit(schema, v, depth + 1)
        if len(self.lines) == start:
            self.lines.append("    " * (depth + 1) + "pass")

    def _guarded(self, guard: str, depth: int) -> int:
        """Open `if guard:` when there is a guard; the depth of the statements under it."""
        if not guard:
            return depth
        self.lines.append(f"{'    ' * depth}if {guard}:")
        return depth + 1

    def _each(self, schema: dict[str, Any], iterable: str, guard: str, depth: int) -> None:
        """Check every element of a list (or key of an object) against `schema`."""
        item = self.variable()
        self._block(f"for {item} in {iterable}", schema, item, self._guarded(guard, depth))

    def _members(self, schema: dict[str, Any], v: str, guard: str, depth: int) -> None:
        """`properties`, `required` and `additionalProperties` (false, or a schema for the other members)."""
        members: dict[str, Any] = schema.get("properties", {})
        required = schema.get("required", [])
        extra = schema.get("additionalProperties", True)
        if not members and not required and extra is True:
            return
        depth = self._guarded(guard, depth)
        pad = "    " * depth
        # With no other members allowed, count the known ones found: fewer than len(v) means an unknown one.
        count = self.variable() if extra is False and members else None
        if count:
            self.lines.append(f"{pad}{count} = 0")
        for name in required:
            if name not in members:
                self.lines += [f"{pad}if {name!r} not in {v}:", f"{pad}    return False"]
        for name, sub in members.items():
            child = self.variable()
            self.lines.append(f"{pad}{child} = {v}.get({name!r}, MISSING)")
            if name in required:
                self.lines += [f"{pad}if {child} is MISSING:", f"{pad}    return False"]
                self.lines += [f"{pad}{count} += 1"] if count else []
                self.emit(sub, child, depth)
            else:
                self.lines += [f"{pad}if {child} is not MISSING:"] + ([f"{pad}    {count} += 1"] if count else [])
                start = len(self.lines)
                self.emit(sub, child, depth + 1)
                if len(self.lines) == start:
                    self.lines.append(f"{pad}    pass")
        if count:
            self.lines += [f"{pad}if {count} != len({v}):", f"{pad}    return False"]
        elif extra is False:  # no members at all: only {} fits
            self.lines += [f"{pad}if {v}:", f"{pad}    return False"]
        elif extra is not True and not members:  # a map
            child = self.variable()
            self._block(f"for {child} in {v}.values()", extra, child, depth)
        elif extra is not True:
            key, child = self.variable(), self.variable()
            self.lines.append(f"{pad}for {key}, {child} in {v}.items():")
            self._block(f"if {key} not in {self.constant(frozenset(members))}", extra, child, depth + 1)


class ShapeChecks:
    """Compiled checks of one model's `$defs`, built on first use of a shape with every shape it reaches."""

    def __init__(self, defs: dict[str, Any]):
        self._defs = defs
        self._names: dict[str, str] = {}
        self._namespace: dict[str, Any] = {"__builtins__": __builtins__, "MISSING": MISSING, "CALL": _CALL,
                                           "__sources__": {}}
        self._checks: dict[str, Check] = {}
        self._lock = threading.Lock()

    def of(self, shape: str) -> Check:
        """The check of a named shape: `check(value) -> bool` (True: valid; False: ask jsonschema).

        Raises KeyError for a shape the model does not define.
        """
        check = self._checks.get(shape)
        if check is None:
            with self._lock:
                check = self._checks.get(shape) or self._compile(shape)
        return check

    def source(self, shape: str) -> str:
        """The generated source of a shape's function (for reading and debugging)."""
        self.of(shape)
        return self._namespace["__sources__"][self._names[shape]]

    def _compile(self, shape: str) -> Check:
        """Write and compile the functions of `shape` and of the shapes it reaches that are not compiled yet."""
        if shape not in self._defs:
            raise KeyError(shape)
        writer = _Writer(self._defs, self._names, self._namespace)
        writer.function(shape)
        sources = self._namespace["__sources__"]
        while writer.pending:
            pending = writer.pending.pop()
            start = len(writer.lines)
            writer.write(pending)
            sources[self._names[pending]] = "\n".join(writer.lines[start:])
        # Functions find each other through this shared namespace when called, so cycles resolve.
        code = compile("\n".join(writer.lines), f"<shape checks of {shape}>", "exec")
        exec(code, self._namespace)  # noqa: S102 (source written above from the model, no outside text)
        function = self._namespace[self._names[shape]]

        def check(value: Any) -> bool:
            _CALL.token = object()  # what this check finds valid is remembered for it alone
            return function(value)

        self._checks[shape] = check
        return check
