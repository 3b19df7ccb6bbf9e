"""Blueprint definitions: CreateBlueprint, UpdateBlueprint, DeleteBlueprint, GetBlueprint, BatchGetBlueprints,
ListBlueprints.

As on AWS, Create and Update answer at once and register the archive behind the scenes: Status is CREATING
(UPDATING) until the archive at BlueprintLocation has been read and checked (archive.py), then ACTIVE, or
FAILED with an ErrorMessage saying what is wrong with it. Glue copies a registered archive to a location of its
own; here the copy is kept in the data dir (blueprints/<account>/<region>/<name>/), so runs use the archive as
registered even if the S3 object changes. LastActiveDefinition is the newest definition that became ACTIVE: a
failed update leaves it, and runs, on the previous archive. GetBlueprint and BatchGetBlueprints return
ParameterSpec only with IncludeParameterSpec. A blueprint a stopped server left CREATING or UPDATING has its
archive checked again when it is next read.
"""

from __future__ import annotations

import json
import secrets
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import tagging
from ..clock import now
from ..context import RequestContext
from ..errors import EntityNotFoundException, IllegalBlueprintStateException
from ..jobs.arguments import RunSetupError, local_s3_path
from ..records import (
    RecordKind,
    batch_get_records,
    create_record,
    find_record,
    list_records,
    require_record,
    updating_record,
)
from .archive import BlueprintError, read_config

if TYPE_CHECKING:
    from ..core import Emulator

BLUEPRINT = RecordKind("blueprint", "Blueprint", page_cap=25)
BLUEPRINT_RUN = RecordKind("blueprint-run", "BlueprintRun", page_cap=1000)
_INTERNAL = ("ActiveArchive", "Generator")  # the record's own members that are not the Blueprint shape's
_BUSY = ("CREATING", "UPDATING")


def blueprint_arn(ctx: RequestContext, name: str) -> str:
    return tagging.resource_arn(ctx, f"blueprint/{name}")


def archives_dir(ctx: RequestContext, name: str) -> Path:
    """Where the registered copies of a blueprint's archives are kept."""
    return ctx.settings.data_dir / "blueprints" / ctx.account / ctx.region / name


