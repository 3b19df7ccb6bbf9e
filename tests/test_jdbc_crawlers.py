"""JDBC crawlers over a real PostgreSQL: include paths and exclusions, Glue's tables, columns and type mapping,
schema changes across crawls under the SchemaChangePolicy, and a crawl that cannot connect."""

from __future__ import annotations

from typing import Any

import pytest
from jdbc_postgres import Postgres
from support import ROLE, wait_until

SCHEMA = [
    "CREATE SCHEMA sales",
    "CREATE SCHEMA hr",
    """CREATE TABLE sales.customers (id int4 PRIMARY KEY, name text NOT NULL, email varchar(100), tier char(1),
        balance numeric(10,2), credit numeric, score float8, ratio real, active bool, born date, seen timestamp,
        seen_tz timestamptz, visits int8, age int2, photo bytea, tags text[], profile jsonb, wage money,
        "Mixed" uuid)""",
    "CREATE TABLE sales.orders (order_id bigserial PRIMARY KEY, customer_id int4, amount numeric(12,2))",
    "CREATE TABLE sales.tmp_scratch (x int4)",
    "CREATE VIEW sales.big_customers AS SELECT id, name FROM sales.customers WHERE balance > 100",
    "CREATE TABLE hr.staff (id int4)",
]
CUSTOMER_TYPES = [
    ("id", "int"), ("name", "string"), ("email", "string"), ("tier", "string"), ("balance", "decimal(10,2)"),
    ("credit", "decimal(38,18)"), ("score", "double"), ("ratio", "float"), ("active", "boolean"), ("born", "date"),
    ("seen", "timestamp"), ("seen_tz", "timestamp"), ("visits", "bigint"), ("age", "smallint"), ("photo", "binary"),
    ("tags", "string"), ("profile", "string"), ("wage", "double"), ("mixed", "string"),
]


@pytest.fixture
def shop(postgres: Postgres) -> Postgres:
    postgres.create_database("shop")
    postgres.execute("shop", *SCHEMA)
    return postgres


def _connection(glue: Any, pg: Postgres, password: str | None = None) -> None:
    glue.create_connection(ConnectionInput={"Name": "rds", "ConnectionType": "JDBC", "ConnectionProperties": {
        "JDBC_CONNECTION_URL": pg.url("shop"), "USERNAME": pg.user, "PASSWORD": password or pg.password}})


def _crawl(glue: Any, name: str = "cr") -> dict[str, Any]:
    before = len(glue.list_crawls(CrawlerName=name)["Crawls"])
    glue.start_crawler(Name=name)
    crawls = wait_until(lambda: glue.list_crawls(CrawlerName=name)["Crawls"], f"the crawl of {name} to end",
                        until=lambda c: len(c) > before and c[0]["State"] != "RUNNING", timeout=60)
    return crawls[0]


def _tables(glue: Any) -> dict[str, dict[str, Any]]:
    return {t["Name"]: t for t in glue.get_tables(DatabaseName="rds_db")["TableList"]}


def _crawler(glue: Any, path: str = "shop/sales/%", **extra: Any) -> None:
    glue.create_database(DatabaseInput={"Name": "rds_db"})
    glue.create_crawler(Name="cr", Role=ROLE, DatabaseName="rds_db", Targets={"JdbcTargets": [
        {"ConnectionName": "rds", "Path": path, "Exclusions": ["shop/sales/tmp_*"]}]}, **extra)


def test_a_crawl_records_the_schemas_tables_with_glues_types(glue_emulator, shop: Postgres):
    glue = glue_emulator.glue
    _connection(glue, shop)
    _crawler(glue)
    assert _crawl(glue)["State"] == "COMPLETED"
    tables = _tables(glue)
    assert sorted(tables) == ["shop_sales_big_customers", "shop_sales_customers", "shop_sales_orders"]
    customers = tables["shop_sales_customers"]
    assert [(c["Name"], c["Type"]) for c in customers["StorageDescriptor"]["Columns"]] == CUSTOMER_TYPES
    assert customers["StorageDescriptor"]["Location"] == "shop.sales.customers"
    assert customers["PartitionKeys"] == []
    params = customers["Parameters"]
    assert (params["classification"], params["connectionName"], params["typeOfData"]) == ("postgresql", "rds",
                                                                                          "table")
    assert params["UPDATED_BY_CRAWLER"] == "cr"
    assert tables["shop_sales_big_customers"]["Parameters"]["typeOfData"] == "view"
    orders = tables["shop_sales_orders"]["StorageDescriptor"]["Columns"]
    assert [(c["Name"], c["Type"]) for c in orders] == [("order_id", "bigint"), ("customer_id", "int"),
                                                         ("amount", "decimal(12,2)")]


def test_a_path_without_schema_and_a_wildcard_database(glue_emulator, shop: Postgres):
    glue = glue_emulator.glue
    _connection(glue, shop)
    _crawler(glue, path="sho%/staff")
    assert _crawl(glue)["State"] == "COMPLETED"
    assert sorted(_tables(glue)) == ["shop_hr_staff"]


def test_schema_changes_follow_the_schema_change_policy(glue_emulator, shop: Postgres):
    glue = glue_emulator.glue
    _connection(glue, shop)
    _crawler(glue)
    _crawl(glue)
    shop.execute("shop", "ALTER TABLE sales.orders ADD COLUMN note text", "DROP VIEW sales.big_customers")
    assert _crawl(glue)["State"] == "COMPLETED"
    tables = _tables(glue)
    assert [c["Name"] for c in tables["shop_sales_orders"]["StorageDescriptor"]["Columns"]][-1] == "note"
    # the default DeleteBehavior DEPRECATE_IN_DATABASE keeps the table, marked
    assert "DEPRECATED_BY_CRAWLER" in tables["shop_sales_big_customers"]["Parameters"]
    glue.update_crawler(Name="cr", SchemaChangePolicy={"UpdateBehavior": "LOG",
                                                       "DeleteBehavior": "DELETE_FROM_DATABASE"})
    shop.execute("shop", "ALTER TABLE sales.orders ADD COLUMN extra int4", "DROP TABLE sales.customers CASCADE")
    assert _crawl(glue)["State"] == "COMPLETED"
    tables = _tables(glue)
    assert "extra" not in [c["Name"] for c in tables["shop_sales_orders"]["StorageDescriptor"]["Columns"]]
    assert "shop_sales_customers" not in tables and "shop_sales_big_customers" not in tables


def test_a_crawl_that_cannot_log_in_fails_saying_why(glue_emulator, shop: Postgres):
    glue = glue_emulator.glue
    _connection(glue, shop, password="wrong")
    _crawler(glue)
    crawl = _crawl(glue)
    assert crawl["State"] == "FAILED"
    assert 'password authentication failed for user "postgres"' in crawl["ErrorMessage"]
    assert glue.get_crawler(Name="cr")["Crawler"]["LastCrawl"]["Status"] == "FAILED"
