"""Blueprint runs: StartBlueprintRun, GetBlueprintRun, GetBlueprintRuns.

StartBlueprintRun checks Parameters against the blueprint's parameterSpec (InvalidInputException naming the
first problem) and answers the RunId at once; the run then goes on in the background (layout.py): RUNNING while
the layout script runs and its entities are created, then SUCCEEDED, or FAILED with ErrorMessage. When creating
an entity fails after others were created, the run is ROLLING_BACK while they are deleted, then FAILED
(RollbackErrorMessage when a deletion failed too). AWS documents these four states for BlueprintRun.State.
RoleArn is the role the run acts as (kept with the run; every local call is allowed). Entity names get the
run's suffix (the first 8 characters of its RunId), as Glue adds "a randomly generated suffix".

A run still RUNNING or ROLLING_BACK when the server stopped cannot go on: the first read after a restart
ends it FAILED, saying so.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import uuid
from typing import TYPE_CHECKING, Any

from ..clock import now
from ..context import RequestContext
from ..errors import EntityNotFoundException, InvalidInputException
from ..records import create_record, list_records, require_record, updating_record
from .archive import BlueprintError, user_parameters
from .blueprints import BLUEPRINT, BLUEPRINT_RUN, archives_dir, runnable_archive
from .layout import LayoutError, create_entities, generate

if TYPE_CHECKING:
    from ..core import Emulator

log = logging.getLogger("glue_emulator.blueprints")
_ACTIVE = ("RUNNING", "ROLLING_BACK")


class BlueprintRunner:
    """The runs this server process is carrying on (an emulator component), to tell a run it lost at a restart."""

    def __init__(self, emulator: Emulator):
        self.emulator = emulator
        self.live: set[tuple[str, str]] = set()  # (scope, RunId)
        self.lock = threading.Lock()

    def start(self, ctx: RequestContext, run: dict[str, Any], generator: str, archive: Any,
              user_params: dict[str, Any]) -> None:
        with self.lock:
            self.live.add((ctx.scope, run["RunId"]))
        threading.Thread(target=self._run, args=(ctx, run, generator, archive, user_params),
                         name=f"blueprint-run-{run['RunId'][:8]}", daemon=True).start()

    def _run(self, ctx: RequestContext, run: dict[str, Any], generator: str, archive: Any,
             user_params: dict[str, Any]) -> None:
        name, run_id = run["BlueprintName"], run["RunId"]
        workdir = archives_dir(ctx, name) / "runs" / run_id
        try:
            layout = generate(ctx, workdir, archive, generator, user_params, suffix=run_id[:8])
            self._update(ctx, name, run_id, WorkflowName=layout["Workflow"]["Name"])
            create_entities(ctx, layout, {"BlueprintName": name, "RunId": run_id},
                            on_rollback=lambda: self._update(ctx, name, run_id, State="ROLLING_BACK"))
            ending: dict[str, Any] = {"State": "SUCCEEDED"}
        except (LayoutError, BlueprintError, OSError, KeyError, TypeError, ValueError) as exc:
            ending = {"State": "FAILED", "ErrorMessage": str(exc)}
            if getattr(exc, "rollback_error", None):
                ending["RollbackErrorMessage"] = exc.rollback_error  # type: ignore[attr-defined]
        except Exception as exc:  # a defect of ours: the run must still end, and say so
            log.exception("blueprint run %s of %s", run_id, name)
            ending = {"State": "FAILED", "ErrorMessage": f"Internal error of the emulator: {exc!r}"}
        shutil.rmtree(workdir / "archive", ignore_errors=True)
        self._update(ctx, name, run_id, CompletedOn=now(), **ending)
        with self.lock:
            self.live.discard((ctx.scope, run_id))

    @staticmethod
    def _update(ctx: RequestContext, name: str, run_id: str, **members: Any) -> None:
        """Change the stored run; nothing when it is gone (DeleteBlueprint or a reset meanwhile)."""
        try:
            with updating_record(ctx, BLUEPRINT_RUN, run_id, parent=name) as run:
                run.update(members)
        except EntityNotFoundException:
            pass

    def settle(self, ctx: RequestContext, run: dict[str, Any]) -> dict[str, Any]:
        """The run, ended FAILED if it is in progress but not in this process (the server stopped meanwhile)."""
        with self.lock:
            live = (ctx.scope, run["RunId"]) in self.live
        if run["State"] not in _ACTIVE or live:
            return run
        with updating_record(ctx, BLUEPRINT_RUN, run["RunId"], parent=run["BlueprintName"]) as stored:
            if stored["State"] in _ACTIVE:
                stored.update(State="FAILED", CompletedOn=now(),
                              ErrorMessage="The emulator stopped while the blueprint run was in progress.")
            return dict(stored)


def _runner(ctx: RequestContext) -> BlueprintRunner:
    return ctx.emulator.component(BlueprintRunner)


def start_blueprint_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"RunId"} of a new run of the blueprint's last ACTIVE definition.

    EntityNotFoundException for an unknown blueprint; IllegalBlueprintStateException when it has no ACTIVE
    definition; InvalidInputException when Parameters do not fit its parameterSpec.
    """
    name = params["BlueprintName"]
    blueprint, archive = runnable_archive(ctx, name)
    definition = blueprint["LastActiveDefinition"]
    try:
        user_params = user_parameters(json.loads(definition["ParameterSpec"]), params.get("Parameters"))
    except BlueprintError as exc:
        raise InvalidInputException(str(exc)) from exc
    run_id = uuid.uuid4().hex
    run: dict[str, Any] = {"BlueprintName": name, "RunId": run_id, "State": "RUNNING", "StartedOn": now(),
                           "RoleArn": params["RoleArn"]}
    if "Parameters" in params:
        run["Parameters"] = params["Parameters"]
    create_record(ctx, BLUEPRINT_RUN, run_id, run, parent=name)
    _runner(ctx).start(ctx, run, blueprint["Generator"], archive, user_params)
    return {"RunId": run_id}


def get_blueprint_run(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"BlueprintRun": BlueprintRun}; EntityNotFoundException for an unknown blueprint or run."""
    run = require_record(ctx, BLUEPRINT_RUN, params["RunId"], parent=params["BlueprintName"])
    return {"BlueprintRun": _runner(ctx).settle(ctx, run)}


def get_blueprint_runs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{"BlueprintRuns": [BlueprintRun], "NextToken"?} of one blueprint (EntityNotFoundException if unknown)."""
    name = params["BlueprintName"]
    require_record(ctx, BLUEPRINT, name)
    runs, token = list_records(ctx, BLUEPRINT_RUN, params, parent=name)
    result: dict[str, Any] = {"BlueprintRuns": [_runner(ctx).settle(ctx, run) for run in runs]}
    if token:
        result["NextToken"] = token
    return result
