"""Aggregation (Spark): clean orders -> revenue and order count per day and country, as JSON lines.
Runs when cleaning succeeded."""

import sys

import boto3
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

args = getResolvedOptions(sys.argv, ["JOB_NAME", "WORKFLOW_NAME", "WORKFLOW_RUN_ID", "clean_path", "aggregates_path"])
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)

orders = glue.create_dynamic_frame.from_options(
    connection_type="s3", connection_options={"paths": [args["clean_path"]], "recurse": True}, format="parquet"
).toDF()
revenue = (
    orders.groupBy("date", "country")
    .agg(F.round(F.sum("amount"), 2).alias("revenue"), F.count("*").alias("orders"))
    .orderBy("date", "country")
)
revenue.coalesce(1).write.mode("overwrite").json(args["aggregates_path"])
total = revenue.agg(F.round(F.sum("revenue"), 2)).first()[0]
boto3.client("glue").put_workflow_run_properties(
    Name=args["WORKFLOW_NAME"], RunId=args["WORKFLOW_RUN_ID"], RunProperties={"revenue_total": str(total)}
)
print(f"revenue {total} over {revenue.count()} day/country rows")
job.commit()
