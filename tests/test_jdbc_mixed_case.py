"""A crawled PostgreSQL table whose name needs quoting ("Orders", created as a quoted identifier) read and written
with from_catalog in a glueetl job on a live server, bookmarks included (they look its primary key up): the name
the crawler records in the table's Location is the database's own, so the job quotes it rather than letting
PostgreSQL fold it to orders."""

from __future__ import annotations

from typing import Any

from jdbc_postgres import Postgres
from support import ROLE, run_to_end, spark_job, wait_until

SCRIPT = """
import sys
from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME"])
glue_context = GlueContext(SparkContext.getOrCreate())
job = Job(glue_context)
job.init(args["JOB_NAME"], args)
orders = glue_context.create_dynamic_frame.from_catalog(database="crm", table_name=sys.argv[sys.argv.index("--table") + 1],
                                                        transformation_ctx="orders")
ids = sorted(row["Id"] if "Id" in row else row["id"] for row in orders.toDF().collect())
assert ids == [1, 2], ids
more = glue_context.spark_session.createDataFrame([(3, "late")], "Id int, Note string")
glue_context.write_dynamic_frame.from_catalog(DynamicFrame.fromDF(more, glue_context, "more"), database="crm",
                                              table_name=sys.argv[sys.argv.index("--table") + 1])
job.commit()
"""


def test_from_catalog_reads_and_writes_a_crawled_mixed_case_table(glue_emulator: Any, postgres: Postgres) -> None:
    postgres.create_database("crm")
    postgres.execute("crm", 'CREATE TABLE public."Orders" ("Id" int4 PRIMARY KEY, "Note" text)',
                     """INSERT INTO public."Orders" VALUES (1, 'first'), (2, 'second')""",
                     "CREATE TABLE public.orders (id int4 PRIMARY KEY, note text)",  # what folding would read
                     "INSERT INTO public.orders VALUES (9, 'wrong table')")
    glue = glue_emulator.glue
    glue.create_connection(ConnectionInput={"Name": "crm", "ConnectionType": "JDBC", "ConnectionProperties": {
        "JDBC_CONNECTION_URL": postgres.url("crm"), "USERNAME": postgres.user, "PASSWORD": postgres.password}})
    glue.create_database(DatabaseInput={"Name": "crm"})
    glue.create_crawler(Name="crm", Role=ROLE, DatabaseName="crm",
                        Targets={"JdbcTargets": [{"ConnectionName": "crm", "Path": "crm/public/Orders"}]})
    glue.start_crawler(Name="crm")
    wait_until(lambda: glue.get_crawler(Name="crm")["Crawler"], "the crawl",
               until=lambda c: c["State"] == "READY" and "LastCrawl" in c, timeout=60)
    tables = glue.get_tables(DatabaseName="crm")["TableList"]
    assert [t["StorageDescriptor"]["Location"] for t in tables] == ["crm.public.Orders"]

    spark_job(glue, glue_emulator.s3, "mixed-case", SCRIPT,
              DefaultArguments={"--table": tables[0]["Name"], "--job-bookmark-option": "job-bookmark-enable"})
    run = run_to_end(glue, "mixed-case", timeout=400)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    with postgres.connect("crm") as session:
        cursor = session.cursor()
        cursor.execute('SELECT "Id" FROM public."Orders" ORDER BY 1')
        assert [row[0] for row in cursor.fetchall()] == [1, 2, 3]
        cursor.execute("SELECT count(*) FROM public.orders")
        assert cursor.fetchall()[0][0] == 1
