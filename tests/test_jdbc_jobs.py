"""glueetl jobs reading and writing a real PostgreSQL through awsglue's JDBC APIs (emulator/runtime/awsglue/_jdbc.py):
from_options (postgresql, redshift), hash-partitioned and sample reads, catalog connections with secrets,
from_catalog on crawled JDBC tables, from_jdbc_conf, bookmarks across runs, and a run that cannot log in."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jdbc_postgres import Postgres
from support import ROLE, run_to_end, spark_job, wait_until

PREAMBLE = """
    import sys
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    args = getResolvedOptions(sys.argv, ["JOB_NAME", "url", "user", "password"])
    glueContext = GlueContext(SparkContext.getOrCreate())
    job = Job(glueContext)
    job.init(args["JOB_NAME"], args)
    login = {"url": args["url"], "user": args["user"], "password": args["password"]}
"""


@pytest.fixture
def shop(postgres: Postgres) -> Postgres:
    postgres.create_database("shop")
    postgres.execute(
        "shop", "CREATE SCHEMA sales",
        "CREATE TABLE sales.customers (id int4 PRIMARY KEY, name text, balance numeric(10,2))",
        "INSERT INTO sales.customers VALUES (1, 'ana', 10.50), (2, 'bo', 200.00), (3, 'cy', 30.25)",
        "CREATE TABLE sales.orders (order_id int4 PRIMARY KEY, customer_id int4, amount numeric(12,2))",
        "INSERT INTO sales.orders VALUES (100, 1, 5.00)")
    return postgres


def _arguments(pg: Postgres, password: str | None = None) -> dict[str, str]:
    return {"--url": pg.url("shop"), "--user": pg.user, "--password": password or pg.password}


def _rows(pg: Postgres, sql: str) -> list[tuple]:
    with pg.connect("shop") as session:
        cursor = session.cursor()
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


def _setup_catalog(glue_emulator: Any, pg: Postgres) -> None:
    """A connection whose login is a secret, and the crawl of the shop's sales schema into database rds."""
    glue = glue_emulator.glue
    glue_emulator.client("secretsmanager").create_secret(Name="shop-login", SecretString=json.dumps(
        {"username": pg.user, "password": pg.password}))
    glue.create_connection(ConnectionInput={"Name": "rds", "ConnectionType": "JDBC", "ConnectionProperties": {
        "JDBC_CONNECTION_URL": pg.url("shop"), "SECRET_ID": "shop-login"}})
    glue.create_database(DatabaseInput={"Name": "rds"})
    glue.create_crawler(Name="rds", Role=ROLE, DatabaseName="rds",
                        Targets={"JdbcTargets": [{"ConnectionName": "rds", "Path": "shop/sales/%"}]})
    glue.start_crawler(Name="rds")
    wait_until(lambda: glue.get_crawler(Name="rds")["Crawler"], "the crawl",
               until=lambda c: c["State"] == "READY" and "LastCrawl" in c, timeout=60)


