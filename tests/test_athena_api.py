"""Athena's records and metadata operations with boto3: work groups, named queries, prepared statements (and
EXECUTE ... USING), data catalogs and the Glue catalog's metadata, query listings, and Athena's errors."""

from __future__ import annotations

from typing import Any

import pytest
from athena_lake import OUT, make_lake, rows, run, wait
from botocore.exceptions import ClientError


@pytest.fixture
def lake(glue_emulator: Any) -> Any:
    return make_lake(glue_emulator)


def error_of(call: Any, **params: Any) -> tuple[int, str, dict[str, Any]]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    response = caught.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response


def test_primary_exists_and_work_groups_have_their_lifecycle(glue_emulator: Any) -> None:
    athena = glue_emulator.client("athena")
    assert [w["Name"] for w in athena.list_work_groups()["WorkGroups"]] == ["primary"]
    assert athena.get_work_group(WorkGroup="primary")["WorkGroup"]["State"] == "ENABLED"
    athena.create_work_group(Name="etl", Description="d", Configuration={
        "ResultConfiguration": {"OutputLocation": "s3://results/etl/"}, "EnforceWorkGroupConfiguration": True})
    assert error_of(athena.create_work_group, Name="etl")[:2] == (400, "InvalidRequestException")
    athena.update_work_group(WorkGroup="etl", State="DISABLED", ConfigurationUpdates={
        "ResultConfigurationUpdates": {"OutputLocation": "s3://results/etl2/"}})
    group = athena.get_work_group(WorkGroup="etl")["WorkGroup"]
    assert (group["State"], group["Configuration"]["ResultConfiguration"]["OutputLocation"]) == \
        ("DISABLED", "s3://results/etl2/")
    first = athena.list_work_groups(MaxResults=1)
    second = athena.list_work_groups(MaxResults=1, NextToken=first["NextToken"])
    assert [w["Name"] for w in first["WorkGroups"] + second["WorkGroups"]] == ["etl", "primary"]
    assert "NextToken" not in second
    athena.delete_work_group(WorkGroup="etl")
    status, code, response = error_of(athena.get_work_group, WorkGroup="etl")
    assert (status, code, response.get("AthenaErrorCode")) == (400, "InvalidRequestException", "RESOURCE_NOT_FOUND")
    assert error_of(athena.delete_work_group, WorkGroup="primary")[:2] == (400, "InvalidRequestException")


def test_an_enforced_work_group_location_wins(lake: Any) -> None:
    athena = lake.client("athena")
    athena.create_work_group(Name="etl", Configuration={
        "ResultConfiguration": {"OutputLocation": "s3://results/etl/"}, "EnforceWorkGroupConfiguration": True})
    execution = run(athena, "SELECT 1 AS one", WorkGroup="etl")
    assert execution["ResultConfiguration"]["OutputLocation"] == f"s3://results/etl/{execution['QueryExecutionId']}.csv"
    assert execution["WorkGroup"] == "etl"
    assert athena.list_query_executions(WorkGroup="etl")["QueryExecutionIds"] == [execution["QueryExecutionId"]]


def test_named_queries(glue_emulator: Any) -> None:
    athena = glue_emulator.client("athena")
    token = "t" * 32
    first = athena.create_named_query(Name="q", Database="sales", QueryString="SELECT 1", ClientRequestToken=token)
    again = athena.create_named_query(Name="q", Database="sales", QueryString="SELECT 1", ClientRequestToken=token)
    assert first["NamedQueryId"] == again["NamedQueryId"]
    query_id = first["NamedQueryId"]
    assert athena.get_named_query(NamedQueryId=query_id)["NamedQuery"]["WorkGroup"] == "primary"
    assert athena.list_named_queries()["NamedQueryIds"] == [query_id]
    missing = "0f0e0d0c-0000-4000-8000-000000000000"
    batch = athena.batch_get_named_query(NamedQueryIds=[query_id, missing])
    assert [q["NamedQueryId"] for q in batch["NamedQueries"]] == [query_id]
    assert [u["NamedQueryId"] for u in batch["UnprocessedNamedQueryIds"]] == [missing]
    athena.delete_named_query(NamedQueryId=query_id)
    assert error_of(athena.get_named_query, NamedQueryId=query_id)[:2] == (400, "InvalidRequestException")


