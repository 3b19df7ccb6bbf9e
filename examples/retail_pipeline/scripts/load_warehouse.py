"""Load (Python shell): publish what this run produced to the warehouse prefix, with a manifest.
Runs after either the aggregation or the error handling (ANY)."""

import json
import sys

import boto3
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["WORKFLOW_NAME", "WORKFLOW_RUN_ID", "lake_bucket"])
glue, s3 = boto3.client("glue"), boto3.client("s3")
run = {"Name": args["WORKFLOW_NAME"], "RunId": args["WORKFLOW_RUN_ID"]}
properties = glue.get_workflow_run_properties(**run)["RunProperties"]
bucket = args["lake_bucket"]
published = []
for item in s3.list_objects_v2(Bucket=bucket, Prefix="aggregates/").get("Contents", []):
    if item["Key"].endswith(".json"):
        target = "warehouse/revenue/" + item["Key"].rsplit("/", 1)[1]
        s3.copy_object(Bucket=bucket, Key=target, CopySource={"Bucket": bucket, "Key": item["Key"]})
        published.append(target)
manifest = {"workflow_run": args["WORKFLOW_RUN_ID"], "status": properties.get("status", "ok"), "files": published}
s3.put_object(Bucket=bucket, Key="warehouse/manifest.json", Body=json.dumps(manifest, indent=2).encode())
glue.put_workflow_run_properties(**run, RunProperties={"loaded_files": str(len(published))})
print(json.dumps(manifest))
