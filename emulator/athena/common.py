"""What every Athena module needs: Athena's error, store kinds, timestamps and paging.

Athena answers a bad request with HTTP 400 `InvalidRequestException` carrying `AthenaErrorCode` and `Message`
(Athena API reference, "Errors" of every operation), never Glue's EntityNotFound/AlreadyExists: an unknown
query execution id is "QueryExecution <id> was not found", an unknown work group "WorkGroup <name> is not
found.".
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Sequence
from typing import TypeVar

from ..errors import AwsError

T = TypeVar("T")

QUERY = "athena_query"
WORKGROUP = "athena_workgroup"
NAMED_QUERY = "athena_named_query"
PREPARED_STATEMENT = "athena_prepared_statement"
DATA_CATALOG = "athena_data_catalog"
PRIMARY = "primary"
DEFAULT_CATALOG = "AwsDataCatalog"


def invalid_request(message: str, athena_code: str = "INVALID_INPUT") -> AwsError:
    """Athena's 400 InvalidRequestException with its AthenaErrorCode member."""
    return AwsError(message, code="InvalidRequestException", AthenaErrorCode=athena_code)


def metadata_error(message: str) -> AwsError:
    """Athena's MetadataException (GetTableMetadata and the like on a missing database or table)."""
    return AwsError(message, code="MetadataException")


def now() -> float:
    return time.time()


def next_token(position: int) -> str:
    """The NextToken standing for an offset into a list."""
    return base64.urlsafe_b64encode(json.dumps({"at": position}).encode()).decode()


def token_position(token: str | None) -> int:
    """The offset a NextToken of ours stands for; InvalidRequestException for one we did not issue."""
    if not token:
        return 0
    try:
        position = json.loads(base64.urlsafe_b64decode(token.encode()))["at"]
    except Exception:
        raise invalid_request("Invalid NextToken") from None
    if not isinstance(position, int) or position < 0:
        raise invalid_request("Invalid NextToken")
    return position


def page(items: Sequence[T], token: str | None, max_results: int | None, default: int) -> tuple[list[T], str | None]:
    """One page of `items` from the token's offset, and the NextToken of the next (None on the last)."""
    start = token_position(token)
    size = max_results or default
    chosen = list(items[start:start + size])
    return chosen, (next_token(start + size) if start + size < len(items) else None)
