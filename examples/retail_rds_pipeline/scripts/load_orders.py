"""Join the day's orders (crawled from S3) with the customers (crawled from the RDS database), then load the
result into the lake (Parquet in S3) and the warehouse (Redshift, through a catalog connection)."""

import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.transforms import Join
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "database", "customers_table", "lake_path", "warehouse_connection",
                                     "temp_dir"])
glueContext = GlueContext(SparkContext.getOrCreate())
job = Job(glueContext)
job.init(args["JOB_NAME"], args)

orders = glueContext.create_dynamic_frame.from_catalog(database=args["database"], table_name="orders",
                                                       transformation_ctx="orders")
customers = glueContext.create_dynamic_frame.from_catalog(database=args["database"],
                                                          table_name=args["customers_table"])
customers = customers.rename_field("customer_id", "cust_id")
enriched = Join.apply(orders, customers, "customer_id", "cust_id").drop_fields(["cust_id", "credit_limit"])

glueContext.write_dynamic_frame.from_options(frame=enriched, connection_type="s3", format="parquet",
                                             connection_options={"path": args["lake_path"],
                                                                 "partitionKeys": ["country"]})
glueContext.write_dynamic_frame.from_jdbc_conf(frame=enriched, catalog_connection=args["warehouse_connection"],
                                               connection_options={"dbtable": "analytics.orders_by_customer",
                                                                   "preactions": "DROP TABLE IF EXISTS "
                                                                                 "analytics.orders_by_customer"},
                                               redshift_tmp_dir=args["temp_dir"])
print("loaded", enriched.count(), "orders")
job.commit()
