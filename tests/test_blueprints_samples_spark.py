"""AWS's sample blueprints `conversion` and `partitioning` (tests/blueprint_samples, unchanged), run end to end
(issue #18): the blueprint run creates a crawler and a glueetl job; the workflow crawls a CSV through a catalog
target, and the job (the sample's own script, uploaded by its layout) writes it as Parquet, partitioned by the
given key for `partitioning`, and creates the output table."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from support import ROLE, wait_until

SAMPLES = Path(__file__).parent / "blueprint_samples"
CSV = b"id,name,amount\n1,ann,2.5\n2,bob,4.0\n3,ann,1.5\n"


def zipped(folder: Path) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.writestr(f"{folder.name}/{path.name}", path.read_bytes())
    return buffer.getvalue()


def run_sample(glue_emulator: Any, sample: str, extra: dict[str, Any]) -> tuple[dict[str, Any], list[dict]]:
    """Register the sample, run it with the CSV as input and run its workflow; (workflow run, output rows)."""
    glue, s3 = glue_emulator.glue, glue_emulator.s3
    for bucket in ("bp-samples", "bp-input", "bp-output"):
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket="bp-input", Key="sales/part-0.csv", Body=CSV)
    s3.put_object(Bucket="bp-samples", Key=f"{sample}.zip", Body=zipped(SAMPLES / sample))
    glue.create_blueprint(Name=sample, BlueprintLocation=f"s3://bp-samples/{sample}.zip")
    wait_until(lambda: glue.get_blueprint(Name=sample)["Blueprint"]["Status"], f"{sample} ACTIVE",
               until=lambda status: status == "ACTIVE")
    parameters = {"WorkflowName": f"{sample}_wf", "IAMRole": "GlueRole", "InputDataLocation": "s3://bp-input/sales/",
                  "DestinationDatabaseName": f"{sample}_db", "DestinationTableName": "sales",
                  "OutputDataLocation": f"s3://bp-output/{sample}/", **extra}
    run_id = glue.start_blueprint_run(BlueprintName=sample, Parameters=json.dumps(parameters), RoleArn=ROLE)["RunId"]
    run = wait_until(lambda: glue.get_blueprint_run(BlueprintName=sample, RunId=run_id)["BlueprintRun"],
                     f"{sample} run to end", until=lambda r: r["State"] in ("SUCCEEDED", "FAILED"), timeout=60)
    assert run["State"] == "SUCCEEDED", run.get("ErrorMessage")
    workflow_run_id = glue.start_workflow_run(Name=f"{sample}_wf")["RunId"]
    workflow_run = wait_until(
        lambda: glue.get_workflow_run(Name=f"{sample}_wf", RunId=workflow_run_id, IncludeGraph=True)["Run"],
        f"{sample} workflow to end", until=lambda r: r["Status"] != "RUNNING", timeout=300)
    listing = s3.list_objects_v2(Bucket="bp-output", Prefix=f"{sample}/").get("Contents", [])
    rows = []
    for item in listing:
        key = item["Key"]
        table = pq.read_table(io.BytesIO(s3.get_object(Bucket="bp-output", Key=key)["Body"].read()))
        partition = dict(part.split("=", 1) for part in key.split("/")[1:-1])
        rows += [{**row, **partition} for row in table.to_pylist()]
    return workflow_run, sorted(rows, key=lambda r: r["id"])


def node_states(workflow_run: dict[str, Any]) -> list[str]:
    states = []
    for node in workflow_run["Graph"]["Nodes"]:
        states += [r["JobRunState"] for r in node.get("JobDetails", {}).get("JobRuns", [])]
        states += [c["State"] for c in node.get("CrawlerDetails", {}).get("Crawls", [])]
    return sorted(states)


@pytest.mark.parametrize(("sample", "extra", "partition_keys"), [
    ("conversion", {}, []),
    ("partitioning", {"PartitionKeys": ["name"]}, ["name"]),
])
def test_aws_sample_blueprint_runs_end_to_end(glue_emulator, sample, extra, partition_keys):
    workflow_run, rows = run_sample(glue_emulator, sample, extra)
    assert workflow_run["Status"] == "COMPLETED" and node_states(workflow_run) == ["SUCCEEDED", "SUCCEEDED"]
    assert [(r["id"], r["name"], r["amount"]) for r in rows] == [(1, "ann", 2.5), (2, "bob", 4.0), (3, "ann", 1.5)]
    table = glue_emulator.glue.get_table(DatabaseName=f"{sample}_db", Name="sales")["Table"]
    assert [k["Name"] for k in table.get("PartitionKeys", [])] == partition_keys
    assert table["StorageDescriptor"]["Location"].rstrip("/") == f"s3://bp-output/{sample}"
