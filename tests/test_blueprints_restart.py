"""Blueprints a stopped server left in progress (in-process emulator, handlers called directly): a registration
left CREATING is carried out when the blueprint is next read; a run left RUNNING reads as FAILED."""

from __future__ import annotations

import io
import json
import zipfile

from support import ROLE, wait_until

from emulator.blueprints.blueprints import BLUEPRINT, BLUEPRINT_RUN, get_blueprint
from emulator.blueprints.runs import get_blueprint_run, get_blueprint_runs
from emulator.records import create_record


def test_a_registration_left_creating_is_carried_out_when_read(ctx):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("bp/blueprint.cfg", json.dumps({"layoutGenerator": "bp.layout.make", "parameterSpec": {}}))
        z.writestr("bp/layout.py", "def make(user_params, system_params): pass\n")
    path = ctx.settings.data_dir / "s3" / "bps" / "bp.zip"
    path.parent.mkdir(parents=True)
    path.write_bytes(archive.getvalue())
    create_record(ctx, BLUEPRINT, "bp", {"Name": "bp", "BlueprintLocation": "s3://bps/bp.zip", "Status": "CREATING",
                                         "CreatedOn": 1.0, "LastModifiedOn": 1.0})
    blueprint = wait_until(lambda: get_blueprint(ctx, {"Name": "bp"})["Blueprint"], "the registration to end",
                           until=lambda b: b["Status"] != "CREATING")
    assert blueprint["Status"] == "ACTIVE" and blueprint["LastActiveDefinition"]["BlueprintLocation"] == "s3://bps/bp.zip"


def test_a_run_left_running_reads_as_failed(ctx):
    create_record(ctx, BLUEPRINT, "bp", {"Name": "bp", "BlueprintLocation": "s3://bps/bp.zip", "Status": "FAILED"})
    create_record(ctx, BLUEPRINT_RUN, "r1", {"BlueprintName": "bp", "RunId": "r1", "State": "RUNNING",
                                             "StartedOn": 1.0, "RoleArn": ROLE}, parent="bp")
    run = get_blueprint_run(ctx, {"BlueprintName": "bp", "RunId": "r1"})["BlueprintRun"]
    assert run["State"] == "FAILED" and run["ErrorMessage"] == (
        "The emulator stopped while the blueprint run was in progress.")
    assert get_blueprint_runs(ctx, {"BlueprintName": "bp"})["BlueprintRuns"] == [run]