def test_prepared_statements_run_with_execute_using_and_execution_parameters(lake: Any) -> None:
    athena = lake.client("athena")
    athena.create_prepared_statement(StatementName="by_customer", WorkGroup="primary",
                                     QueryStatement="SELECT id FROM orders WHERE customer = ? AND id > ? ORDER BY id")
    assert athena.get_prepared_statement(StatementName="by_customer", WorkGroup="primary")["PreparedStatement"][
        "QueryStatement"].startswith("SELECT id")
    assert [s["StatementName"] for s in athena.list_prepared_statements(WorkGroup="primary")["PreparedStatements"]] \
        == ["by_customer"]
    executed = run(athena, "EXECUTE by_customer USING 'ann', 0")
    assert rows(athena, executed["QueryExecutionId"])[1:] == [["1"], ["3"]]
    parameters = run(athena, "EXECUTE by_customer", ExecutionParameters=["'ann'", "2"])
    assert rows(athena, parameters["QueryExecutionId"])[1:] == [["3"]]
    wrong = run(athena, "EXECUTE by_customer USING 'ann'")
    assert "Incorrect number of parameters" in wrong["Status"]["StateChangeReason"]
    assert error_of(athena.get_prepared_statement, StatementName="nope", WorkGroup="primary")[:2] == \
        (400, "ResourceNotFoundException")
    athena.delete_prepared_statement(StatementName="by_customer", WorkGroup="primary")
    assert athena.list_prepared_statements(WorkGroup="primary")["PreparedStatements"] == []


def test_data_catalog_and_glue_metadata(lake: Any) -> None:
    athena = lake.client("athena")
    assert athena.list_data_catalogs()["DataCatalogsSummary"] == [
        {"CatalogName": "AwsDataCatalog", "Type": "GLUE", "Status": "CREATE_COMPLETE"}]
    assert athena.get_data_catalog(Name="AwsDataCatalog")["DataCatalog"]["Type"] == "GLUE"
    assert error_of(athena.get_data_catalog, Name="other")[:2] == (400, "InvalidRequestException")
    assert [d["Name"] for d in athena.list_databases(CatalogName="AwsDataCatalog")["DatabaseList"]] == ["sales"]
    assert athena.get_database(CatalogName="AwsDataCatalog", DatabaseName="sales")["Database"]["Name"] == "sales"
    metadata = athena.get_table_metadata(CatalogName="AwsDataCatalog", DatabaseName="sales",
                                         TableName="lines")["TableMetadata"]
    assert [c["Name"] for c in metadata["PartitionKeys"]] == ["dt"]
    assert metadata["Parameters"]["location"] == "s3://lake/lines/"
    listed = athena.get_paginator("list_table_metadata").paginate(
        CatalogName="AwsDataCatalog", DatabaseName="sales", PaginationConfig={"PageSize": 1})
    assert [t["Name"] for p in listed for t in p["TableMetadataList"]] == ["lines", "orders"]
    assert error_of(athena.get_table_metadata, CatalogName="AwsDataCatalog", DatabaseName="sales",
                    TableName="nope")[:2] == (400, "MetadataException")


def test_list_batch_and_stop(lake: Any) -> None:
    athena = lake.client("athena")
    ids = [run(athena, f"SELECT {i}")["QueryExecutionId"] for i in range(3)]
    listed = [i for p in athena.get_paginator("list_query_executions").paginate(PaginationConfig={"PageSize": 2})
              for i in p["QueryExecutionIds"]]
    assert listed == ids[::-1]
    missing = "0f0e0d0c-0000-4000-8000-000000000000"
    batch = athena.batch_get_query_execution(QueryExecutionIds=[ids[0], missing])
    assert [q["Status"]["State"] for q in batch["QueryExecutions"]] == ["SUCCEEDED"]
    assert batch["UnprocessedQueryExecutionIds"][0]["QueryExecutionId"] == missing
    athena.stop_query_execution(QueryExecutionId=ids[0])  # a finished query stays as it was
    assert wait(athena, ids[0])["Status"]["State"] == "SUCCEEDED"
    slow = athena.start_query_execution(
        QueryString="SELECT count(*) FROM UNNEST(sequence(1, 100000000)) AS a(x), UNNEST(sequence(1, 1000)) AS b(y)",
        ResultConfiguration={"OutputLocation": OUT})["QueryExecutionId"]
    athena.stop_query_execution(QueryExecutionId=slow)
    stopped = wait(athena, slow)
    assert stopped["Status"]["State"] == "CANCELLED"


def test_empty_lists_and_bad_input(glue_emulator: Any) -> None:
    athena = glue_emulator.client("athena")
    assert athena.list_query_executions()["QueryExecutionIds"] == []
    assert athena.list_named_queries()["NamedQueryIds"] == []
    assert athena.list_prepared_statements(WorkGroup="primary")["PreparedStatements"] == []
    assert athena.batch_get_query_execution(QueryExecutionIds=["x"])["QueryExecutions"] == []
    status, code, _ = error_of(athena.list_query_executions, NextToken="garbage")
    assert (status, code) == (400, "InvalidRequestException")
    status, code, _ = error_of(athena.get_query_results, QueryExecutionId="nope")
    assert (status, code) == (400, "InvalidRequestException")
