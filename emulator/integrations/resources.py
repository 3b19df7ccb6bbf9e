"""The resources a zero-ETL integration joins, and whether they exist here.

Sources (https://docs.aws.amazon.com/glue/latest/dg/zero-etl-using.html): a DynamoDB table
(`arn:aws:dynamodb:<region>:<account>:table/<name>`, looked up in the DynamoDB the emulator serves through
moto) or a Glue connection to a SaaS application (`arn:aws:glue:<region>:<account>:connection/<name>`).
Targets: a Glue database (`...:database/<name>`, or `...:database/<catalog>/<name>` in a created catalog), an
S3 Tables or other federated catalog (`...:catalog/<path>`, not checked: federated catalogs are not kept here), or
a Redshift namespace (Redshift or Redshift Serverless ARN, not checked). A Glue resource that does not exist is
EntityNotFoundException, a DynamoDB table that does not exist ResourceNotFoundException, any other ARN
ValidationException.
"""

from __future__ import annotations

import re

from ..catalog.common import CONNECTION, DATABASE, arn_catalog, database_parent
from ..context import RequestContext
from ..errors import AwsError, EntityNotFoundException, ResourceNotFoundException, ValidationException

_GLUE = re.compile(r"^arn:aws[a-z-]*:glue:([a-z0-9-]+):(\d{12}):(connection|database|catalog)/(.+)$")
_DYNAMODB_TABLE = re.compile(r"^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table/([A-Za-z0-9_.-]{3,255})$")
_REDSHIFT = re.compile(r"^arn:aws[a-z-]*:(redshift|redshift-serverless):[a-z0-9-]+:\d{12}:namespace[:/].+$")


class ConflictException(AwsError):
    code = "ConflictException"


class IntegrationNotFoundFault(AwsError):
    code = "IntegrationNotFoundFault"


class IntegrationConflictOperationFault(AwsError):
    code = "IntegrationConflictOperationFault"


def _glue_resource(ctx: RequestContext, arn: str, kinds: tuple[str, ...]) -> tuple[str, str] | None:
    """(kind, name) of a Glue ARN of one of `kinds` in the caller's region; EntityNotFoundException when a
    connection or database of that ARN does not exist; None when the ARN is not such a Glue ARN."""
    match = _GLUE.match(arn)
    if match is None or match.group(3) not in kinds:
        return None
    region, account, kind, name = match.groups()
    if kind == "catalog":
        return kind, name
    if kind == "connection":
        stored = ctx.store.get(f"{account}/{region}", CONNECTION, account, name)
    else:  # `database/<name>` in the account's catalog, `database/<catalog>/<name>` in a created one
        found = arn_catalog(account, name.lower().split("/"), 1)
        stored = found and ctx.store.get(f"{account}/{region}", DATABASE, database_parent(found[0]), found[1][0])
    if stored is None:
        raise EntityNotFoundException(f"{kind.capitalize()} {name} not found for ARN {arn}.")
    return kind, name


def _dynamodb_table_exists(account: str, region: str, name: str) -> bool:
    from moto.dynamodb.models import dynamodb_backends  # imported here: importing moto costs over a second

    if account not in dynamodb_backends:
        return False
    try:
        dynamodb_backends[account][region].get_table(name)
    except Exception:  # moto's ResourceNotFoundException
        return False
    return True


def check_source(ctx: RequestContext, arn: str) -> None:
    """A SourceArn an integration can read: an existing DynamoDB table or Glue connection."""
    table = _DYNAMODB_TABLE.match(arn)
    if table is not None:
        if not _dynamodb_table_exists(table.group(2), table.group(1), table.group(3)):
            raise ResourceNotFoundException(f"Source table {arn} does not exist.")
        return
    if _glue_resource(ctx, arn, ("connection",)) is None:
        raise ValidationException(
            f"SourceArn {arn} is not a supported zero-ETL source: a DynamoDB table or a Glue connection ARN."
        )


def check_target(ctx: RequestContext, arn: str) -> None:
    """A TargetArn an integration can write: an existing Glue database, a catalog, or a Redshift namespace."""
    if _REDSHIFT.match(arn) is None and _glue_resource(ctx, arn, ("database", "catalog")) is None:
        raise ValidationException(
            f"TargetArn {arn} is not a supported zero-ETL target: a Glue database or catalog ARN, or a Redshift "
            "namespace ARN."
        )


def check_property_resource(ctx: RequestContext, arn: str) -> None:
    """A ResourceArn of resource or table properties: a source (connection, DynamoDB table) or target
    (database, catalog) of an integration."""
    table = _DYNAMODB_TABLE.match(arn)
    if table is not None:
        if not _dynamodb_table_exists(table.group(2), table.group(1), table.group(3)):
            raise ResourceNotFoundException(f"Resource {arn} does not exist.")
        return
    if _glue_resource(ctx, arn, ("connection", "database", "catalog")) is None:
        raise ValidationException(
            f"ResourceArn {arn} is not the ARN of an integration's source (Glue connection, DynamoDB table) or "
            "target (Glue database or catalog)."
        )


def tag_map(tags: list[dict[str, str]] | None) -> dict[str, str]:
    """An IntegrationTagsList ({key, value} items; the model makes neither required) as a tag map; an item
    without a key is ValidationException, and reserved `aws:` keys are refused later by tagging.check_tags."""
    result: dict[str, str] = {}
    for tag in tags or []:
        if "key" not in tag:
            raise ValidationException("Each tag needs a key.")
        result[tag["key"]] = tag.get("value", "")
    return result
