"""An unknown id sent to Athena gets AWS's 400 (once moto's 500: Athena is now the emulator's own, emulator/athena/).

AWS answers an Athena call naming a query execution or named query that does not exist with HTTP 400
InvalidRequestException (Athena API reference, GetQueryExecution / GetNamedQuery / StopQueryExecution,
"Errors": InternalServerException and InvalidRequestException, the latter for a request "not valid because
of a problem in the input"). moto raised KeyError there, passed on as 500 InternalFailure, which botocore retries.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.mark.parametrize(("operation", "params"), [
    ("get_query_execution", {"QueryExecutionId": "0f0e0d0c-0000-4000-8000-000000000000"}),
    ("get_named_query", {"NamedQueryId": "0f0e0d0c-0000-4000-8000-000000000000"}),
    ("stop_query_execution", {"QueryExecutionId": "0f0e0d0c-0000-4000-8000-000000000000"}),
])
def test_unknown_athena_ids_get_the_aws_400(glue_emulator: Any, operation: str, params: dict[str, Any]) -> None:
    athena = glue_emulator.client("athena")
    with pytest.raises(ClientError) as caught:
        getattr(athena, operation)(**params)
    response = caught.value.response
    assert (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]) == \
        (400, "InvalidRequestException")