def test_reads_and_writes_through_every_api(glue_emulator, shop: Postgres):
    _setup_catalog(glue_emulator, shop)
    code = PREAMBLE + """
    from awsglue.dynamicframe import DynamicFrame

    plain = glueContext.create_dynamic_frame.from_options("postgresql", {**login, "dbtable": "sales.customers"})
    assert plain.count() == 3, plain.count()
    hashed = glueContext.create_dynamic_frame.from_options("postgresql", {
        **login, "dbtable": "sales.customers", "hashfield": "name", "hashpartitions": "3"})
    assert hashed.toDF().rdd.getNumPartitions() == 3 and hashed.count() == 3
    by_expression = glueContext.create_dynamic_frame.from_options("postgresql", {
        **login, "dbtable": "sales.customers", "hashexpression": "id", "hashpartitions": "2"})
    assert by_expression.toDF().rdd.getNumPartitions() == 2 and by_expression.count() == 3
    sample = glueContext.create_dynamic_frame.from_options("postgresql", {
        **login, "sampleQuery": "SELECT id FROM sales.customers WHERE balance > 20"})
    assert sorted(r.id for r in sample.toDF().collect()) == [2, 3]
    named = glueContext.create_dynamic_frame.from_options("postgresql", {
        "connectionName": "rds", "useConnectionProperties": "true", "dbtable": "sales.orders"})
    assert named.count() == 1
    crawled = glueContext.create_dynamic_frame.from_catalog(database="rds", table_name="shop_sales_customers")
    assert sorted(r.name for r in crawled.toDF().collect()) == ["ana", "bo", "cy"]
    assert str(crawled.toDF().schema["balance"].dataType) == "DecimalType(10,2)"

    rich = crawled.filter(lambda r: r["balance"] > 20)
    glueContext.write_dynamic_frame.from_jdbc_conf(rich, catalog_connection="rds",
                                                   connection_options={"dbtable": "sales.rich", "database": "shop"})
    new_orders = glueContext.spark_session.createDataFrame([(101, 2, 7.5)], "order_id int, customer_id int, amount double")
    glueContext.write_dynamic_frame.from_catalog(DynamicFrame.fromDF(new_orders, glueContext, "o"), database="rds",
                                                 table_name="shop_sales_orders")
    warehouse = {"url": args["url"].replace("jdbc:postgresql:", "jdbc:redshift:"), "user": args["user"],
                 "password": args["password"], "dbtable": "public.customer_balances", "redshiftTmpDir": "s3://tmp/rs/",
                 "preactions": "CREATE TABLE IF NOT EXISTS public.customer_balances (id int, balance numeric(10,2));"
                               "TRUNCATE public.customer_balances",
                 "postactions": "CREATE TABLE public.loaded AS SELECT count(*) AS n FROM public.customer_balances"}
    glueContext.write_dynamic_frame.from_options(crawled.select_fields(["id", "balance"]), connection_type="redshift",
                                                 connection_options=warehouse)
    job.commit()
    """
    spark_job(glue_emulator.glue, glue_emulator.s3, "jdbc-io", code, DefaultArguments=_arguments(shop))
    run = run_to_end(glue_emulator.glue, "jdbc-io", timeout=400)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert _rows(shop, "SELECT id, name FROM sales.rich ORDER BY id") == [(2, "bo"), (3, "cy")]
    assert _rows(shop, "SELECT order_id, customer_id FROM sales.orders ORDER BY 1") == [(100, 1), (101, 2)]
    assert len(_rows(shop, "SELECT * FROM public.customer_balances")) == 3
    assert _rows(shop, "SELECT n FROM public.loaded") == [(3,)]


def test_bookmarks_read_only_new_rows_on_the_next_run(glue_emulator, shop: Postgres):
    code = PREAMBLE + """
    keyed = glueContext.create_dynamic_frame.from_options("postgresql", {
        **login, "dbtable": "sales.customers", "jobBookmarkKeys": ["id"], "jobBookmarkKeysSortOrder": "asc"},
        transformation_ctx="keyed")
    by_primary_key = glueContext.create_dynamic_frame.from_options("postgresql", {
        **login, "dbtable": "sales.customers"}, transformation_ctx="by_primary_key")
    for frame, table in ((keyed, "sales.seen_keyed"), (by_primary_key, "sales.seen_pk")):
        glueContext.write_dynamic_frame.from_options(frame, "postgresql", {**login, "dbtable": table})
    job.commit()
    """
    spark_job(glue_emulator.glue, glue_emulator.s3, "jdbc-bookmarks", code,
              DefaultArguments={**_arguments(shop), "--job-bookmark-option": "job-bookmark-enable"})
    first = run_to_end(glue_emulator.glue, "jdbc-bookmarks", timeout=400)
    assert first["JobRunState"] == "SUCCEEDED", first.get("ErrorMessage")
    shop.execute("shop", "INSERT INTO sales.customers VALUES (4, 'di', 1), (5, 'ed', 2)")
    second = run_to_end(glue_emulator.glue, "jdbc-bookmarks", timeout=400)
    assert second["JobRunState"] == "SUCCEEDED", second.get("ErrorMessage")
    for table in ("sales.seen_keyed", "sales.seen_pk"):
        assert _rows(shop, f"SELECT id FROM {table} ORDER BY id") == [(1,), (2,), (3,), (4,), (5,)]
    state = json.loads(glue_emulator.glue.get_job_bookmark(JobName="jdbc-bookmarks")["JobBookmarkEntry"]
                       ["JobBookmark"])
    assert (state["keyed"]["keys"], state["keyed"]["values"]) == (["id"], [5])


def test_a_run_that_cannot_log_in_fails_with_the_databases_reason(glue_emulator, shop: Postgres):
    code = PREAMBLE + """
    glueContext.create_dynamic_frame.from_options("postgresql", {**login, "dbtable": "sales.customers"}).count()
    """
    spark_job(glue_emulator.glue, glue_emulator.s3, "jdbc-denied", code, DefaultArguments=_arguments(shop, "wrong"))
    run = run_to_end(glue_emulator.glue, "jdbc-denied", timeout=400)
    assert run["JobRunState"] == "FAILED"
    assert 'FATAL: password authentication failed for user "postgres"' in run["ErrorMessage"]
