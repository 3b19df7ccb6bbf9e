"""Error handling (Python shell): cleaning failed, so record why and mark the run degraded."""

import json
import sys

import boto3
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["WORKFLOW_NAME", "WORKFLOW_RUN_ID", "errors_bucket"])
glue = boto3.client("glue")
run = glue.get_workflow_run(Name=args["WORKFLOW_NAME"], RunId=args["WORKFLOW_RUN_ID"], IncludeGraph=True)["Run"]
failures = [
    {"job": node["Name"], "run_id": job_run["Id"], "error": job_run.get("ErrorMessage", "")}
    for node in run["Graph"]["Nodes"]
    for job_run in node.get("JobDetails", {}).get("JobRuns", [])
    if job_run["JobRunState"] in ("FAILED", "TIMEOUT", "ERROR")
]
key = f"errors/{args['WORKFLOW_RUN_ID']}.json"
boto3.client("s3").put_object(Bucket=args["errors_bucket"], Key=key, Body=json.dumps(failures, indent=2).encode())
glue.put_workflow_run_properties(
    Name=args["WORKFLOW_NAME"], RunId=args["WORKFLOW_RUN_ID"], RunProperties={"status": "degraded", "error_report": key}
)
print(f"{len(failures)} failure(s) reported to s3://{args['errors_bucket']}/{key}")
