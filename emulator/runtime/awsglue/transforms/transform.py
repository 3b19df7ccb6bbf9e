"""GlueTransform: the base of Glue's transform classes (`Transform.apply(...)`)."""

from __future__ import annotations

import inspect
from typing import Any


class GlueTransform:
    """Base class of all Glue transforms: `apply` instantiates the class and calls it."""

    _returns = ("DynamicFrame", "The transformed DynamicFrame")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        return cls()(*args, **kwargs)

    @classmethod
    def name(cls) -> str:
        return cls.__name__

    @classmethod
    def describeArgs(cls) -> list[dict]:
        """The arguments of `__call__`, in Glue's describe format."""
        params = list(inspect.signature(cls.__call__).parameters.values())[1:]
        return [{"name": p.name, "type": "object", "description": p.name,
                 "optional": p.default is not inspect.Parameter.empty,
                 "defaultValue": None if p.default is inspect.Parameter.empty else repr(p.default)}
                for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]

    @classmethod
    def describeReturn(cls) -> dict:
        return {"type": cls._returns[0], "description": cls._returns[1]}

    @classmethod
    def describeTransform(cls) -> str:
        return (cls.__doc__ or cls.__name__).strip().splitlines()[0]

    @classmethod
    def describeErrors(cls) -> list[dict]:
        return []

    @classmethod
    def describe(cls) -> dict:
        return {"transform": {"name": cls.name(), "args": cls.describeArgs(), "returns": cls.describeReturn(),
                              "description": cls.describeTransform(), "raises": cls.describeErrors(),
                              "location": "internal"}}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.__class__) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(self.__class__)

    def __repr__(self) -> str:
        return f"<Transform: {self.name()}>"
