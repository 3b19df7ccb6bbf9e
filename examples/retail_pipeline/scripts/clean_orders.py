"""Cleaning (Spark): the crawled sales and customers tables -> valid, de-duplicated orders with their
customer, as Parquet partitioned by date, registered as the catalog table clean_orders. Runs once both
crawlers have succeeded."""

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
# The clean orders become the catalog table clean_orders (partitions registered as they are written), which the
# data-quality step checks.
sink = glue.getSink(connection_type="s3", path=args["clean_path"], enableUpdateCatalog=True,
                    updateBehavior="UPDATE_IN_DATABASE", partitionKeys=["date"])
sink.setFormat("glueparquet")
sink.setCatalogInfo(catalogDatabase=args["database"], catalogTableName="clean_orders")
sink.writeFrame(DynamicFrame.fromDF(orders, glue, "orders"))
dropped = sales.count() - orders.count()
counts = {"clean_orders": str(orders.count()), "dropped_rows": str(dropped)}
glue_api.put_workflow_run_properties(**run, RunProperties=counts)
print(f"{orders.count()} clean orders, {dropped} rows dropped")
job.commit()
