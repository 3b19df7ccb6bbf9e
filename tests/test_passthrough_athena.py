"""Breaker findings on the pass-through services (moto): an unknown id sent to Athena is answered 500.

AWS answers an Athena call naming a query execution or named query that does not exist with HTTP 400
InvalidRequestException (Athena API reference, GetQueryExecution / GetNamedQuery / StopQueryExecution,
"Errors": InternalServerException and InvalidRequestException, the latter for a request "not valid because
of a problem in the input"). moto raises KeyError there, which the emulator passes on as 500 InternalFailure,
and botocore retries a 500 (so the caller waits through its retries before seeing an opaque error).
Marked xfail(strict=True) until the owner of the pass-through fixes it and removes the mark.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.mark.xfail(strict=True, reason="moto's KeyError on an unknown Athena id reaches the client as 500 "
                   "InternalFailure instead of AWS's 400 InvalidRequestException")
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
