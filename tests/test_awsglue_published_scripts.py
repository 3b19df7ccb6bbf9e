"""Published Glue job scripts, run unchanged as glueetl jobs on small data, give what their authors got on
AWS (issue #12); and the job-run cases of that issue: sink file names, a missing bucket, each run's account.

The scripts (tests/etl_scripts/published_*.py, byte for byte as published; Glue Studio generated):
- published_stedi_customer_filter.py: snsd2912/udacity_stedi landing_to_trusted/customer_landing_to_trusted.py
  (commit 0c3180c7): a Filter node on sparse JSON.
- published_stedi_step_trainer_join.py: johnvullo96/aws-health-data-project
  Glue_Jobs/step_trainer_landing_to_trusted.py (commit 36b16e90): Join of two catalog tables sharing
  `serialnumber`, DropFields of "`.serialnumber`", a glueparquet sink that creates its catalog table.
- published_stedi_sql_select_star_join.py: a STEDI project script from the code index (file id 40928910125;
  the index does not name its repository): a SQL Query node `select * ... join ...` on two JSON sources.
"""

from __future__ import annotations

import io
import json
import textwrap

import pyarrow.parquet as pq
from etl_scripts.harness import REPORT_HELPER, create_job, script
from support import ROLE, run_to_end


def succeed(glue_emulator, name: str) -> None:
    """Run a job (published scripts report nothing) and require it to succeed."""
    job_run = run_to_end(glue_emulator.glue, name)
    assert job_run["JobRunState"] == "SUCCEEDED", job_run.get("ErrorMessage")


def lines(*records: dict) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def outputs(s3, bucket: str, prefix: str) -> dict[str, bytes]:
    listing = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return {o["Key"][len(prefix):]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listing}


def json_records(files: dict[str, bytes]) -> list[dict]:
    return sorted((json.loads(line) for body in files.values() for line in body.decode().splitlines()),
                  key=lambda r: json.dumps(r, sort_keys=True))


CUSTOMERS = [
    {"customerName": "Ann", "email": "ann@x.org", "serialNumber": "s1", "shareWithResearchAsOfDate": 1655564376361},
    {"customerName": "Bob", "email": "bob@x.org", "serialNumber": "s2"},  # never answered: no such field
    {"customerName": "Cy", "email": "cy@x.org", "serialNumber": "s3", "shareWithResearchAsOfDate": 0},
]
STEPS = [
    {"sensorReadingTime": 1655564444103, "serialNumber": "s1", "distanceFromObject": 218},
    {"sensorReadingTime": 1655564444200, "serialNumber": "s1", "distanceFromObject": 230},
    {"sensorReadingTime": 1655564444300, "serialNumber": "s9", "distanceFromObject": 199},  # no customer
]


def test_studio_filter_on_sparse_json_keeps_only_records_that_have_the_field(glue_emulator):
    s3 = glue_emulator.s3
    s3.create_bucket(Bucket="stedi-sanglv")
    s3.put_object(Bucket="stedi-sanglv", Key="customer/landing/customer-1.json", Body=lines(*CUSTOMERS))
    create_job(glue_emulator, "customer-landing-to-trusted", script("published_stedi_customer_filter.py"))
    succeed(glue_emulator, "customer-landing-to-trusted")
    files = outputs(s3, "stedi-sanglv", "customer/trusted/")
    assert files and all(name.startswith("run-AmazonS3_node1715843778276-1-part-r-") for name in files)
    assert json_records(files) == [CUSTOMERS[0]]  # AWS keeps only Ann: Bob's record raises KeyError