def _view(record: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    view = {k: v for k, v in record.items() if k not in _INTERNAL}
    if not params.get("IncludeParameterSpec"):
        view.pop("ParameterSpec", None)
        if "LastActiveDefinition" in view:
            view["LastActiveDefinition"] = {k: v for k, v in view["LastActiveDefinition"].items()
                                            if k != "ParameterSpec"}
    return view


class Registrations:
    """The archive checks this server process is carrying on (an emulator component): a blueprint found CREATING
    or UPDATING with none under way here was left so by a stopped server, and its check starts again."""

    def __init__(self, emulator: Emulator):
        self.live: set[tuple[str, str]] = set()  # (scope, blueprint name)
        self.lock = threading.Lock()

    def start(self, ctx: RequestContext, name: str, location: str) -> None:
        with self.lock:
            self.live.add((ctx.scope, name))
        archive = archives_dir(ctx, name) / f"{secrets.token_hex(8)}.zip"
        threading.Thread(target=self._register, args=(ctx, name, location, archive), name=f"blueprint-{name}",
                         daemon=True).start()

    def resume(self, ctx: RequestContext, record: dict[str, Any]) -> None:
        """Start the check of a blueprint left CREATING/UPDATING by a stopped server."""
        with self.lock:
            lost = record["Status"] in _BUSY and (ctx.scope, record["Name"]) not in self.live
        if lost:
            self.start(ctx, record["Name"], record["BlueprintLocation"])

    def _register(self, ctx: RequestContext, name: str, location: str, archive: Path) -> None:
        """Read and check the archive at `location`, keep its copy at `archive`, and end the blueprint's
        CREATING/UPDATING as ACTIVE or FAILED (see the module docstring)."""
        try:
            data = local_s3_path(ctx.settings.data_dir, location, "BlueprintLocation").read_bytes()
            config = read_config(data)
            archive.parent.mkdir(parents=True, exist_ok=True)
            archive.write_bytes(data)
            error = None
        except (RunSetupError, BlueprintError, OSError) as exc:
            error = str(exc)
        try:
            with updating_record(ctx, BLUEPRINT, name) as record:
                record["LastModifiedOn"] = now()
                if error is not None:
                    record.update(Status="FAILED", ErrorMessage=error)
                    return
                record.pop("ErrorMessage", None)
                spec = json.dumps(config.parameter_spec)
                record.update(Status="ACTIVE", ParameterSpec=spec, ActiveArchive=str(archive),
                              Generator=config.layout_generator)
                record["LastActiveDefinition"] = {
                    key: record[key] for key in ("Description", "LastModifiedOn", "BlueprintLocation") if key in record}
                record["LastActiveDefinition"]["ParameterSpec"] = spec
        except EntityNotFoundException:  # deleted while registering: nothing to record
            shutil.rmtree(archive.parent, ignore_errors=True)
        finally:
            with self.lock:
                self.live.discard((ctx.scope, name))


def _registrations(ctx: RequestContext) -> Registrations:
    return ctx.emulator.component(Registrations)


def _current(ctx: RequestContext, record: dict[str, Any]) -> dict[str, Any]:
    _registrations(ctx).resume(ctx, record)
    return record


def create_blueprint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Register a blueprint: {"Name"} at once, Status CREATING until the archive is checked.

    AlreadyExistsException for a taken name.
    """
    name, stamp = params["Name"], now()
    record: dict[str, Any] = {"Name": name}
    if "Description" in params:
        record["Description"] = params["Description"]
    record.update(CreatedOn=stamp, LastModifiedOn=stamp, BlueprintLocation=params["BlueprintLocation"],
                  Status="CREATING")
    with ctx.store.transaction():
        create_record(ctx, BLUEPRINT, name, record)
        tagging.set_tags(ctx, blueprint_arn(ctx, name), params.get("Tags"))
    _registrations(ctx).start(ctx, name, params["BlueprintLocation"])
    return {"Name": name}


def update_blueprint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Register a new archive (and description): Status UPDATING until it is checked.

    EntityNotFoundException for an unknown name; IllegalBlueprintStateException while the blueprint is still
    CREATING or UPDATING.
    """
    name = params["Name"]
    _current(ctx, require_record(ctx, BLUEPRINT, name))
    with updating_record(ctx, BLUEPRINT, name) as record:
        if record["Status"] in _BUSY:
            raise IllegalBlueprintStateException(f"Blueprint {name} is {record['Status']}: wait until it is "
                                                 "ACTIVE or FAILED to update it.")
        if "Description" in params:
            record["Description"] = params["Description"]
        record.update(BlueprintLocation=params["BlueprintLocation"], Status="UPDATING", LastModifiedOn=now())
    _registrations(ctx).start(ctx, name, params["BlueprintLocation"])
    return {"Name": name}


def delete_blueprint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete a blueprint, its runs' history and its archive copies; {"Name"} even when there was none (AWS
    models no EntityNotFoundException for DeleteBlueprint). The workflows its runs created stay."""
    name = params["Name"]
    with ctx.store.transaction():
        ctx.store.delete(ctx.scope, BLUEPRINT.kind, "", name)
        ctx.store.delete_under(ctx.scope, BLUEPRINT_RUN.kind, name)
        tagging.drop_tags(ctx, blueprint_arn(ctx, name))
    shutil.rmtree(archives_dir(ctx, name), ignore_errors=True)
    return {"Name": name}


def get_blueprint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"Blueprint": Blueprint}; EntityNotFoundException for an unknown name."""
    return {"Blueprint": _view(_current(ctx, require_record(ctx, BLUEPRINT, params["Name"])), params)}


def batch_get_blueprints(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"Blueprints": [Blueprint], "MissingBlueprints": [name]} in the order asked."""
    found, missing = batch_get_records(ctx, BLUEPRINT, params["Names"])
    return {"Blueprints": [_view(_current(ctx, record), params) for record in found], "MissingBlueprints": missing}


def list_blueprints(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"Blueprints": [name], "NextToken"?}: names in order, 25 a page at most, only those carrying every tag of
    the Tags filter."""
    wanted = params.get("Tags") or {}

    def tagged(record: dict[str, Any]) -> bool:
        return wanted.items() <= tagging.tags_of(ctx, blueprint_arn(ctx, record["Name"])).items()

    records, token = list_records(ctx, BLUEPRINT, params, where=tagged if wanted else None)
    result: dict[str, Any] = {"Blueprints": [record["Name"] for record in records]}
    if token:
        result["NextToken"] = token
    return result


def runnable_archive(ctx: RequestContext, name: str) -> tuple[dict[str, Any], Path]:
    """The blueprint and the archive a new run uses (its last ACTIVE definition).

    EntityNotFoundException for an unknown blueprint; IllegalBlueprintStateException when none of its
    definitions ever became ACTIVE (still CREATING, or FAILED on creation).
    """
    record = require_record(ctx, BLUEPRINT, name)
    if not record.get("ActiveArchive"):
        raise IllegalBlueprintStateException(
            f"Blueprint {name} is {record['Status']}: it has no ACTIVE definition to run yet.")
    return record, Path(record["ActiveArchive"])


def _blueprint_exists(ctx: RequestContext, account: str, path: list[str]) -> bool:
    return account == ctx.account and len(path) == 1 and find_record(ctx, BLUEPRINT, path[0]) is not None


tagging.register("blueprint", _blueprint_exists)
