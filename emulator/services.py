"""Model-driven dispatch: which handler serves which operation.

An operation is served by the function named after it in snake case (botocore's `xform_name`,
the same name as the boto3 client method: CreateDatabase -> `create_database`), found in the
modules of the service's domain packages. Implementing an operation means writing that function;
operations of the model with no function answer a clear NotImplementedException.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore import xform_name

from .context import RequestContext
from .shapes import ServiceShapes

Handler = Callable[[RequestContext, dict[str, Any]], dict[str, Any] | None]

# awsJson services: (model name, X-Amz-Target prefix, domain packages holding their handlers)
JSON_SERVICES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "glue",
        "AWSGlue",
        ("emulator.catalog", "emulator.tagging", "emulator.jobs", "emulator.orchestration", "emulator.crawlers",
         "emulator.dataquality", "emulator.sessions", "emulator.schemaregistry", "emulator.entitytypes",
         "emulator.profiles", "emulator.identitycenter", "emulator.integrations", "emulator.blueprints",
         "emulator.scripts", "emulator.governance", "emulator.devendpoints", "emulator.mltransforms"),
    ),
    ("logs", "Logs_20140328", ("emulator.logs",)),
    ("athena", "AmazonAthena", ("emulator.athena",)),
)


@dataclass
class JsonService:
    name: str
    target_prefix: str
    shapes: ServiceShapes
    handlers: dict[str, Handler] = field(default_factory=dict)


def _modules(package_name: str) -> list[Any]:
    package = importlib.import_module(package_name)
    modules = [package]
    if not hasattr(package, "__path__"):  # a plain module
        return modules
    for info in pkgutil.iter_modules(package.__path__, package_name + "."):
        modules.append(importlib.import_module(info.name))
    return modules


def discover_handlers(shapes: ServiceShapes, packages: tuple[str, ...]) -> dict[str, Handler]:
    """Map each operation of the model to the function named after it in the domain packages."""
    by_name = {xform_name(op): op for op in shapes.operations}
    handlers: dict[str, Handler] = {}
    for package in packages:
        for module in _modules(package):
            for attr, value in vars(module).items():
                op = by_name.get(attr)
                if op is None or not callable(value) or getattr(value, "__module__", None) != module.__name__:
                    continue
                if op in handlers:
                    raise RuntimeError(f"two handlers for {op}: {handlers[op].__module__} and {module.__name__}")
                handlers[op] = value
    return handlers


def load_json_services() -> dict[str, JsonService]:
    """The awsJson services keyed by their X-Amz-Target prefix."""
    services = {}
    for name, prefix, packages in JSON_SERVICES:
        shapes = ServiceShapes(name)
        services[prefix] = JsonService(name, prefix, shapes, discover_handlers(shapes, packages))
    return services
