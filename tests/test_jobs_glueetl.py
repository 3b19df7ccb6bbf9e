"""glueetl jobs through the API, end to end on the session server's warm Spark pool.

The first run waits for the pool to warm up (a JVM and a SparkSession per worker); the pool then
stays warm for every later glueetl test using the `glue_emulator` fixture.
"""

from __future__ import annotations

# ROLE is imported from here by test_awsglue_published_scripts.py (awsglue branch); support.py is its home.
from support import ROLE, run_to_end, spark_job  # noqa: F401


def test_csv_to_parquet_through_s3_paths(glue_emulator):
    s3, glue = glue_emulator.s3, glue_emulator.glue
    s3.create_bucket(Bucket="data")
    s3.put_object(Bucket="data", Key="in/people.csv", Body=b"name,age\nana,31\nbo,42\ncy,27\n")
    code = """
        import sys
        from awsglue.utils import getResolvedOptions
        from pyspark.sql import SparkSession

        args = getResolvedOptions(sys.argv, ["JOB_NAME", "source", "target"])
        spark = SparkSession.builder.getOrCreate()
        people = spark.read.csv(args["source"], header=True, inferSchema=True)
        people.write.mode("overwrite").parquet(args["target"])
        print("rows", spark.read.parquet(args["target"]).count(), "job", args["JOB_NAME"])
    """
    spark_job(glue_emulator.glue, glue_emulator.s3, "csv2parquet", code, DefaultArguments={"--source": "s3://data/in/"})
    run = run_to_end(glue, "csv2parquet", Arguments={"--target": "s3a://data/out/"})
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert (run["LogGroupName"], run["GlueVersion"], run["MaxCapacity"]) == ("/aws-glue/jobs", "5.1", 10.0)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="data", Prefix="out/")["Contents"]]
    assert any(k.endswith(".parquet") for k in keys) and "out/_SUCCESS" in keys
    assert not any(k.endswith(".crc") for k in keys)
    events = glue_emulator.client("logs").get_log_events(
        logGroupName="/aws-glue/jobs/output", logStreamName=run["Id"], startFromHead=True
    )["events"]
    assert "rows 3 job csv2parquet" in [e["message"] for e in events]


def test_a_failing_spark_script_fails_the_run_with_its_exception(glue_emulator):
    code = """
        from pyspark.sql import SparkSession
        spark = SparkSession.builder.getOrCreate()
        spark.range(3).count()
        1 / 0
    """
    spark_job(glue_emulator.glue, glue_emulator.s3, "sparkboom", code)
    run = run_to_end(glue_emulator.glue, "sparkboom")
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"] == "ZeroDivisionError: division by zero"
