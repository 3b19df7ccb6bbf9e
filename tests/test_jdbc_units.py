"""Pure logic of the JDBC support: include paths, which crawled tables a JDBC target covers, the runtime's URL
rewriting for Spark, and the type mapping's edge cases."""

from __future__ import annotations

import pytest

import emulator.runtime
from emulator.crawlers.jdbc_targets import covers, split_path
from emulator.crawlers.writer import CrawlFailed
from emulator.jdbc.types import glue_type

emulator.runtime.install()  # awsglue is importable as job scripts import it

from awsglue._jdbc import spark_url


@pytest.mark.parametrize(("path", "parts"), [
    ("shop/sales/%", ("shop", "sales", "%")),
    ("shop/orders", ("shop", "%", "orders")),
    ("shop", ("shop", "%", "%")),
    ("/shop/sales/cust_%/", ("shop", "sales", "cust_%")),
])
def test_include_paths(path, parts):
    assert split_path(path) == parts


@pytest.mark.parametrize("path", ["", "/", "a//b", "a/b/c/d"])
def test_bad_include_paths(path):
    with pytest.raises(CrawlFailed, match="Invalid JDBC include path"):
        split_path(path)


def _table(location: str, connection: str = "rds") -> dict:
    return {"Parameters": {"connectionName": connection}, "StorageDescriptor": {"Location": location}}


def test_a_target_covers_the_tables_under_its_path_through_its_connection():
    targets = [{"ConnectionName": "rds", "Path": "shop/sales/cust_%"}]
    assert covers(targets, _table("shop.sales.cust_eu"))
    assert not covers(targets, _table("shop.sales.orders"))
    assert not covers(targets, _table("shop.hr.cust_eu"))
    assert not covers(targets, _table("shop.sales.cust_eu", connection="other"))
    assert not covers(targets, _table("s3://shop/sales/cust_eu"))


@pytest.mark.parametrize(("url", "database", "spark", "vendor"), [
    ("jdbc:redshift://c.example:5439/dev", None, "jdbc:postgresql://c.example:5439/dev", "redshift"),
    ("jdbc:redshift://c.example:5439/dev", "testdb", "jdbc:postgresql://c.example:5439/testdb", "redshift"),
    ("jdbc:postgresql://h:5432/db?sslmode=require", None, "jdbc:postgresql://h:5432/db?sslmode=require",
     "postgresql"),
    ("jdbc:mysql://h:3306", "shop", "jdbc:mysql://h:3306/shop", "mysql"),
])
def test_the_runtime_rewrites_urls_for_spark(url, database, spark, vendor):
    assert spark_url(url, database) == (spark, vendor)


def test_the_runtime_refuses_what_is_not_a_jdbc_url():
    with pytest.raises(ValueError, match="Invalid JDBC URL"):
        spark_url("postgresql://h/db")


@pytest.mark.parametrize(("udt", "precision", "scale", "expected"), [
    ("numeric", 12, 0, "decimal(12,0)"), ("numeric", None, None, "decimal(38,18)"), ("INT4", None, None, "int"),
    ("_int4", None, None, "string"), ("interval", None, None, "string"), ("timestamptz", None, None, "timestamp"),
])
def test_type_mapping_edges(udt, precision, scale, expected):
    assert glue_type(udt, precision, scale) == expected
