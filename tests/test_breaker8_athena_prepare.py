"""SQL's PREPARE and DEALLOCATE PREPARE, as the Athena user guide's "Querying with prepared statements" shows them
(https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html): the SQL forms of
Create/DeletePreparedStatement, in the query's work group.

Found by breaking: `PREPARE my_select FROM SELECT ...` FAILED with NOT_SUPPORTED, so the guide's
PREPARE-then-EXECUTE recipe could not run; only the API created statements.
"""

from __future__ import annotations

from typing import Any

import pytest
from athena_lake import make_lake, rows, run


@pytest.fixture
def athena(glue_emulator: Any) -> Any:
    make_lake(glue_emulator)
    return glue_emulator.client("athena")


def test_prepare_execute_and_deallocate(athena: Any) -> None:
    prepared = run(athena, "PREPARE by_customer FROM SELECT id FROM orders WHERE customer = ? ORDER BY id")
    assert prepared["Status"]["State"] == "SUCCEEDED", prepared["Status"]
    statement = athena.get_prepared_statement(StatementName="by_customer", WorkGroup="primary")["PreparedStatement"]
    assert statement["QueryStatement"] == "SELECT id FROM orders WHERE customer = ? ORDER BY id"
    executed = run(athena, "EXECUTE by_customer USING 'ann'")
    assert rows(athena, executed["QueryExecutionId"]) == [["id"], ["1"], ["3"]]
    replaced = run(athena, "PREPARE by_customer FROM SELECT count(*) AS n FROM orders WHERE customer = ?")
    assert replaced["Status"]["State"] == "SUCCEEDED"
    counted = run(athena, "EXECUTE by_customer", ExecutionParameters=["'bob'"])
    assert rows(athena, counted["QueryExecutionId"]) == [["n"], ["1"]]
    assert run(athena, "DEALLOCATE PREPARE by_customer")["Status"]["State"] == "SUCCEEDED"
    assert athena.list_prepared_statements(WorkGroup="primary")["PreparedStatements"] == []
    again = run(athena, "DEALLOCATE PREPARE by_customer")["Status"]
    assert again["State"] == "FAILED"
    assert again["StateChangeReason"] == "line 1:1: Prepared statement not found: by_customer"


def test_a_statement_that_does_not_parse_fails_its_prepare(athena: Any) -> None:
    status = run(athena, "PREPARE broken FROM SELEC id FROM orders")["Status"]
    assert status["State"] == "FAILED" and status["StateChangeReason"].startswith("SYNTAX_ERROR: ")
    assert athena.list_prepared_statements(WorkGroup="primary")["PreparedStatements"] == []
