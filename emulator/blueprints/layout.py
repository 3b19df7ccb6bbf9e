"""Running a blueprint's layout script and creating what it describes (AWS: "Creating the blueprint layout
script", "Running blueprints").

The layout function (blueprint.cfg's layoutGenerator) runs in a Python process of its own, with the unpacked
archive as its working directory and first on sys.path (AWS's samples import "<folder>.layout" and open
"<folder>/<script>.py"), then the emulator's runtime folder for `awsglue.blueprint`. boto3 inside it reaches
this emulator as the run's account and region, as a job run's does. It is called as
`layout(user_params, system_params)` with system_params {"region", "accountId"} and must return an
`awsglue.blueprint.workflow.Workflow`; its `to_json(<run suffix>)` is what the run creates.

The entities are created through the API's own operations (CreateWorkflow, CreateCrawler, CreateJob,
CreateTrigger), each request checked against the API model first, in that order so that triggers find their
targets. When one fails, those already created are deleted again in reverse order (the run is ROLLING_BACK),
and the run FAILS with the error; a failed deletion is the run's RollbackErrorMessage.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import runtime
from ..context import RequestContext
from ..crawlers.crawlers import create_crawler, delete_crawler
from ..errors import AwsError
from ..jobs.definitions import create_job, delete_job
from ..jobs.spark_tasks import aws_environment
from ..orchestration.common import WORKFLOW
from ..orchestration.triggers import create_trigger, delete_trigger
from ..orchestration.workflows import create_workflow, delete_workflow
from .archive import unpack

LAYOUT_TIMEOUT_SECONDS = 300  # a layout script only describes a workflow: minutes mean it hangs
_BOOTSTRAP = """
import importlib, json, sys
with open(sys.argv[1]) as f:
    request = json.load(f)
module, _, function = request["generator"].rpartition(".")
layout = getattr(importlib.import_module(module), function)
workflow = layout(request["user_params"], request["system_params"])
from awsglue.blueprint.workflow import Workflow
if not isinstance(workflow, Workflow):
    raise TypeError(f"the layout generator returned {type(workflow).__name__}, not an awsglue.blueprint Workflow")
with open(sys.argv[2], "w") as f:
    json.dump(workflow.to_json(request["suffix"]), f)
"""


class LayoutError(Exception):
    """The layout script failed or described something that could not be created; the message is the run's."""


def generate(ctx: RequestContext, workdir: Path, archive: Path, generator: str, user_params: dict[str, Any],
             suffix: str) -> dict[str, Any]:
    """Run the layout function; its Workflow.to_json(suffix). LayoutError with the script's own error (the last
    line of its stderr, the full output kept in `workdir`) when it fails, times out or returns no Workflow."""
    root = workdir / "archive"
    root.mkdir(parents=True, exist_ok=True)
    unpack(archive.read_bytes(), root)
    request, result = workdir / "request.json", workdir / "layout.json"
    request.write_text(json.dumps({"generator": generator, "user_params": user_params, "suffix": suffix,
                                   "system_params": {"region": ctx.region, "accountId": ctx.account}}))
    # The server's own AWS settings (profile, endpoints) are not the run's: only the emulator's are given.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(aws_environment(ctx.settings, ctx.account, ctx.region))
    env["PYTHONPATH"] = os.pathsep.join([str(root), runtime.PATH])
    with open(workdir / "output", "wb") as out, open(workdir / "error", "wb") as err:
        try:
            process = subprocess.run([sys.executable, "-c", _BOOTSTRAP, str(request), str(result)], cwd=root,
                                     env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                     timeout=LAYOUT_TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired as exc:
            raise LayoutError(f"The layout generator did not finish in {LAYOUT_TIMEOUT_SECONDS} seconds.") from exc
    if process.returncode != 0 or not result.exists():
        lines = (workdir / "error").read_text(errors="replace").strip().splitlines()
        raise LayoutError(f"The layout generator {generator} failed: {lines[-1] if lines else process.returncode}")
    return json.loads(result.read_text())


# Members that are maps of strings, per operation. AWS's own samples put numbers and booleans in a job's
# DefaultArguments (compaction: `"--enable_size_control": False`, s3_to_dynamodb: a float), which Glue takes as
# their JSON text ("false", "0.5"), the way a JSON map of strings reads scalars; so does the emulator.
_STRING_MAPS = {
    "CreateWorkflow": ("DefaultRunProperties", "Tags"),
    "CreateJob": ("DefaultArguments", "NonOverridableArguments", "Tags"),
    "CreateCrawler": ("Tags",),
    "CreateTrigger": ("Tags",),
}


def _checked(ctx: RequestContext, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    """The request with the scalars of its string maps as text, once valid for the API model (else its
    ValidationException)."""
    if isinstance(request, dict):
        for member in _STRING_MAPS[operation]:
            if isinstance(request.get(member), dict):
                request[member] = {k: v if isinstance(v, str) or not isinstance(v, (bool, int, float)) else
                                   json.dumps(v) for k, v in request[member].items()}
    ctx.emulator.json_services["AWSGlue"].shapes.validate_input(operation, request)
    return request


def create_entities(ctx: RequestContext, layout: dict[str, Any], blueprint_details: dict[str, str],
                    on_rollback: Callable[[], None]) -> None:
    """Create the workflow, crawlers, jobs and triggers of `layout` (Workflow.to_json's shape).

    When one fails, it calls `on_rollback`, deletes those already created and
    raises LayoutError naming the entity and the error, with `.rollback_error` set when a deletion failed too.
    """
    created: list[tuple[Callable[..., Any], dict[str, str]]] = []
    steps: list[tuple[str, Callable[..., Any], dict[str, Any], Callable[..., Any], str]] = [
        ("CreateWorkflow", create_workflow, layout["Workflow"], delete_workflow, "Name")]
    steps += [("CreateCrawler", create_crawler, c, delete_crawler, "Name") for c in layout.get("Crawlers", [])]
    steps += [("CreateJob", create_job, j, delete_job, "JobName") for j in layout.get("Jobs", [])]
    steps += [("CreateTrigger", create_trigger, t, delete_trigger, "Name") for t in layout.get("Triggers", [])]
    for operation, create, request, delete, key in steps:
        try:
            create(ctx, _checked(ctx, operation, request))
        except Exception as exc:  # an AwsError, or a defect of ours: either way, undo what this run created
            on_rollback()
            reason = f"{exc.code}: {exc.message}" if isinstance(exc, AwsError) else repr(exc)
            name = request.get("Name") if isinstance(request, dict) else request
            error = LayoutError(f"{operation} {name} failed: {reason}")
            error.rollback_error = _roll_back(ctx, created)  # type: ignore[attr-defined]
            raise error from exc
        created.append((delete, {key: request["Name"]}))
        if operation == "CreateWorkflow":
            with ctx.store.transaction():
                workflow = ctx.store.get(ctx.scope, WORKFLOW, "", request["Name"])
                workflow["BlueprintDetails"] = blueprint_details
                ctx.store.put(ctx.scope, WORKFLOW, "", request["Name"], workflow)


def _roll_back(ctx: RequestContext, created: list[tuple[Callable[..., Any], dict[str, str]]]) -> str | None:
    """Delete what was created, newest first; the errors of deletions that failed, or None."""
    errors = []
    for delete, request in reversed(created):
        try:
            delete(ctx, request)
        except AwsError as exc:
            errors.append(f"{request}: {exc.code}: {exc.message}")
    return "; ".join(errors) or None
