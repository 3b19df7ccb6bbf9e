"""ListEntities, DescribeEntity and GetEntityRecords on a JDBC connection to a real PostgreSQL, through boto3:
databases -> schemas -> tables, fields with Glue's types and the database's, records filtered, sorted and paged,
and the AWS errors for what cannot be answered."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from jdbc_postgres import Postgres
from support import refused_port

SCHEMA = [
    "CREATE SCHEMA sales",
    "CREATE SCHEMA empty_one",
    '''CREATE TABLE sales.customers (id int4 PRIMARY KEY, name text NOT NULL, balance numeric(10,2),
        active bool DEFAULT true, born date, seen timestamp, photo bytea, profile jsonb, "Odd ""Name""" int8)''',
    "CREATE TABLE empty_one.nothing ()",
    "CREATE VIEW sales.rich AS SELECT id, name FROM sales.customers WHERE balance > 100",
    """INSERT INTO sales.customers VALUES
        (1, 'Ann', 250.50, true, '1990-01-02', '2024-05-06 07:08:09', '\\x0102', '{"a": [1, 2]}', 10),
        (2, 'Bob', 20.00, false, NULL, NULL, NULL, NULL, 20),
        (3, 'O''Neil', 120.00, true, '1985-12-31', '2024-01-01 00:00:00', NULL, NULL, 30),
        (4, 'Dee', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (5, 'Eve', 99.99, true, NULL, NULL, NULL, NULL, 50)""",
]


@pytest.fixture
def shop(glue_emulator: Any, postgres: Postgres) -> Any:
    postgres.create_database("shop")
    postgres.execute("shop", *SCHEMA)
    glue = glue_emulator.glue
    glue.create_connection(ConnectionInput={"Name": "rds", "ConnectionType": "JDBC", "ConnectionProperties": {
        "JDBC_CONNECTION_URL": postgres.url("shop"), "USERNAME": postgres.user, "PASSWORD": postgres.password}})
    return glue


def _error(call: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_databases_then_schemas_then_tables(shop):
    databases = shop.list_entities(ConnectionName="rds")["Entities"]
    assert {"EntityName": "shop", "Label": "shop", "IsParentEntity": True, "Category": "databases"} in databases
    assert "template0" not in [d["EntityName"] for d in databases]
    schemas = shop.list_entities(ConnectionName="rds", ParentEntityName="shop")["Entities"]
    assert [s["EntityName"] for s in schemas] == ["shop/empty_one", "shop/public", "shop/sales"]
    assert {s["Category"] for s in schemas} == {"schemas"} and all(s["IsParentEntity"] for s in schemas)
    tables = shop.list_entities(ConnectionName="rds", ParentEntityName="shop/sales")["Entities"]
    assert tables == [
        {"EntityName": "shop/sales/customers", "Label": "customers", "IsParentEntity": False, "Category": "tables",
         "CustomProperties": {"typeOfData": "table"}},
        {"EntityName": "shop/sales/rich", "Label": "rich", "IsParentEntity": False, "Category": "tables",
         "CustomProperties": {"typeOfData": "view"}},
    ]
    assert shop.list_entities(ConnectionName="rds", ParentEntityName="shop/public")["Entities"] == []


def test_a_table_of_no_columns_has_an_empty_field_list(shop):
    assert shop.describe_entity(ConnectionName="rds", EntityName="shop/empty_one/nothing")["Fields"] == []


def test_the_paginator_walks_every_entity(shop):
    pages = shop.get_paginator("list_entities").paginate(ConnectionName="rds", ParentEntityName="shop/sales")
    assert [e["Label"] for page in pages for e in page["Entities"]] == ["customers", "rich"]


def test_a_table_is_described_with_glues_types_and_the_databases(shop):
    fields = {f["FieldName"]: f for f in shop.describe_entity(ConnectionName="rds",
                                                              EntityName="shop/sales/customers")["Fields"]}
    assert list(fields) == ["id", "name", "balance", "active", "born", "seen", "photo", "profile", 'Odd "Name"']
    assert {n: (f["FieldType"], f["NativeDataType"]) for n, f in fields.items()} == {
        "id": ("INT", "integer"), "name": ("STRING", "text"), "balance": ("DECIMAL", "numeric(10,2)"),
        "active": ("BOOLEAN", "boolean"), "born": ("DATE", "date"), "seen": ("TIMESTAMP", "timestamp without time zone"),
        "photo": ("BINARY", "bytea"), "profile": ("STRING", "jsonb"), 'Odd "Name"': ("BIGINT", "bigint")}
    assert fields["balance"]["CustomProperties"] == {"glueType": "decimal(10,2)"}
    assert [n for n, f in fields.items() if f["IsPrimaryKey"]] == ["id"]
    assert [n for n, f in fields.items() if not f["IsNullable"]] == ["id", "name"]
    assert [n for n, f in fields.items() if f["IsDefaultOnCreate"]] == ["active"]
    assert fields["id"]["IsPartitionable"] and not fields["name"]["IsPartitionable"]
    assert "CONTAINS" in fields["name"]["SupportedFilterOperators"]
    assert all(f["IsCreateable"] and f["IsRetrievable"] for f in fields.values())


def test_a_view_is_described_as_read_only(shop):
    fields = shop.describe_entity(ConnectionName="rds", EntityName="shop/sales/rich")["Fields"]
    assert [(f["FieldName"], f["IsCreateable"], f["IsUpdateable"]) for f in fields] == [
        ("id", False, False), ("name", False, False)]


def test_records_come_as_json_documents_by_primary_key(shop):
    records = shop.get_entity_records(ConnectionName="rds", EntityName="shop/sales/customers", Limit=10)["Records"]
    assert [r["id"] for r in records] == [1, 2, 3, 4, 5]
    assert records[0] == {"id": 1, "name": "Ann", "balance": 250.5, "active": True, "born": "1990-01-02",
                          "seen": "2024-05-06T07:08:09", "photo": "AQI=", "profile": {"a": [1, 2]},
                          'Odd "Name"': 10}
    assert records[3]["balance"] is None


def test_selected_fields_filter_and_order(shop):
    def names(**options: Any) -> list[Any]:
        return [r for r in shop.get_entity_records(ConnectionName="rds", EntityName="shop/sales/customers",
                                                   Limit=100, **options)["Records"]]

    # PostgreSQL sorts NULLs first in descending order.
    assert names(SelectedFields=["name", "ID"], OrderBy="balance DESC, id") == [
        {"name": "Dee", "id": 4}, {"name": "Ann", "id": 1}, {"name": "O'Neil", "id": 3}, {"name": "Eve", "id": 5}, {"name": "Bob", "id": 2}]
    pick = {"SelectedFields": ["id"]}
    assert names(FilterPredicate="balance > 100 AND active = true", **pick) == [{"id": 1}, {"id": 3}]
    assert names(FilterPredicate="name = 'O''Neil' OR (balance BETWEEN 20 AND 99.99 AND NOT id = 5)",
                 **pick) == [{"id": 2}, {"id": 3}]
    assert names(FilterPredicate="balance IS NULL OR name LIKE 'E%'", **pick) == [{"id": 4}, {"id": 5}]
    assert names(FilterPredicate="id IN (2, 4) AND born IS NOT NULL", **pick) == []
    assert names(FilterPredicate="born < '1989-01-01'", **pick) == [{"id": 3}]
    assert names(FilterPredicate='"Odd ""Name""" >= 30', **pick) == [{"id": 3}, {"id": 5}]


def test_a_predicate_cannot_inject_sql(shop, postgres: Postgres):
    for predicate in ["id = 1; DROP TABLE sales.customers", "id = 1 OR 1=1", "name = 'x' --", "pg_sleep(1) = 1"]:
        code, _, status = _error(lambda p=predicate: shop.get_entity_records(
            ConnectionName="rds", EntityName="shop/sales/customers", Limit=1, FilterPredicate=p))
        assert (code, status) == ("ValidationException", 400), predicate
    assert shop.get_entity_records(ConnectionName="rds", EntityName="shop/sales/customers", Limit=1,
                                   FilterPredicate="name = 'x''; DROP TABLE sales.customers; --'")["Records"] == []
    assert len(shop.get_entity_records(ConnectionName="rds", EntityName="shop/sales/customers",
                                       Limit=10)["Records"]) == 5


def test_records_are_paged_with_next_token(shop):
    seen, token, pages = [], None, 0
    while True:
        extra = {"NextToken": token} if token else {}
        page = shop.get_entity_records(ConnectionName="rds", EntityName="shop/sales/customers", Limit=2,
                                       SelectedFields=["id"], **extra)
        seen += [r["id"] for r in page["Records"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert (seen, pages) == ([1, 2, 3, 4, 5], 3)


@pytest.mark.parametrize("call, code, words", [
    (lambda g: g.list_entities(ConnectionName="nope"), "EntityNotFoundException", "nope"),
    (lambda g: g.describe_entity(ConnectionName="nope", EntityName="shop/sales/customers"),
     "EntityNotFoundException", "nope"),
    (lambda g: g.list_entities(), "ValidationException", "ConnectionName"),
    (lambda g: g.list_entities(ConnectionName="rds", ParentEntityName="no_db"), "EntityNotFoundException", "no_db"),
    (lambda g: g.list_entities(ConnectionName="rds", ParentEntityName="shop/nope"), "EntityNotFoundException",
     "shop/nope"),
    (lambda g: g.list_entities(ConnectionName="rds", ParentEntityName="shop/sales/customers"),
     "ValidationException", "database/schema"),
    (lambda g: g.describe_entity(ConnectionName="rds", EntityName="shop/sales"), "ValidationException",
     "database/schema/table"),
    (lambda g: g.describe_entity(ConnectionName="rds", EntityName="shop/sales/nope"), "EntityNotFoundException",
     "shop/sales/nope"),
    (lambda g: g.get_entity_records(ConnectionName="rds", EntityName="shop/sales/customers", Limit=1,
                                    SelectedFields=["nope"]), "ValidationException", "Unknown field nope"),
    (lambda g: g.get_entity_records(ConnectionName="rds", EntityName="shop/sales/customers", Limit=1,
                                    OrderBy="id sideways"), "ValidationException", "OrderBy"),
    (lambda g: g.get_entity_records(ConnectionName="rds", EntityName="shop/sales/customers", Limit=1,
                                    FilterPredicate="id = 'one'"), "ValidationException", "invalid input syntax"),
    (lambda g: g.get_entity_records(ConnectionName="rds", EntityName="shop/sales/customers", Limit=1,
                                    NextToken="bm9wZQ=="), "InvalidInputException", "token"),
])
def test_bad_requests_get_awss_errors(shop, call, code, words):
    got, message, status = _error(lambda: call(shop))
    assert (got, status) == (code, 400) and words.lower() in message.lower(), message


def test_other_connection_types_and_unreachable_databases(shop):
    shop.create_connection(ConnectionInput={"Name": "sf", "ConnectionType": "SALESFORCE",
                                            "ConnectionProperties": {"CONNECTION_URL": "https://x.my.salesforce.com"}})
    code, message, _ = _error(lambda: shop.list_entities(ConnectionName="sf"))
    assert code == "ValidationException" and "SALESFORCE" in message
    with refused_port() as port:
        shop.create_connection(ConnectionInput={"Name": "down", "ConnectionType": "JDBC", "ConnectionProperties": {
            "JDBC_CONNECTION_URL": f"jdbc:postgresql://127.0.0.1:{port}/db", "USERNAME": "u", "PASSWORD": "p"}})
        code, message, _ = _error(lambda: shop.list_entities(ConnectionName="down"))
    assert code == "InvalidInputException" and "Unable to connect" in message
    shop.create_connection(ConnectionInput={"Name": "maria", "ConnectionType": "JDBC", "ConnectionProperties": {
        "JDBC_CONNECTION_URL": "jdbc:mysql://127.0.0.1:3306/db", "USERNAME": "u", "PASSWORD": "p"}})
    code, message, _ = _error(lambda: shop.describe_entity(ConnectionName="maria", EntityName="db/x/t"))
    assert code == "InvalidInputException" and "PostgreSQL and Redshift" in message


def test_the_crawler_tests_table_of_every_type_previews(glue_emulator, postgres: Postgres):
    """Input written for the crawler tests (tests/test_jdbc_crawlers.py), not for these: arrays, uuid, money..."""
    from test_jdbc_crawlers import CUSTOMER_TYPES
    from test_jdbc_crawlers import SCHEMA as CRAWLER_SCHEMA

    postgres.create_database("crawled")
    postgres.execute("crawled", *CRAWLER_SCHEMA, """INSERT INTO sales.customers VALUES (1, 'a', 'a@b', 'x', 1.5, 2.25,
        0.5, 0.25, true, '2020-02-02', '2020-02-02 01:02:03', '2020-02-02 01:02:03+00', 7, 3, '\\xff', '{a,b}',
        '{"k": null}', 12.34, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')""")
    glue = glue_emulator.glue
    glue.create_connection(ConnectionInput={"Name": "c", "ConnectionType": "JDBC", "ConnectionProperties": {
        "JDBC_CONNECTION_URL": postgres.url("crawled"), "USERNAME": postgres.user, "PASSWORD": postgres.password}})
    fields = glue.describe_entity(ConnectionName="c", EntityName="crawled/sales/customers")["Fields"]
    assert [(f["FieldName"].lower(), f["CustomProperties"]["glueType"]) for f in fields] == CUSTOMER_TYPES
    [record] = glue.get_entity_records(ConnectionName="c", EntityName="crawled/sales/customers", Limit=5)["Records"]
    assert (record["tags"], record["profile"], record["Mixed"]) == (["a", "b"], {"k": None},
                                                                    "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
    assert record["wage"] == 12.34 and record["photo"] == "/w==" and record["seen_tz"].startswith("2020-02-02T01:02:03")
