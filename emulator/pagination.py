"""NextToken/MaxResults as AWS does them: an opaque token, absent on the last page."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from .errors import InvalidInputException

T = TypeVar("T")


def encode_token(position: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": position}).encode()).decode()


def decode_token(token: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))["after"]
    except Exception:
        raise InvalidInputException("Invalid pagination token") from None


def token_after(next_token: str | None, kind: type = str) -> Any:
    """The position a NextToken holds (None without one), which must be of `kind` (a token of another
    listing is InvalidInputException, as any token this listing did not issue)."""
    if not next_token:
        return None
    after = decode_token(next_token)
    if not isinstance(after, kind):
        raise InvalidInputException("Invalid pagination token")
    return after


def paginate(
    items: Sequence[T],
    next_token: str | None,
    max_results: int | None,
    page_cap: int,
    key: Callable[[T], Any],
) -> tuple[list[T], str | None]:
    """One page of `items` (sorted by `key`): those after the token's key, at most MaxResults.

    Tokens hold the last key returned, not an offset, so deleting items between pages neither
    skips nor repeats the others.
    """
    start = 0
    if next_token:
        after = decode_token(next_token)
        start = next((i for i, item in enumerate(items) if key(item) > after), len(items))
    size = min(max_results or page_cap, page_cap)
    page = list(items[start : start + size])
    more = start + size < len(items)
    return page, (encode_token(key(page[-1])) if more and page else None)


def page_of(
    items: Iterable[T], max_results: int | None, page_cap: int, key: Callable[[T], Any]
) -> tuple[list[T], str | None]:
    """One page from `items`, which already start after the token's position (read lazily, in `key` order):
    at most MaxResults, and the NextToken of the rest when one more item exists.

    Reads one item past the page and no further, so a listing served this way costs each page its own
    size instead of the whole listing's.
    """
    size = min(max_results or page_cap, page_cap)
    page: list[T] = []
    for item in items:
        if len(page) == size:
            return page, encode_token(key(page[-1]))
        page.append(item)
    return page, None
