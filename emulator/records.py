"""Records kept as Glue keeps them: the shared lifecycle of the families that are (mostly) stored definitions.

Many Glue families (security configurations, dev endpoints, usage profiles, registries, blueprints, ...) share
one lifecycle: Create answers AlreadyExistsException for a taken name, Get/Update/Delete answer
EntityNotFoundException for an unknown one, List pages with an opaque NextToken, BatchGet returns the found
records and the missing names. A family describes itself once in a `RecordKind` and its operations call these
helpers, so the rules live in one place. Records live in the store under the caller's scope (account/region),
kind `RecordKind.kind`, a parent key (usually "", or the owner's name for nested records) and the record's name.

Error messages follow Glue's form ("<Entity> <name> not found.", "<Entity> <name> already exists."), as
seen in AWS's answers to GetSecurityConfiguration, GetDevEndpoint and the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from . import tagging
from .context import RequestContext
from .errors import AlreadyExistsException, EntityNotFoundException
from .pagination import paginate

Record = dict[str, Any]


@dataclass(frozen=True)
class RecordKind:
    """A family of records: its store kind, the entity name its errors use, and its list page cap.

    `kind`: the store's kind (e.g. "security-configuration"); `entity`: how AWS's messages name one
    (e.g. "SecurityConfiguration"); `page_cap`: the most a List page returns (the model's MaxResults bound).
    """

    kind: str
    entity: str
    page_cap: int = 1000

    def not_found(self, name: str) -> EntityNotFoundException:
        return EntityNotFoundException(f"{self.entity} {name} not found.")

    def already_exists(self, name: str) -> AlreadyExistsException:
        return AlreadyExistsException(f"{self.entity} {name} already exists.")


def create_record(ctx: RequestContext, kind: RecordKind, name: str, record: Record, parent: str = "") -> Record:
    """Store a new record; AlreadyExistsException (and nothing written) when the name is taken."""
    if not ctx.store.insert(ctx.scope, kind.kind, parent, name, record):
        raise kind.already_exists(name)
    return record


def create_tagged_record(ctx: RequestContext, kind: RecordKind, name: str, record: Record, arn: str,
                         tags: dict[str, str] | None, parent: str = "") -> Record:
    """create_record, and the Create request's Tags on the resource `arn`, in one transaction (both or neither)."""
    with ctx.store.transaction():
        create_record(ctx, kind, name, record, parent)
        tagging.set_tags(ctx, arn, tags)
    return record


def find_record(ctx: RequestContext, kind: RecordKind, name: str, parent: str = "") -> Record | None:
    """The record, or None."""
    return ctx.store.get(ctx.scope, kind.kind, parent, name)


def require_record(ctx: RequestContext, kind: RecordKind, name: str, parent: str = "") -> Record:
    """The record; EntityNotFoundException when there is none of that name."""
    record = find_record(ctx, kind, name, parent)
    if record is None:
        raise kind.not_found(name)
    return record


@contextmanager
def updating_record(ctx: RequestContext, kind: RecordKind, name: str, parent: str = "") -> Iterator[Record]:
    """Read-modify-write of one record in one transaction: the caller edits the yielded record in place.

    EntityNotFoundException when there is none; an exception in the body writes nothing.
    """
    with ctx.store.transaction():
        record = require_record(ctx, kind, name, parent)
        yield record
        ctx.store.put(ctx.scope, kind.kind, parent, name, record)


def put_record(ctx: RequestContext, kind: RecordKind, name: str, record: Record, parent: str = "") -> Record:
    """Store a record whether or not one of that name exists (Put* operations)."""
    ctx.store.put(ctx.scope, kind.kind, parent, name, record)
    return record


def delete_record(ctx: RequestContext, kind: RecordKind, name: str, parent: str = "") -> None:
    """Delete the record; EntityNotFoundException when there is none."""
    if not ctx.store.delete(ctx.scope, kind.kind, parent, name):
        raise kind.not_found(name)


def all_records(ctx: RequestContext, kind: RecordKind, parent: str = "") -> list[tuple[str, Record]]:
    """Every record of the kind under `parent`, as (name, record), ordered by name."""
    return ctx.store.list(ctx.scope, kind.kind, parent)


def list_records(
    ctx: RequestContext,
    kind: RecordKind,
    params: dict[str, Any],
    parent: str = "",
    where: Callable[[Record], bool] | None = None,
) -> tuple[list[Record], str | None]:
    """One page of the kind's records (ordered by name) and the NextToken of the next, or None on the last.

    `params` holds the request's NextToken and MaxResults; `where` keeps only matching records (a List's
    filters or tags). InvalidInputException for a token this did not issue.
    """
    rows = [(name, record) for name, record in all_records(ctx, kind, parent) if where is None or where(record)]
    page, token = paginate(rows, params.get("NextToken"), params.get("MaxResults"), kind.page_cap,
                           key=lambda row: row[0])
    return [record for _, record in page], token


def batch_get_records(
    ctx: RequestContext, kind: RecordKind, names: list[str], parent: str = ""
) -> tuple[list[Record], list[str]]:
    """The records of `names` that exist (in the order asked, each once) and the names that do not."""
    unique = list(dict.fromkeys(names))
    return ctx.store.get_each(ctx.scope, kind.kind, parent, unique)
