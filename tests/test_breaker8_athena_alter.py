"""ALTER TABLE forms of Athena's DDL reference that change a table's definition
(https://docs.aws.amazon.com/athena/latest/ug/alter-table-add-columns.html, alter-table-replace-columns,
alter-table-change-column, alter-table-set-tblproperties, alter-table-set-location).

Found by breaking: every one of them FAILED "InvalidInputException: Table ... is not partitioned" (all ALTER
TABLE statements were taken for partition changes).
"""

from __future__ import annotations

from typing import Any

import pytest
from athena_lake import make_lake, rows, run


@pytest.fixture
def lake(glue_emulator: Any) -> Any:
    make_lake(glue_emulator)
    return glue_emulator


def _ok(athena: Any, sql: str) -> dict[str, Any]:
    execution = run(athena, sql)
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    return execution


def test_add_change_and_replace_columns(lake: Any) -> None:
    athena, glue = lake.client("athena"), lake.glue
    _ok(athena, "ALTER TABLE orders ADD COLUMNS (note string COMMENT 'free text', qty int)")
    columns = glue.get_table(DatabaseName="sales", Name="orders")["Table"]["StorageDescriptor"]["Columns"]
    assert columns[3:] == [{"Name": "note", "Type": "string", "Comment": "free text"}, {"Name": "qty", "Type": "int"}]
    result = _ok(athena, "SELECT id, note, qty FROM orders ORDER BY id LIMIT 1")
    assert rows(athena, result["QueryExecutionId"]) == [["id", "note", "qty"], ["1", None, None]]
    _ok(athena, "ALTER TABLE orders CHANGE COLUMN customer buyer string")
    result = _ok(athena, "SELECT buyer FROM orders ORDER BY id LIMIT 1")
    assert rows(athena, result["QueryExecutionId"]) == [["buyer"], ["ann"]]
    _ok(athena, "ALTER TABLE orders REPLACE COLUMNS (id int, name string)")
    columns = glue.get_table(DatabaseName="sales", Name="orders")["Table"]["StorageDescriptor"]["Columns"]
    assert columns == [{"Name": "id", "Type": "int"}, {"Name": "name", "Type": "string"}]
    repeated = run(athena, "ALTER TABLE orders ADD COLUMNS (id bigint)")["Status"]
    assert repeated["State"] == "FAILED" and "Duplicate column name: id" in repeated["StateChangeReason"]


def test_set_tblproperties_and_location(lake: Any) -> None:
    athena, glue, s3 = lake.client("athena"), lake.glue, lake.s3
    s3.put_object(Bucket="lake", Key="orders_v2/part-0.csv", Body=b"id,customer,amount\n7,zoe,1.0\n")
    _ok(athena, "ALTER TABLE orders SET TBLPROPERTIES ('owner_team' = 'sales', 'skip.header.line.count' = '1')")
    _ok(athena, "ALTER TABLE orders SET LOCATION 's3://lake/orders_v2/'")
    table = glue.get_table(DatabaseName="sales", Name="orders")["Table"]
    assert table["Parameters"]["owner_team"] == "sales"
    assert table["StorageDescriptor"]["Location"] == "s3://lake/orders_v2/"
    result = _ok(athena, "SELECT id, customer FROM orders")
    assert rows(athena, result["QueryExecutionId"]) == [["id", "customer"], ["7", "zoe"]]
    renamed = run(athena, "ALTER TABLE orders RENAME TO orders_old")["Status"]
    assert renamed["State"] == "FAILED" and renamed["StateChangeReason"].startswith("NOT_SUPPORTED: ")
