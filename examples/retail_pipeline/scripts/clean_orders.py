"""Cleaning (Spark): the crawled sales and customers tables -> valid, de-duplicated orders with their
customer, as Parquet partitioned by date. Runs once both crawlers have succeeded."""

import sys

import boto3
from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

args = getResolvedOptions(sys.argv, ["JOB_NAME", "WORKFLOW_NAME", "WORKFLOW_RUN_ID", "database", "clean_path"])
glue_api = boto3.client("glue")
run = {"Name": args["WORKFLOW_NAME"], "RunId": args["WORKFLOW_RUN_ID"]}
properties = glue_api.get_workflow_run_properties(**run)["RunProperties"]
if properties.get("fail_cleaning") == "true":
    raise RuntimeError("cleaning asked to fail by the run property fail_cleaning=true")

glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)

sales = glue.create_dynamic_frame.from_catalog(database=args["database"], table_name="sales").toDF()
customers = glue.create_dynamic_frame.from_catalog(database=args["database"], table_name="customers").toDF()
orders = (
    sales.where(F.col("amount") > 0)
    .dropDuplicates(["order_id"])
    .join(customers.select("customer_id", "country", "segment"), "customer_id")
)
glue.write_dynamic_frame.from_options(
    frame=DynamicFrame.fromDF(orders, glue, "orders"),
    connection_type="s3",
    connection_options={"path": args["clean_path"], "partitionKeys": ["date"]},
    format="parquet",
)
dropped = sales.count() - orders.count()
counts = {"clean_orders": str(orders.count()), "dropped_rows": str(dropped)}
glue_api.put_workflow_run_properties(**run, RunProperties=counts)
print(f"{orders.count()} clean orders, {dropped} rows dropped")
job.commit()
