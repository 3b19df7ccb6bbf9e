"""Deploy the retail pipeline with its database side to a running glue-emulator and run it once.

    python examples/retail_rds_pipeline/deploy_and_run.py --postgres-url postgresql://USER:PASSWORD@HOST:PORT/DB \\
        [--endpoint http://127.0.0.1:4566]

The PostgreSQL database plays both AWS databases of the pipeline: the "RDS" database the customers come from
(schema crm, seeded from customers.sql) and the "Redshift" warehouse the load step writes to (schema analytics,
reached through a jdbc:redshift:// URL, which the emulator serves with PostgreSQL). What it builds (names start
with `rds-`):

    rds-secret               Secrets Manager secret with the database login (the RDS connection uses it)
    rds-crm / rds-warehouse  JDBC connections (TestConnection'ed before anything runs)
    rds-orders-crawler       S3 crawler: orders CSV under date=... partitions      -> table orders
    rds-customers-crawler    JDBC crawler: <db>/crm/%                              -> table <db>_crm_customers
    rds-load-orders          Spark job: join orders and customers, Parquet in S3 by country, then the warehouse
    rds-start / rds-after-crawls   workflow rds-pipeline: both crawls, then the load job when both SUCCEEDED

Re-running the script replaces the previous deployment and reseeds the database.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import boto3
import pg8000.dbapi
from botocore.exceptions import ClientError

HERE = Path(__file__).resolve().parent
RAW, SCRIPTS, LAKE = "rds-raw", "rds-scripts", "rds-lake"
DATABASE, WORKFLOW, JOB = "rds_retail", "rds-pipeline", "rds-load-orders"
ROLE = "arn:aws:iam::123456789012:role/RetailGlueRole"


def parse_postgres_url(url: str) -> dict[str, Any]:
    parts = urlparse(url)
    if parts.scheme not in ("postgresql", "postgres") or not parts.hostname or not parts.path.strip("/"):
        raise SystemExit(f"--postgres-url must look like postgresql://USER:PASSWORD@HOST:PORT/DB, not {url!r}")
    return {"host": parts.hostname, "port": parts.port or 5432, "database": parts.path.strip("/"),
            "user": unquote(parts.username or "postgres"), "password": unquote(parts.password or "")}


def seed(pg: dict[str, Any]) -> None:
    with pg8000.dbapi.connect(**pg) as session:
        session.autocommit = True
        cursor = session.cursor()
        for statement in (HERE / "customers.sql").read_text().split(";"):
            if statement.strip() and not all(line.startswith("--") for line in statement.strip().splitlines()):
                cursor.execute(statement)


def ignore_missing(call: Any, **kwargs: Any) -> None:
    try:
        call(**kwargs)
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("EntityNotFoundException", "ResourceNotFoundException"):
            raise


def empty_bucket(s3: Any, bucket: str) -> None:
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=item["Key"])
    except ClientError:
        s3.create_bucket(Bucket=bucket)


def deploy(clients: dict[str, Any], pg: dict[str, Any]) -> str:
    """Everything of a previous deployment removed, then created anew; the customers table's catalog name."""
    glue, s3, secrets = clients["glue"], clients["s3"], clients["secretsmanager"]
    for trigger in ("rds-start", "rds-after-crawls"):
        ignore_missing(glue.delete_trigger, Name=trigger)
    ignore_missing(glue.delete_workflow, Name=WORKFLOW)
    ignore_missing(glue.delete_job, JobName=JOB)
    for crawler in ("rds-orders-crawler", "rds-customers-crawler"):
        ignore_missing(glue.delete_crawler, Name=crawler)
    for connection in ("rds-crm", "rds-warehouse"):
        ignore_missing(glue.delete_connection, ConnectionName=connection)
    ignore_missing(glue.delete_database, Name=DATABASE)
    ignore_missing(secrets.delete_secret, SecretId="rds-secret", ForceDeleteWithoutRecovery=True)
    for bucket in (RAW, SCRIPTS, LAKE):
        empty_bucket(s3, bucket)

    for path in sorted((HERE / "data").rglob("*.csv")):
        s3.put_object(Bucket=RAW, Key=path.relative_to(HERE / "data").as_posix(), Body=path.read_bytes())
    s3.put_object(Bucket=SCRIPTS, Key="load_orders.py", Body=(HERE / "scripts" / "load_orders.py").read_bytes())
    secret = secrets.create_secret(Name="rds-secret", SecretString=json.dumps(
        {"username": pg["user"], "password": pg["password"]}))
    address = f"{pg['host']}:{pg['port']}/{pg['database']}"
    glue.create_connection(ConnectionInput={"Name": "rds-crm", "ConnectionType": "JDBC", "ConnectionProperties": {
        "JDBC_CONNECTION_URL": f"jdbc:postgresql://{address}", "SECRET_ID": secret["ARN"]}})
    glue.create_connection(ConnectionInput={"Name": "rds-warehouse", "ConnectionType": "JDBC", "ConnectionProperties": {
        "JDBC_CONNECTION_URL": f"jdbc:redshift://{address}", "USERNAME": pg["user"], "PASSWORD": pg["password"]}})
    for connection in ("rds-crm", "rds-warehouse"):
        glue.test_connection(ConnectionName=connection)
        print(f"TestConnection {connection}: ok")
    glue.create_database(DatabaseInput={"Name": DATABASE})
    glue.create_crawler(Name="rds-orders-crawler", Role=ROLE, DatabaseName=DATABASE,
                        Targets={"S3Targets": [{"Path": f"s3://{RAW}/orders/"}]})
    glue.create_crawler(Name="rds-customers-crawler", Role=ROLE, DatabaseName=DATABASE, Targets={
        "JdbcTargets": [{"ConnectionName": "rds-crm", "Path": f"{pg['database']}/crm/%"}]})
    customers_table = f"{pg['database']}_crm_customers".lower()
    glue.create_job(Name=JOB, Role=ROLE, GlueVersion="5.0", Connections={"Connections": ["rds-crm", "rds-warehouse"]},
                    Command={"Name": "glueetl", "ScriptLocation": f"s3://{SCRIPTS}/load_orders.py"},
                    DefaultArguments={"--database": DATABASE, "--customers_table": customers_table,
                                      "--lake_path": f"s3://{LAKE}/orders_by_customer/",
                                      "--warehouse_connection": "rds-warehouse", "--temp_dir": f"s3://{LAKE}/tmp/"})
    glue.create_workflow(Name=WORKFLOW)
    glue.create_trigger(Name="rds-start", WorkflowName=WORKFLOW, Type="ON_DEMAND",
                        Actions=[{"CrawlerName": "rds-orders-crawler"}, {"CrawlerName": "rds-customers-crawler"}])
    conditions = [{"LogicalOperator": "EQUALS", "CrawlerName": name, "CrawlState": "SUCCEEDED"}
                  for name in ("rds-orders-crawler", "rds-customers-crawler")]
    glue.create_trigger(Name="rds-after-crawls", WorkflowName=WORKFLOW, Type="CONDITIONAL", StartOnCreation=True,
                        Predicate={"Logical": "AND", "Conditions": conditions}, Actions=[{"JobName": JOB}])
    return customers_table


