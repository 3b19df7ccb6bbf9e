# A hand-written job: a crawled catalog table joined with new JSON orders (bookmarked), cleaned and
# written as partitioned JSON.
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.transforms import DropNullFields, Filter, Join, ResolveChoice
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "database", "output"])
glueContext = GlueContext(SparkContext.getOrCreate())
logger = glueContext.get_logger()
job = Job(glueContext)
job.init(args["JOB_NAME"], args)

# No transformation_ctx: a bookmarked dimension table would be empty on the next run.
customers = glueContext.create_dynamic_frame.from_catalog(database=args["database"], table_name="customers")
orders = glueContext.create_dynamic_frame.from_options(
    connection_type="s3", connection_options={"paths": ["s3://shop/events/"]}, format="json",
    transformation_ctx="orders")
logger.info(f"new orders: {orders.count()}")
orders = ResolveChoice.apply(orders, specs=[("qty", "cast:int")])
joined = Join.apply(orders, customers, "customer", "id").drop_fields(["id"])
big = Filter.apply(frame=joined, f=lambda row: row["qty"] >= 2)
clean = DropNullFields.apply(frame=big)
glueContext.write_dynamic_frame.from_options(
    frame=clean, connection_type="s3", format="json",
    connection_options={"path": args["output"], "partitionKeys": ["city"]})
report(orders=orders.count(), written=sorted([r["customer"], r["qty"], r["city"]] for r in clean.toDF().collect()),
       fields=sorted(f.name for f in clean.schema()))
job.commit()