def test_studio_join_of_catalog_tables_sharing_a_key_drops_the_dot_field(glue_emulator):
    s3, glue = glue_emulator.s3, glue_emulator.glue
    s3.create_bucket(Bucket="jv-stedi-project")
    s3.put_object(Bucket="jv-stedi-project", Key="customer/curated/c.json", Body=lines(CUSTOMERS[0]))
    s3.put_object(Bucket="jv-stedi-project", Key="step_trainer/landing/s.json", Body=lines(*STEPS))
    glue.create_database(DatabaseInput={"Name": "stedi-project"})
    for name, folder, columns in (
            ("customer_curated", "customer/curated/", ["customername", "email", "serialnumber",
                                                       "sharewithresearchasofdate"]),
            ("step_trainer_landing", "step_trainer/landing/", ["sensorreadingtime", "serialnumber",
                                                               "distancefromobject"])):
        glue.create_table(DatabaseName="stedi-project", TableInput={
            "Name": name, "Parameters": {"classification": "json"},
            "StorageDescriptor": {
                "Location": f"s3://jv-stedi-project/{folder}",
                "Columns": [{"Name": c, "Type": "bigint" if c.endswith(("time", "date", "object")) else "string"}
                            for c in columns],
                "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}}})
    create_job(glue_emulator, "step-trainer-landing-to-trusted", script("published_stedi_step_trainer_join.py"))
    succeed(glue_emulator, "step-trainer-landing-to-trusted")
    files = outputs(s3, "jv-stedi-project", "step-trainer/trusted/")
    assert list(files) == ["run-AmazonS3_node1711226863218-1-part-block-0-r-00000-snappy.parquet"]
    table = pq.read_table(io.BytesIO(next(iter(files.values()))))
    assert table.column_names == ["sensorreadingtime", "serialnumber", "distancefromobject"]
    assert sorted(table.to_pylist(), key=lambda r: r["sensorreadingtime"]) == [
        {"sensorreadingtime": 1655564444103, "serialnumber": "s1", "distancefromobject": 218},
        {"sensorreadingtime": 1655564444200, "serialnumber": "s1", "distancefromobject": 230}]
    created = glue.get_table(DatabaseName="stedi-project", Name="step_trainer_trusted")["Table"]
    assert [c["Name"] for c in created["StorageDescriptor"]["Columns"]] == table.column_names


def test_studio_sql_select_star_join_writes_one_column_per_name(glue_emulator):
    s3 = glue_emulator.s3
    s3.create_bucket(Bucket="stedi-step-trainer-data")
    s3.put_object(Bucket="stedi-step-trainer-data", Key="customer/trusted/c.json", Body=lines(CUSTOMERS[0]))
    s3.put_object(Bucket="stedi-step-trainer-data", Key="step_trainer/landing/s.json", Body=lines(*STEPS))
    create_job(glue_emulator, "step-trainer-sql", script("published_stedi_sql_select_star_join.py"))
    succeed(glue_emulator, "step-trainer-sql")
    files = outputs(s3, "stedi-step-trainer-data", "step_trainer/trusted/")
    assert files and all(name.startswith("run-AmazonS3_node1720873688758-1-part-r-") for name in files)
    assert json_records(files) == sorted(({**step, **CUSTOMERS[0]} for step in STEPS[:2]),
                                         key=lambda r: json.dumps(r, sort_keys=True))


def test_a_job_writing_to_a_missing_bucket_fails_naming_the_bucket(glue_emulator):
    create_job(glue_emulator, "no-bucket", """
        from awsglue.context import GlueContext
        from awsglue.dynamicframe import DynamicFrame
        from pyspark.context import SparkContext
        glue = GlueContext(SparkContext.getOrCreate())
        frame = DynamicFrame.fromDF(glue.spark_session.range(3), glue, "ids")
        glue.write_dynamic_frame.from_options(frame=frame, connection_type="s3", format="json",
                                              connection_options={"path": "s3://no-such-bucket-here/out/"})
    """)
    job_run = run_to_end(glue_emulator.glue, "no-bucket")
    assert job_run["JobRunState"] == "FAILED"
    assert "NoSuchBucket" in job_run["ErrorMessage"] and "no-such-bucket-here" in job_run["ErrorMessage"]


WHO_AM_I = REPORT_HELPER + textwrap.dedent("""
    import sys
    import boto3
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext
    args = getResolvedOptions(sys.argv, ["JOB_NAME"])
    job = Job(GlueContext(SparkContext.getOrCreate()))
    job.init(args["JOB_NAME"], args)
    glue = boto3.client("glue")
    report(job=glue.get_job(JobName=args["JOB_NAME"])["Job"]["Name"], region=glue.meta.region_name,
           key=boto3.Session().get_credentials().access_key)
    job.commit()
""")


SHELL_WHO_AM_I = REPORT_HELPER + textwrap.dedent("""
    import sys
    import boto3
    from awsglue.utils import getResolvedOptions
    args = getResolvedOptions(sys.argv, ["JOB_NAME"])
    glue = boto3.client("glue")
    report(job=glue.get_job(JobName=args["JOB_NAME"])["Job"]["Name"], region=glue.meta.region_name,
           key=boto3.Session().get_credentials().access_key)
""")


def _buckets(s3) -> None:
    for bucket in ("scripts", "reports"):
        if bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
            s3.create_bucket(Bucket=bucket)


def test_each_pythonshell_run_acts_as_its_own_account(glue_emulator):
    s3 = glue_emulator.s3
    _buckets(s3)
    s3.put_object(Bucket="scripts", Key="shell-who.py", Body=SHELL_WHO_AM_I.encode())
    for account, region in (("333333333333", "us-east-1"), ("444444444444", "ap-south-1")):
        glue = glue_emulator.server.client("glue", region, access_key=account)
        name = f"shell-who-{account[:3]}"
        glue.create_job(Name=name, Role=ROLE, Command={"Name": "pythonshell", "PythonVersion": "3.9",
                                                      "ScriptLocation": "s3://scripts/shell-who.py"})
        job_run = run_to_end(glue, name)
        assert job_run["JobRunState"] == "SUCCEEDED", job_run.get("ErrorMessage")
        body = s3.get_object(Bucket="reports", Key=job_run["Id"])["Body"].read()
        assert json.loads(body) == {"job": name, "region": region, "key": account}


def test_each_glueetl_run_acts_as_its_own_account_on_a_warm_worker(glue_emulator):
    s3 = glue_emulator.s3
    _buckets(s3)
    s3.put_object(Bucket="scripts", Key="who.py", Body=WHO_AM_I.encode())
    # Runs go to the first idle warm worker: the second run reuses the first one's driver process.
    for account, region in (("111111111111", "us-east-1"), ("222222222222", "eu-west-1")):
        glue = glue_emulator.server.client("glue", region, access_key=account)
        name = f"who-{account[:3]}"
        glue.create_job(Name=name, Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": "s3://scripts/who.py"},
                        DefaultArguments={"--job-bookmark-option": "job-bookmark-enable"})
        job_run = run_to_end(glue, name)
        assert job_run["JobRunState"] == "SUCCEEDED", job_run.get("ErrorMessage")
        body = s3.get_object(Bucket="reports", Key=job_run["Id"])["Body"].read()
        assert json.loads(body) == {"job": name, "region": region, "key": account}
        assert glue.get_job_bookmark(JobName=name)["JobBookmarkEntry"]["RunId"] == job_run["Id"]
