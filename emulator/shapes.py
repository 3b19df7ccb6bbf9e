"""The API model as data: loads api_shapes/<service>.json and validates requests and responses.

Every request is checked against its operation's input schema before any handler runs, and the
failures are reported as AWS's Coral framework words them ("1 validation error detected: Value
'x' at 'databaseInput.name' failed to satisfy constraint: ..."), naming the member by its path.
"""

from __future__ import annotations

import base64
import json
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import jsonschema
from botocore.utils import parse_timestamp
from jsonschema.exceptions import ValidationError as SchemaError

from .botocore_data import botocore_session
from .errors import ValidationException
from .shape_checks import ShapeChecks

# In a checkout (or editable install) the shapes sit beside the package; a wheel installs them as data files.
_SHAPES_DIRS = (
    Path(__file__).resolve().parent.parent / "api_shapes",
    Path(sys.prefix) / "share" / "glue-emulator" / "api_shapes",
)
SHAPES_DIR = next((d for d in _SHAPES_DIRS if (d / "glue.json").exists()), _SHAPES_DIRS[0])
_MAX_REPORTED = 10
# The error code a service answers for a request that fails its model's constraints, where it is
# not ValidationException (CloudWatch Logs says InvalidParameterException, Athena InvalidRequestException).
_VALIDATION_ERROR_CODES = {"logs": "InvalidParameterException", "athena": "InvalidRequestException"}
_CACHED_BODIES = 4096
_CACHED_BODY_SIZE = 4096


# The instants a client can read back: botocore renders timestamps as datetimes (years 1 to 9999).
_EARLIEST, _LATEST = -62135596800, 253402300799


def _check_timestamp(validator: Any, enabled: bool, instance: Any, schema: dict[str, Any]) -> Iterator[SchemaError]:
    """A timestamp member must be one a client can read back: epoch seconds in datetime's range, or a
    string botocore parses (ISO 8601). Anything else would be stored and then break every reader."""
    if not enabled or isinstance(instance, bool):
        return
    if isinstance(instance, (int, float)):
        readable = _EARLIEST <= instance <= _LATEST  # False for NaN too
    elif isinstance(instance, str):
        try:
            parse_timestamp(instance)
            readable = True
        except (ValueError, OverflowError, RuntimeError):
            readable = False
    else:
        return  # the type keyword reports it
    if not readable:
        yield SchemaError(f"{instance!r} is not a timestamp")


def _check_base64(validator: Any, encoding: str, instance: Any, schema: dict[str, Any]) -> Iterator[SchemaError]:
    """A blob member travels as base64 (awsJson); text that does not decode is not a blob."""
    if encoding != "base64" or not isinstance(instance, str):
        return
    try:
        base64.b64decode(instance, validate=True)
    except ValueError:
        yield SchemaError(f"{instance!r} is not base64")


def _member_path(path: Iterable[Any]) -> str:
    """Coral's path: camelCase members, 1-based list indexes followed by `member`."""
    parts: list[str] = []
    for step in path:
        if isinstance(step, int):
            parts.append(f"{step + 1}.member")
        else:
            parts.append(step[:1].lower() + step[1:])
    return ".".join(parts)


def _value_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return json.dumps(value)[:100]
    return f"'{value}'"


def _constraint(error: SchemaError) -> str:
    """The `Member must ...` clause for one jsonschema failure."""
    kind, limit, schema = error.validator, error.validator_value, error.schema
    if kind in ("minLength", "minItems", "minProperties"):
        return f"Member must have length greater than or equal to {limit}"
    if kind in ("maxLength", "maxItems", "maxProperties"):
        if kind == "maxProperties" and schema.get("x-aws-type") == "structure":
            return "Member must have exactly one member set"  # a Smithy union
        return f"Member must have length less than or equal to {limit}"
    if kind == "minimum":
        return f"Member must have value greater than or equal to {limit}"
    if kind == "maximum":
        return f"Member must have value less than or equal to {limit}"
    if kind == "pattern":
        return f"Member must satisfy regular expression pattern: {schema.get('x-aws-pattern', limit)}"
    if kind == "enum":
        return f"Member must satisfy enum value set: [{', '.join(map(str, limit))}]"
    if kind == "type":
        expected = schema.get("x-aws-type", limit)
        return f"Member must be of type {expected}"
    if kind == "contentEncoding":
        return "Member must be base64-encoded binary data"
    if kind == "x-aws-timestamp":
        return "Member must be a timestamp from 0001-01-01 to 9999-12-31, in epoch seconds or ISO 8601"
    return f"Member must satisfy constraint {kind}"


