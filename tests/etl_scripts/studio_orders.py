# Shaped like a Glue Studio generated script: S3 CSV source, Change Schema, SQL Query, catalog target.
import sys

from awsglue import DynamicFrame
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext


def sparkSqlQuery(glueContext, query, mapping, transformation_ctx) -> DynamicFrame:
    for alias, frame in mapping.items():
        frame.toDF().createOrReplaceTempView(alias)
    result = spark.sql(query)
    return DynamicFrame.fromDF(result, glueContext, transformation_ctx)


args = getResolvedOptions(sys.argv, ["JOB_NAME"])
sc = SparkContext()
glueContext = GlueContext(sc)
spark = glueContext.spark_session
job = Job(glueContext)
job.init(args["JOB_NAME"], args)

# Script generated for node Amazon S3
AmazonS3_node1 = glueContext.create_dynamic_frame.from_options(
    format_options={"quoteChar": '"', "withHeader": True, "separator": ","},
    connection_type="s3",
    format="csv",
    connection_options={"paths": ["s3://shop/orders/"], "recurse": True},
    transformation_ctx="AmazonS3_node1",
)

# Script generated for node Change Schema
ChangeSchema_node2 = ApplyMapping.apply(
    frame=AmazonS3_node1,
    mappings=[
        ("order_id", "string", "order_id", "long"),
        ("country", "string", "country", "string"),
        ("amount", "string", "amount", "double"),
    ],
    transformation_ctx="ChangeSchema_node2",
)

# Script generated for node SQL Query
SqlQuery0 = """
select country, count(*) as orders, round(sum(amount), 2) as revenue from myDataSource
where amount is not null group by country
"""
SQLQuery_node3 = sparkSqlQuery(
    glueContext,
    query=SqlQuery0,
    mapping={"myDataSource": ChangeSchema_node2},
    transformation_ctx="SQLQuery_node3",
)

# Script generated for node AWS Glue Data Catalog
AWSGlueDataCatalog_node4 = glueContext.getSink(
    path="s3://shop/revenue/",
    connection_type="s3",
    updateBehavior="UPDATE_IN_DATABASE",
    partitionKeys=["country"],
    enableUpdateCatalog=True,
    transformation_ctx="AWSGlueDataCatalog_node4",
)
AWSGlueDataCatalog_node4.setCatalogInfo(catalogDatabase="analytics", catalogTableName="revenue")
AWSGlueDataCatalog_node4.setFormat("glueparquet", compression="snappy")
AWSGlueDataCatalog_node4.writeFrame(SQLQuery_node3)
report(read=AmazonS3_node1.count(), schema=[(f.name, f.dataType.typeName()) for f in ChangeSchema_node2.schema()])
job.commit()
