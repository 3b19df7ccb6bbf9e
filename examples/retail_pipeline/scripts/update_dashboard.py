"""Dashboard (Python shell), the last step: a small JSON summary a dashboard would read."""

import json
import sys

import boto3
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["WORKFLOW_NAME", "WORKFLOW_RUN_ID", "lake_bucket"])
glue, s3 = boto3.client("glue"), boto3.client("s3")
run = {"Name": args["WORKFLOW_NAME"], "RunId": args["WORKFLOW_RUN_ID"]}
properties = glue.get_workflow_run_properties(**run)["RunProperties"]
manifest = json.loads(s3.get_object(Bucket=args["lake_bucket"], Key="warehouse/manifest.json")["Body"].read())
rows = []
for key in manifest["files"]:
    body = s3.get_object(Bucket=args["lake_bucket"], Key=key)["Body"].read().decode()
    rows += [json.loads(line) for line in body.splitlines() if line.strip()]
by_country: dict[str, float] = {}
for row in rows:
    by_country[row["country"]] = round(by_country.get(row["country"], 0.0) + row["revenue"], 2)
dashboard = {
    "status": manifest["status"],
    "revenue_total": properties.get("revenue_total"),
    "revenue_by_country": dict(sorted(by_country.items(), key=lambda item: -item[1])),
    "clean_orders": properties.get("clean_orders"),
}
s3.put_object(Bucket=args["lake_bucket"], Key="dashboard/latest.json", Body=json.dumps(dashboard, indent=2).encode())
print(json.dumps(dashboard))
