"""Blueprint archives and parameters, as AWS's "Developing blueprints in AWS Glue" describes them.

An archive is a ZIP holding `blueprint.cfg` (at its root or in its one top folder, as `zip -r name.zip name/`
makes it) with a JSON object:

    {"layoutGenerator": "<module path>.<function>", "parameterSpec": {<name>: {"type", "collection"?,
     "description"?, "defaultValue"?, "allowedValues"?}}}

The layout module is found from the archive's root (AWS's samples name it "<folder>.layout.generate_layout").
A parameter's type is one of String, Integer, Double, Boolean, S3Uri, S3Bucket, IAMRoleArn, IAMRoleName; one
with a defaultValue is optional, the others are required; `collection: true` takes a list of such values.
Problems are raised as BlueprintError with the message a user sees (a blueprint's ErrorMessage, or the
InvalidInputException of StartBlueprintRun).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG_FILE = "blueprint.cfg"
MAX_ARCHIVE_BYTES = 100 * 1024 * 1024  # the largest unpacked archive accepted (a guard against zip bombs)
PARAMETER_TYPES = ("String", "Integer", "Double", "Boolean", "S3Uri", "S3Bucket", "IAMRoleArn", "IAMRoleName")
_GENERATOR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class BlueprintError(Exception):
    """A bad archive or bad parameters; the message is the one the user sees."""


@dataclass(frozen=True)
class BlueprintConfig:
    """An archive's blueprint.cfg: `layout_generator` ("pkg.module.function") and `parameter_spec`."""

    layout_generator: str
    parameter_spec: dict[str, dict[str, Any]]


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise BlueprintError("The blueprint archive is not a ZIP file.") from exc
    if sum(info.file_size for info in archive.infolist()) > MAX_ARCHIVE_BYTES:
        raise BlueprintError(f"The blueprint archive unpacks to more than {MAX_ARCHIVE_BYTES} bytes.")
    return archive


def _config_name(names: list[str]) -> str:
    candidates = [n for n in names if n.rstrip("/").split("/")[-1] == CONFIG_FILE and n.count("/") <= 1]
    if len(candidates) != 1:
        found = "none" if not candidates else ", ".join(sorted(candidates))
        raise BlueprintError(f"The blueprint archive must hold one {CONFIG_FILE} at its root or in its top folder "
                             f"(found {found}).")
    return candidates[0]


def check_parameter_spec(spec: Any) -> dict[str, dict[str, Any]]:
    """The parameterSpec when each parameter has a known type and consistent options; BlueprintError if not."""
    if not isinstance(spec, dict):
        raise BlueprintError("parameterSpec in blueprint.cfg must be a JSON object.")
    for name, parameter in spec.items():
        if not isinstance(parameter, dict) or parameter.get("type") not in PARAMETER_TYPES:
            raise BlueprintError(f"Parameter {name} in blueprint.cfg must have a type, one of "
                                 f"{', '.join(PARAMETER_TYPES)}.")
        allowed = parameter.get("allowedValues")
        if allowed is not None and not isinstance(allowed, list):
            raise BlueprintError(f"allowedValues of parameter {name} in blueprint.cfg must be a list.")
        if "defaultValue" in parameter:
            try:
                _check_value(name, parameter, parameter["defaultValue"])
            except BlueprintError as exc:
                raise BlueprintError(f"The defaultValue in blueprint.cfg is not valid: {exc}") from exc
    return spec


def read_config(data: bytes) -> BlueprintConfig:
    """blueprint.cfg of an archive, checked: it parses, names a layout module the archive holds, and its
    parameterSpec is valid. BlueprintError otherwise."""
    archive = _open(data)
    names = archive.namelist()
    try:
        config = json.loads(archive.read(_config_name(names)))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BlueprintError(f"{CONFIG_FILE} is not valid JSON: {exc}") from exc
    if not isinstance(config, dict):
        raise BlueprintError(f"{CONFIG_FILE} must hold a JSON object.")
    generator = config.get("layoutGenerator")
    if not isinstance(generator, str) or not _GENERATOR.match(generator):
        raise BlueprintError(f"layoutGenerator in {CONFIG_FILE} must name a function as <module path>.<function>.")
    module_path = generator.rsplit(".", 1)[0].replace(".", "/")
    if f"{module_path}.py" not in names:
        raise BlueprintError(f"The layout generator's module {module_path}.py is not in the blueprint archive.")
    return BlueprintConfig(generator, check_parameter_spec(config.get("parameterSpec", {})))


def unpack(data: bytes, folder: Path) -> None:
    """Extract an archive into `folder` (zipfile drops absolute paths and '..' parts of member names)."""
    _open(data).extractall(folder)


def _check_one(name: str, kind: str, value: Any) -> None:
    ok = {
        "Integer": isinstance(value, int) and not isinstance(value, bool),
        "Double": isinstance(value, (int, float)) and not isinstance(value, bool),
        "Boolean": isinstance(value, bool),
        "S3Uri": isinstance(value, str) and value.startswith("s3://") and len(value) > 5,
        "S3Bucket": isinstance(value, str) and bool(_BUCKET.match(value)),
        "IAMRoleArn": isinstance(value, str) and bool(_ROLE_ARN.match(value)),
        "IAMRoleName": isinstance(value, str) and bool(_ROLE_NAME.match(value)),
    }.get(kind, isinstance(value, str))
    if not ok:
        raise BlueprintError(f"Parameter {name} must be of type {kind}, got {json.dumps(value)}.")


def _check_value(name: str, parameter: dict[str, Any], value: Any) -> None:
    values = value if parameter.get("collection") else [value]
    if parameter.get("collection") and not isinstance(value, list):
        raise BlueprintError(f"Parameter {name} is a collection: give a JSON list.")
    allowed = parameter.get("allowedValues")
    for item in values:
        _check_one(name, parameter["type"], item)
        if allowed is not None and item not in allowed:
            raise BlueprintError(f"Parameter {name} must be one of {json.dumps(allowed)}, got {json.dumps(item)}.")


def user_parameters(spec: dict[str, dict[str, Any]], given: str | None) -> dict[str, Any]:
    """The layout function's `user_params`: StartBlueprintRun's Parameters (a JSON object string) checked
    against the spec, with the defaults of the parameters not given. BlueprintError names the first problem."""
    try:
        values = json.loads(given) if given else {}
    except ValueError as exc:
        raise BlueprintError(f"Parameters is not valid JSON: {exc}") from exc
    if not isinstance(values, dict):
        raise BlueprintError("Parameters must be a JSON object of parameter names and values.")
    unknown = sorted(set(values) - set(spec))
    if unknown:
        raise BlueprintError(f"The blueprint has no parameters named {', '.join(unknown)}.")
    missing = sorted(n for n, p in spec.items() if n not in values and "defaultValue" not in p)
    if missing:
        raise BlueprintError(f"Required parameters are missing: {', '.join(missing)}.")
    result = {}
    for name, parameter in spec.items():
        if name in values:
            _check_value(name, parameter, values[name])
            result[name] = values[name]
        else:
            result[name] = parameter["defaultValue"]
    return result
