"""awsglueml in a job run: Glue Studio's "Detect Sensitive Data" script (the masking form the Glue immersion
workshop publishes, lab 5) run as a glueetl job, with a custom entity type of the catalog beside managed types."""

from __future__ import annotations

import json
from typing import Any

from support import FAST_ENV, run_to_end, spark_job

SERVER_ENV = FAST_ENV

# As Glue Studio generates it for a "Detect Sensitive Data" node (detect PII in each cell, mask with XXXXXXX), reading
# CSV from S3 and writing JSON; only the node ids and paths are ours.
STUDIO_SCRIPT = '''
import sys
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglueml.transforms import EntityDetector
from pyspark.sql.types import StringType
from awsglue.dynamicframe import DynamicFrame
from pyspark.sql.functions import *

args = getResolvedOptions(sys.argv, ["JOB_NAME"])
sc = SparkContext()
glueContext = GlueContext(sc)
spark = glueContext.spark_session
job = Job(glueContext)
job.init(args["JOB_NAME"], args)

# Script generated for node pii-source-data
piisourcedata_node1 = glueContext.create_dynamic_frame.from_options(
    format_options={"quoteChar": '"', "withHeader": True, "separator": ","},
    connection_type="s3",
    format="csv",
    connection_options={"paths": ["s3://pii-lake/input/"], "recurse": True},
    transformation_ctx="piisourcedata_node1",
)

# Script generated for node Detect Sensitive Data
entity_detector = EntityDetector()
detected_df = entity_detector.detect(
    piisourcedata_node1,
    ["CREDIT_CARD", "EMAIL", "USA_SSN", "EMPLOYEE_ID"],
    "DetectedEntities",
)


def replace_cell(original_cell_value, sorted_reverse_start_end_tuples):
    if sorted_reverse_start_end_tuples:
        for entity in sorted_reverse_start_end_tuples:
            to_mask_value = original_cell_value[entity[0] : entity[1]]
            original_cell_value = original_cell_value.replace(to_mask_value, "XXXXXXX")
    return original_cell_value


def row_pii(column_name, original_cell_value, detected_entities):
    if column_name in detected_entities.keys():
        entities = detected_entities[column_name]
        start_end_tuples = map(lambda entity: (entity["start"], entity["end"]), entities)
        sorted_reverse_start_end_tuples = sorted(start_end_tuples, key=lambda start_end: start_end[1], reverse=True)
        return replace_cell(original_cell_value, sorted_reverse_start_end_tuples)
    return original_cell_value


row_pii_udf = udf(row_pii, StringType())


def recur(df, remaining_keys):
    if len(remaining_keys) == 0:
        return df
    else:
        head = remaining_keys[0]
        tail = remaining_keys[1:]
        modified_df = df.withColumn(head, row_pii_udf(lit(head), head, "DetectedEntities"))
        return recur(modified_df, tail)


keys = piisourcedata_node1.toDF().columns
updated_masked_df = recur(detected_df.toDF(), keys)
updated_masked_df = updated_masked_df.drop("DetectedEntities")

DetectSensitiveData_node2 = DynamicFrame.fromDF(updated_masked_df, glueContext, "updated_masked_df")

glueContext.write_dynamic_frame.from_options(
    frame=DetectSensitiveData_node2, connection_type="s3", format="json",
    connection_options={"path": "s3://pii-lake/redacted/"}, transformation_ctx="redacted_node3")
job.commit()
'''


def test_a_studio_detect_sensitive_data_job_masks_managed_and_custom_entities(glue: Any, server: Any) -> None:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="pii-lake")
    s3.put_object(Bucket="pii-lake", Key="input/people.csv", Body=(
        b"name,contact,card,ref\n"
        b"ann,ann@example.com,4111 1111 1111 1111,employee EMP-123456\n"
        b"bob,ssn 123-45-6789,none,badge 7\n"))
    glue.create_custom_entity_type(Name="EMPLOYEE_ID", RegexString=r"EMP-\d{6}", ContextWords=["employee"])
    spark_job(glue, s3, "pii", STUDIO_SCRIPT)
    run = run_to_end(glue, "pii", timeout=300)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    rows = []
    for item in s3.list_objects_v2(Bucket="pii-lake", Prefix="redacted/")["Contents"]:
        body = s3.get_object(Bucket="pii-lake", Key=item["Key"])["Body"].read().decode()
        rows += [json.loads(line) for line in body.splitlines() if line.strip()]
    by_name = {row["name"]: row for row in rows}
    assert by_name["ann"] == {"name": "ann", "contact": "XXXXXXX", "card": "XXXXXXX", "ref": "employee XXXXXXX"}
    assert by_name["bob"] == {"name": "bob", "contact": "ssn XXXXXXX", "card": "none", "ref": "badge 7"}
