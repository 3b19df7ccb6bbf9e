"""What Job, Crawler and Workflow share: keyword properties checked against the properties AWS documents.

Each resource declares `_properties`: property name -> (accepted Python types, required). A keyword it does not
have is dropped, as AWS's library does (awslabs/aws-glue-blueprint-libs reads each known property with
`kwargs.get`), with a warning on the layout's stderr naming it, so that a typo does not vanish unseen;
`_aliases` maps the other spellings AWS's library reads (its Job takes the description as `description`).
`validate()` raises TypeError for a missing required property or a value of the wrong type, as Glue's library does.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

_log = logging.getLogger("awsglue.blueprint")

# Job and Crawler only: a workflow entity's dependencies, turned into conditional triggers by workflow.Entities.
DEPENDENCY_PROPERTIES: dict[str, tuple[tuple[type, ...], bool]] = {
    "DependsOn": ((dict,), False),
    "WaitForDependencies": ((str,), False),
}
_WAIT_VALUES = ("AND", "ANY")


class BaseResource:
    """A workflow resource built from keyword properties (see the module docstring)."""

    _properties: ClassVar[dict[str, tuple[tuple[type, ...], bool]]] = {}
    _aliases: ClassVar[dict[str, str]] = {}  # another spelling -> the property it stands for
    _kind: ClassVar[str] = "Resource"

    def __init__(self, **properties: Any):
        for alias, name in self._aliases.items():
            if alias in properties and name not in properties:
                properties[name] = properties.pop(alias)
        unknown = sorted(set(properties) - set(self._properties))
        if unknown:
            _log.warning("%s ignores properties it does not have: %s", self._kind, ", ".join(unknown))
        for name, value in properties.items():
            if value is not None and name in self._properties:
                setattr(self, name, value)

    def properties(self) -> dict[str, Any]:
        """The properties that were given (not None), by name."""
        return {name: value for name, value in vars(self).items() if name in self._properties}

    def validate(self) -> bool:
        """True when every required property is present and each has its documented type; TypeError otherwise."""
        given = self.properties()
        missing = [name for name, (_, required) in self._properties.items() if required and name not in given]
        if missing:
            raise TypeError(f"{self._kind} is missing required properties: {', '.join(missing)}")
        for name, value in given.items():
            types = self._properties[name][0]
            # bool is an int in Python; a property typed int does not take True/False.
            if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
                expected = " or ".join(t.__name__ for t in types)
                raise TypeError(f"{self._kind} property {name} must be {expected}, not {type(value).__name__}")
        wait = given.get("WaitForDependencies")
        if wait is not None and wait not in _WAIT_VALUES:
            raise TypeError(f"{self._kind} property WaitForDependencies must be AND or ANY, not {wait!r}")
        return True

    def to_json(self) -> dict[str, Any]:
        """The properties given, as the API request member they stand for; validates first."""
        self.validate()
        return dict(self.properties())

    def __repr__(self) -> str:
        return f"{self._kind}(Name={getattr(self, 'Name', None)!r})"
