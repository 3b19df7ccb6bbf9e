"""Realistic Glue scripts (tests/etl_scripts/) run as glueetl jobs through the API on local S3 data:
output rows, schema, catalog entries, and bookmarks across runs. One of them reads a table a crawler
catalogued (StartCrawler on a CSV folder)."""

from __future__ import annotations

import json

from etl_scripts.harness import create_job, run, script
from support import ROLE, wait_crawler_ready


def test_glue_studio_script_with_sql_query_and_catalog_sink(glue_emulator):
    s3, glue = glue_emulator.s3, glue_emulator.glue
    s3.create_bucket(Bucket="shop")
    s3.put_object(Bucket="shop", Key="orders/2024/01.csv",
                  Body=b"order_id,country,amount\n1,FR,10.5\n2,DE,3\n3,FR,4.25\n4,DE,oops\n")
    glue.create_database(DatabaseInput={"Name": "analytics"})
    create_job(glue_emulator, "studio-orders", script("studio_orders.py"),
               DefaultArguments={"--job-bookmark-option": "job-bookmark-enable"})
    _, report = run(glue_emulator, "studio-orders")
    assert report == {"read": 4, "schema": [["order_id", "long"], ["country", "string"], ["amount", "double"]]}
    table = glue.get_table(DatabaseName="analytics", Name="revenue")["Table"]
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("orders", "bigint"), ("revenue", "double")]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["country"]
    parts = glue.get_partitions(DatabaseName="analytics", TableName="revenue")["Partitions"]
    assert sorted(p["Values"][0] for p in parts) == ["DE", "FR"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="shop", Prefix="revenue/")["Contents"]]
    assert len(keys) == 2 and all(k.endswith("-snappy.parquet") and "/run-" in k for k in keys)  # glueparquet names

    s3.put_object(Bucket="shop", Key="orders/2024/02.csv", Body=b"order_id,country,amount\n5,IT,7\n")
    _, report = run(glue_emulator, "studio-orders")  # bookmarked: only the new file is read
    assert report["read"] == 1
    assert sorted(p["Values"][0] for p in glue.get_partitions(DatabaseName="analytics", TableName="revenue")[
        "Partitions"]) == ["DE", "FR", "IT"]


def _crawl(glue_emulator) -> None:
    glue = glue_emulator.glue
    glue.create_database(DatabaseInput={"Name": "crm"})
    glue.create_crawler(Name="customers", Role=ROLE, DatabaseName="crm",
                        Targets={"S3Targets": [{"Path": "s3://shop/customers/"}]})
    glue.start_crawler(Name="customers")
    crawler = wait_crawler_ready(glue, "customers", timeout=60)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED", crawler["LastCrawl"]


def test_hand_written_job_over_a_crawled_table_reads_only_new_files_on_its_second_run(glue_emulator):
    s3, glue = glue_emulator.s3, glue_emulator.glue
    s3.create_bucket(Bucket="shop")
    s3.put_object(Bucket="shop", Key="customers/customers.csv", Body=b"id,name,city\n1,Ana,Lyon\n2,Bo,Oslo\n")
    _crawl(glue_emulator)
    columns = glue.get_table(DatabaseName="crm", Name="customers")["Table"]["StorageDescriptor"]["Columns"]
    assert [(c["Name"], c["Type"]) for c in columns] == [("id", "bigint"), ("name", "string"), ("city", "string")]
    s3.put_object(Bucket="shop", Key="events/a.json",
                  Body=b'{"customer": 1, "qty": 3}\n{"customer": 2, "qty": "1"}\n{"customer": 2, "qty": "5"}\n')
    create_job(glue_emulator, "customers-orders", script("handwritten_customers.py"),
               DefaultArguments={"--job-bookmark-option": "job-bookmark-enable", "--database": "crm",
                                 "--output": "s3://shop/out/"})
    _, report = run(glue_emulator, "customers-orders")
    assert report == {"orders": 3, "written": [[1, 3, "Lyon"], [2, 5, "Oslo"]],
                      "fields": ["city", "customer", "name", "qty"]}
    out = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="shop", Prefix="out/")["Contents"])
    assert [k.split("/")[1] for k in out] == ["city=Lyon", "city=Oslo"]
    lyon = s3.get_object(Bucket="shop", Key=out[0])["Body"].read().decode().splitlines()
    assert [json.loads(line) for line in lyon] == [{"customer": 1, "qty": 3, "name": "Ana"}]

    s3.put_object(Bucket="shop", Key="events/b.json", Body=b'{"customer": 1, "qty": 2}\n')
    _, report = run(glue_emulator, "customers-orders")
    assert (report["orders"], report["written"]) == (1, [[1, 2, "Lyon"]])
    state = json.loads(glue.get_job_bookmark(JobName="customers-orders")["JobBookmarkEntry"]["JobBookmark"])
    assert (list(state), state["orders"]["timestamps"]["RUN"]) == (["orders"], "2")