def _describe(error: SchemaError) -> str:
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        return "; ".join(
            f"Value null at '{_member_path(path + [name])}' failed to satisfy constraint: Member must not be null"
            for name in missing
        )
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return "; ".join(
            f"Value at '{_member_path(path + [name])}' failed to satisfy constraint: Member is not a known member"
            for name in unknown
        )
    if error.validator == "propertyNames":
        return f"Value {_value_text(error.instance)} at '{_member_path(path)}' failed to satisfy constraint: " + (
            "Map keys must satisfy constraint: [" + _constraint(error.context[0]) + "]"
            if error.context
            else "Member must have valid keys"
        )
    where = f"Value {_value_text(error.instance)} at '{_member_path(path)}'"
    return f"{where} failed to satisfy constraint: " + _constraint(error)


def _open_enum_value(error: SchemaError) -> bool:
    """A value outside an enum that AWS extends at run time (generate.py's _OPEN_ENUMS: registered "REST-..."
    connection types are ConnectionTypes); whether such a name exists is the handler's to check."""
    prefix = error.schema.get("x-aws-open-enum-prefix") if isinstance(error.schema, dict) else None
    return (error.validator == "enum" and prefix is not None and isinstance(error.instance, str)
            and error.instance.startswith(prefix))


def _ref(schema: dict[str, Any]) -> str:
    """The shape name a generated `{"$ref": "#/$defs/<shape>"}` points at."""
    return schema["$ref"].rsplit("/", 1)[1]


def _leaves(errors: Iterable[SchemaError]) -> list[SchemaError]:
    """Flatten jsonschema's error tree into the failures a user can act on."""
    found: list[SchemaError] = []
    for error in errors:
        if error.validator == "$ref" and error.context:
            found.extend(_leaves(error.context))
        else:
            found.append(error)
    return found


_SHAPE_CHECKS: dict[str, ShapeChecks] = {}


def _shape_checks(service: str, defs: dict[str, Any]) -> ShapeChecks:
    """One service's compiled checks, shared by every emulator of the process (a shape's first check
    compiles source: tests start many emulators, which need not each pay for it)."""
    checks = _SHAPE_CHECKS.get(service)
    if checks is None:
        checks = _SHAPE_CHECKS.setdefault(service, ShapeChecks(defs))
    return checks


