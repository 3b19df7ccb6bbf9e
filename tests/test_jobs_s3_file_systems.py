"""The local S3's Hadoop file systems on the warm Spark driver: one cached file system per bucket, and a deleted
bucket's dropped with its mount.

Uncached, every path Spark resolved made a new view file system whose inner one Hadoop kept in its cache for
good, with a copy of the whole Configuration: a streaming query over ~2,400 small files ran a 1 GB driver heap
out of memory (CI, 2026-12-01).
"""

from __future__ import annotations

from support import run_to_end, spark_job

FILES = 200
CACHE_SIZE = """
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.getOrCreate()
    jvm = spark.sparkContext._jvm

    def cached_file_systems():
        field = jvm.java.lang.Class.forName("org.apache.hadoop.fs.FileSystem").getDeclaredField("CACHE")
        field.setAccessible(True)
        cache = field.get(None)
        entries = jvm.java.lang.Class.forName("org.apache.hadoop.fs.FileSystem$Cache").getDeclaredField("map")
        entries.setAccessible(True)
        return entries.get(cache).size()

    spark.read.json("s3://many/in/").count()
    before = cached_file_systems()
    for _ in range(3):
        assert spark.read.json("s3://many/in/").count() == {files}
    print("cached file systems grew by", cached_file_systems() - before)
"""


def test_reading_many_files_again_makes_no_new_file_systems(glue_emulator):
    s3, glue = glue_emulator.s3, glue_emulator.glue
    s3.create_bucket(Bucket="many")
    for n in range(FILES):
        s3.put_object(Bucket="many", Key=f"in/{n}.json", Body=b'{"id": %d}' % n)
    spark_job(glue, s3, "many-files", CACHE_SIZE.format(files=FILES))
    run = run_to_end(glue, "many-files")
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    events = glue_emulator.client("logs").get_log_events(
        logGroupName="/aws-glue/jobs/output", logStreamName=run["Id"], startFromHead=True)["events"]
    assert "cached file systems grew by 0" in [e["message"] for e in events]


def test_a_deleted_bucket_is_not_written_through_a_file_system_made_while_it_existed(glue_emulator):
    s3, glue = glue_emulator.s3, glue_emulator.glue
    s3.create_bucket(Bucket="gone")
    write = """
        from pyspark.sql import SparkSession
        SparkSession.builder.getOrCreate().range(2).write.mode("overwrite").json("s3://gone/{folder}/")
    """
    spark_job(glue, s3, "write-first", write.format(folder="first"))
    first = run_to_end(glue, "write-first")
    assert first["JobRunState"] == "SUCCEEDED", first.get("ErrorMessage")
    objects = s3.list_objects_v2(Bucket="gone")["Contents"]
    s3.delete_objects(Bucket="gone", Delete={"Objects": [{"Key": o["Key"]} for o in objects]})
    s3.delete_bucket(Bucket="gone")

    spark_job(glue, s3, "write-again", write.format(folder="again"))
    again = run_to_end(glue, "write-again")
    assert again["JobRunState"] == "FAILED"
    assert "gone" in again["ErrorMessage"]
    assert "gone" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert not (glue_emulator.server.data_dir / "s3" / "gone").exists()