def run(glue: Any, timeout: float) -> dict[str, Any]:
    run_id = glue.start_workflow_run(Name=WORKFLOW)["RunId"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = glue.get_workflow_run(Name=WORKFLOW, RunId=run_id, IncludeGraph=True)["Run"]
        if found["Status"] in ("COMPLETED", "STOPPED", "ERROR"):
            return found
        time.sleep(1)
    raise SystemExit(f"the workflow run {run_id} did not end within {timeout:.0f} s")


def report(found: dict[str, Any], pg: dict[str, Any], s3: Any) -> bool:
    """Print what the run did; True when every node succeeded and the warehouse holds the rows."""
    print(f"Status: {found['Status']}  Statistics: {json.dumps(found['Statistics'])}")
    ok = found["Statistics"]["SucceededActions"] == found["Statistics"]["TotalActions"] == 3
    for node in sorted(found["Graph"]["Nodes"], key=lambda n: (n["Type"], n["Name"])):
        if node["Type"] == "JOB":
            runs = node.get("JobDetails", {}).get("JobRuns", [])
            state = f"{runs[0]['JobRunState']} {runs[0].get('ErrorMessage', '')}" if runs else "not run"
            print(f"  JOB      {node['Name']:<24} {state}")
        elif node["Type"] == "CRAWLER":
            crawls = node.get("CrawlerDetails", {}).get("Crawls", [])
            print(f"  CRAWLER  {node['Name']:<24} {crawls[0]['State'] if crawls else 'not run'}")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=LAKE, Prefix="orders_by_customer/").get("Contents", [])]
    folders = sorted({k.split("/")[1] for k in keys if "=" in k and k.endswith(".parquet")})
    print(f"Lake: Parquet under s3://{LAKE}/orders_by_customer/ ({', '.join(folders)})")
    with pg8000.dbapi.connect(**pg) as session:
        cursor = session.cursor()
        cursor.execute("SELECT to_regclass('analytics.orders_by_customer') IS NOT NULL")
        if not cursor.fetchone()[0]:
            print("Warehouse: analytics.orders_by_customer was not created")
            return False
        cursor.execute("SELECT country, count(*), sum(amount) FROM analytics.orders_by_customer GROUP BY 1 ORDER BY 1")
        rows = cursor.fetchall()
    print("Warehouse (analytics.orders_by_customer, per country):",
          ", ".join(f"{country} {count} orders {float(total):.2f}" for country, count, total in rows))
    return ok and sum(r[1] for r in rows) == 6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", required=True, help="postgresql://USER:PASSWORD@HOST:PORT/DB")
    parser.add_argument("--endpoint", default="http://127.0.0.1:4566")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the workflow run")
    args = parser.parse_args(argv)
    pg = parse_postgres_url(args.postgres_url)
    clients = {name: boto3.client(name, endpoint_url=args.endpoint, region_name=args.region,
                                  aws_access_key_id="testing", aws_secret_access_key="testing")
               for name in ("glue", "s3", "secretsmanager")}
    seed(pg)
    deploy(clients, pg)
    return 0 if report(run(clients["glue"], args.timeout), pg, clients["s3"]) else 1


if __name__ == "__main__":
    sys.exit(main())
