"""`--extra-jars` of glueetl runs (StartJobRun on a live server): the jars, S3 paths separated by commas, are on the
driver's classpath (a class called through py4j) and the executors' (a Java UDF in a Spark task), as AWS's job
parameters reference says; a later run without them does not see their classes; a missing jar fails the run.
The jar is built here with the JDK's javac and jar."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from support import FAST_ENV, run_to_end, spark_job

SERVER_ENV = FAST_ENV
GREETER = """package demo;
public class Greeter implements org.apache.spark.sql.api.java.UDF1<String, String> {
    public static String greet(String name) { return "hello " + name; }
    public String call(String name) { return greet(name); }
}
"""
SHOUTER = """package demo;
public class Shouter { public static String shout(String text) { return text.toUpperCase() + "!"; } }
"""
SCRIPT = """
import boto3
from awsglue.context import GlueContext
from pyspark.context import SparkContext

glue_context = GlueContext(SparkContext.getOrCreate())
spark = glue_context.spark_session
driver_side = spark._jvm.demo.Shouter.shout(spark._jvm.demo.Greeter.greet("driver"))
spark.udf.registerJavaFunction("greet", "demo.Greeter")
executor_side = [row[0] for row in spark.range(2).selectExpr("greet(cast(id as string))").orderBy("id").collect()]
boto3.client("s3").put_object(Bucket="jars-lake", Key="out.txt", Body=",".join([driver_side, *executor_side]))
"""
LOOKS = """
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
try:
    spark._jvm.java.lang.Class.forName("demo.Greeter", True, spark._jvm.Thread.currentThread().getContextClassLoader())
except Exception as exc:
    print("not found", type(exc).__name__)
else:
    raise SystemExit("demo.Greeter is still loaded from an earlier run's --extra-jars")
"""


def _jar(folder: Path, name: str, source: str, classname: str) -> bytes:
    import pyspark

    jars = Path(pyspark.__file__).parent / "jars"
    (folder / "src" / "demo").mkdir(parents=True, exist_ok=True)
    java = folder / "src" / "demo" / f"{classname}.java"
    java.write_text(source)
    classes = folder / f"classes-{name}"
    subprocess.run(["javac", "-cp", f"{jars}/*", "-d", str(classes), str(java)], check=True)
    subprocess.run(["jar", "cf", str(folder / name), "-C", str(classes), "."], check=True)
    return (folder / name).read_bytes()


@pytest.mark.skipif(shutil.which("javac") is None or shutil.which("jar") is None, reason="needs the JDK")
def test_extra_jars_are_on_the_driver_and_executor_classpath_of_that_run_only(glue: Any, server: Any,
                                                                             tmp_path: Path) -> None:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="jars-lake")
    s3.put_object(Bucket="jars-lake", Key="lib/greeter.jar", Body=_jar(tmp_path, "greeter.jar", GREETER, "Greeter"))
    s3.put_object(Bucket="jars-lake", Key="lib/shouter.jar", Body=_jar(tmp_path, "shouter.jar", SHOUTER, "Shouter"))
    spark_job(glue, s3, "with-jars", SCRIPT,
              DefaultArguments={"--extra-jars": "s3://jars-lake/lib/greeter.jar, s3://jars-lake/lib/shouter.jar"})
    run = run_to_end(glue, "with-jars", timeout=300)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    body = s3.get_object(Bucket="jars-lake", Key="out.txt")["Body"].read().decode()
    assert body == "HELLO DRIVER!,hello 0,hello 1"

    spark_job(glue, s3, "without-jars", LOOKS)
    later = run_to_end(glue, "without-jars", timeout=300)
    assert later["JobRunState"] == "SUCCEEDED", later.get("ErrorMessage")

    missing = run_to_end(glue, "with-jars", Arguments={"--extra-jars": "s3://jars-lake/lib/absent.jar"})
    assert missing["JobRunState"] == "FAILED"
    assert "--extra-jars entry s3://jars-lake/lib/absent.jar does not exist" in missing["ErrorMessage"]