class ServiceShapes:
    """One service's model: its operations and their input/output validators."""

    def __init__(self, service: str):
        document = json.loads((SHAPES_DIR / f"{service}.json").read_text())
        self.service = service
        self.metadata: dict[str, Any] = document["metadata"]
        self.operations: dict[str, dict[str, Any]] = document["operations"]
        self._defs: dict[str, Any] = document["$defs"]
        self._validators: dict[str, jsonschema.protocols.Validator] = {}
        self._checks = _shape_checks(service, self._defs)
        # Bodies already found valid, per operation: validation is a pure function of the body,
        # and clients repeat identical requests (polling GetJobRun, GetTable in loops).
        self._valid_bodies: OrderedDict[tuple[str, bytes], None] = OrderedDict()
        self._valid_lock = threading.Lock()

    @cached_property
    def _validator_class(self) -> type:
        base = jsonschema.validators.validator_for({"$schema": "https://json-schema.org/draft/2020-12/schema"})
        return jsonschema.validators.extend(
            base, {"x-aws-timestamp": _check_timestamp, "contentEncoding": _check_base64}
        )

    def _validator(self, shape: str) -> jsonschema.protocols.Validator:
        validator = self._validators.get(shape)
        if validator is None:
            schema = {"$ref": f"#/$defs/{shape}", "$defs": self._defs}
            validator = self._validators[shape] = self._validator_class(schema)
        return validator

    def shape(self, name: str) -> dict[str, Any]:
        return self._defs[name]

    def validate_input(self, operation: str, params: dict[str, Any], raw: bytes | None = None) -> None:
        """Raise ValidationException naming every offending member (up to ten), as AWS does.

        `raw`, the request body `params` were parsed from, lets a repeated valid body skip the work.
        """
        cache_key = (operation, raw) if raw is not None and len(raw) <= _CACHED_BODY_SIZE else None
        if cache_key is not None and cache_key in self._valid_bodies:
            return
        shape = self.operations[operation]["input"]
        # The compiled check answers "valid" for nearly every request; jsonschema decides the rest and words
        # errors (an open enum's extension values are among the rest: the check knows only the listed ones).
        if self._checks.of(shape)(params):
            return
        errors = [e for e in _leaves(self._validator(shape).iter_errors(params)) if not _open_enum_value(e)]
        if not errors:
            if cache_key is not None:
                with self._valid_lock:
                    self._valid_bodies[cache_key] = None
                    if len(self._valid_bodies) > _CACHED_BODIES:
                        self._valid_bodies.popitem(last=False)
            return
        messages = sorted({_describe(e) for e in errors})
        count = sum(m.count("failed to satisfy constraint") for m in messages)
        noun = "error" if count == 1 else "errors"
        raise ValidationException(
            f"{count} validation {noun} detected: " + "; ".join(messages[:_MAX_REPORTED]),
            code=_VALIDATION_ERROR_CODES.get(self.service),
        )

    def coerce_integers(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """`params` (already valid) with integral numbers like `5.0` in integer/long members made ints.

        JSON has one number type, and validation accepts `5.0` where the model says integer (`5.5` is
        refused, as Smithy's malformed-request tests refuse `1.001`; they do not say what `1.0` gets, so
        reading it as 5 is our choice). Handlers and the store must then see an int.
        """
        return self._coerce(self.operations[operation]["input"], params)

    def _coerce(self, shape: str, value: Any) -> Any:
        schema = self._defs[shape]
        kind = schema.get("x-aws-type")
        if kind in ("integer", "long"):
            return int(value) if isinstance(value, float) else value
        if kind == "structure" and isinstance(value, dict):
            members = schema.get("properties", {})
            return {
                name: self._coerce(_ref(members[name]), child) if name in members else child
                for name, child in value.items()
            }
        if kind == "list" and isinstance(value, list):
            item = _ref(schema["items"])
            return [self._coerce(item, child) for child in value]
        if kind == "map" and isinstance(value, dict):
            item = _ref(schema["additionalProperties"])
            return {name: self._coerce(item, child) for name, child in value.items()}
        return value

    @cached_property
    def _always_listed(self) -> dict[str, tuple[str, ...]]:
        """Per operation, the top-level lists AWS returns even when empty (`{"Workflows": []}`).

        Those are the result keys of the operations botocore paginates, and every top-level list of
        the List*, Search* and Batch* operations (`JobsNotFound: []`, `Errors: []`).
        """
        loader = botocore_session().get_component("data_loader")
        paginators = loader.load_service_model(self.service, "paginators-1")["pagination"]
        listed: dict[str, tuple[str, ...]] = {}
        for operation, spec in self.operations.items():
            members = self._defs.get(spec.get("output", ""), {}).get("properties", {})
            lists = [name for name, schema in members.items() if self._resolve(schema).get("type") == "array"]
            keys = paginators.get(operation, {}).get("result_key", [])
            keys = [keys] if isinstance(keys, str) else keys
            many = operation.startswith(("List", "Search", "Batch"))
            chosen = tuple(name for name in lists if many or name in keys)
            if chosen:
                listed[operation] = chosen
        return listed

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self._defs[schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def complete_output(self, operation: str, result: dict[str, Any]) -> dict[str, Any]:
        """Add, as `[]`, the lists AWS always returns that a handler left out because they are empty."""
        for member in self._always_listed.get(operation, ()):
            result.setdefault(member, [])
        return result

    def output_errors(self, operation: str, result: dict[str, Any]) -> list[str]:
        """Where a handler's result departs from the model (used when responses are checked).

        An empty top-level list is not a departure: the model's minimum lengths constrain what a
        client sends, and AWS returns `[]` for an empty result (`ListWorkflows` -> `{"Workflows": []}`).
        Neither is a statement's Output.Status "ok"/"error": the model types it as a StatementState, but Glue
        returns Livy's status, which its own Jupyter kernel (aws-glue-sessions) tests for "ok". Nor is a custom
        connection type's name in ListConnectionTypes: the model types it as the enum of built-in types, which
        RegisterConnectionType's own names (any string) are not.
        """
        errors = _leaves(self._validator(self.operations[operation]["output"]).iter_errors(result))
        return sorted(
            _describe(e)
            for e in errors
            if not (e.validator == "minItems" and e.instance == [] and len(e.absolute_path) == 1)
            and not _open_enum_value(e)
            and not (e.validator == "enum" and list(e.absolute_path)[-2:] == ["Output", "Status"]
                     and e.instance in ("ok", "error"))
            and not (e.validator == "enum" and operation == "ListConnectionTypes"
                     and list(e.absolute_path)[-1:] == ["ConnectionType"])
        )
