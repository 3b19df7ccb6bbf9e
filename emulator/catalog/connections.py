"""Connections of the Data Catalog: CreateConnection, GetConnection, GetConnections, UpdateConnection,
DeleteConnection, BatchDeleteConnection, TestConnection.

Connection names are kept as given (case-sensitive), unlike database and table names. Every connection
is READY at once and ValidateCredentials / ValidateForComputeEnvironments are accepted without effect.
TestConnection really connects to the database of a JDBC connection (PostgreSQL, and Redshift served by
PostgreSQL: emulator/jdbc/connect.py), with its USERNAME/PASSWORD or the Secrets Manager secret it names;
the data stores of other connection types are not reached and test as successful.
"""

from __future__ import annotations

from typing import Any

from .. import tagging
from ..clock import now
from ..context import RequestContext
from ..errors import AlreadyExistsException, EntityNotFoundException, InvalidInputException
from ..jdbc import connect
from ..pagination import paginate
from .common import CONNECTION, arn, catalog_id
from .connection_types import require_registered

_INPUT_MEMBERS = (
    "Description",
    "ConnectionType",
    "MatchCriteria",
    "ConnectionProperties",
    "SparkProperties",
    "AthenaProperties",
    "PythonProperties",
    "PhysicalConnectionRequirements",
)
# Per-compute-environment properties are what schema version 2 connections add.
_ENVIRONMENT_PROPERTIES = ("SparkProperties", "AthenaProperties", "PythonProperties")
# What AuthenticationConfiguration shows back: credentials given on input (basic, custom, OAuth2
# secrets) go to a secret on AWS and are never returned.
_AUTH_MEMBERS = ("AuthenticationType", "SecretArn", "KmsKeyArn")
_OAUTH2_MEMBERS = ("OAuth2GrantType", "OAuth2ClientApplication", "TokenUrl", "TokenUrlParametersMap")


def _authentication(spec: dict[str, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = {m: spec[m] for m in _AUTH_MEMBERS if m in spec}
    oauth2 = {m: spec["OAuth2Properties"][m] for m in _OAUTH2_MEMBERS if m in spec.get("OAuth2Properties", {})}
    if oauth2:
        shown["OAuth2Properties"] = oauth2
    return shown


def _connection(
    ctx: RequestContext, name: str, spec: dict[str, Any], created: float, updated: float
) -> dict[str, Any]:
    """The stored connection: the input's definition plus what Glue records about it.

    LastUpdatedBy names the caller; the emulator knows only the account, so it is the account's root.
    """
    doc: dict[str, Any] = {"Name": name}
    doc.update({m: spec[m] for m in _INPUT_MEMBERS if m in spec})
    doc["CreationTime"] = created
    doc["LastUpdatedTime"] = updated
    doc["LastUpdatedBy"] = f"arn:aws:iam::{ctx.account}:root"
    doc["Status"] = "READY"
    auth = _authentication(spec.get("AuthenticationConfiguration", {}))
    if auth:
        doc["AuthenticationConfiguration"] = auth
    doc["ConnectionSchemaVersion"] = 2 if any(m in spec for m in _ENVIRONMENT_PROPERTIES) else 1
    return doc


def require_connection(ctx: RequestContext, catalog: str, name: str) -> dict[str, Any]:
    doc = ctx.store.get(ctx.scope, CONNECTION, catalog, name)
    if doc is None:
        raise EntityNotFoundException(f"Connection {name} not found.")
    return doc


def _shown(doc: dict[str, Any], hide_password: bool) -> dict[str, Any]:
    """HidePassword leaves out every password property (PASSWORD, ENCRYPTED_PASSWORD and the Kafka
    ones): the flag exists for callers that may not decrypt them, which holds for all of them."""
    if not hide_password or "ConnectionProperties" not in doc:
        return doc
    properties = {k: v for k, v in doc["ConnectionProperties"].items() if not k.endswith("PASSWORD")}
    return {**doc, "ConnectionProperties": properties}


def create_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    catalog = catalog_id(ctx, params)
    spec = params["ConnectionInput"]
    name = spec["Name"]
    require_registered(ctx, spec["ConnectionType"])
    created = now()
    with ctx.store.transaction():
        if not ctx.store.insert(ctx.scope, CONNECTION, catalog, name, _connection(ctx, name, spec, created, created)):
            raise AlreadyExistsException(f"Connection {name} already exists.")
        tagging.set_tags(ctx, arn(ctx, catalog, f"connection/{name}"), params.get("Tags"))
    return {"CreateConnectionStatus": "READY"}


def get_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """ApplyOverrideForComputeEnvironment is accepted and ignored: the per-environment properties
    are returned as stored, next to ConnectionProperties."""
    doc = require_connection(ctx, catalog_id(ctx, params), params["Name"])
    return {"Connection": _shown(doc, params.get("HidePassword", False))}


def _matches(doc: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """The filter: same type and schema version when given, and every MatchCriteria string of the
    filter among the connection's."""
    if "ConnectionType" in wanted and doc.get("ConnectionType") != wanted["ConnectionType"]:
        return False
    if "ConnectionSchemaVersion" in wanted and doc["ConnectionSchemaVersion"] != wanted["ConnectionSchemaVersion"]:
        return False
    return set(wanted.get("MatchCriteria", ())) <= set(doc.get("MatchCriteria", ()))


def get_connections(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    catalog = catalog_id(ctx, params)
    wanted = params.get("Filter", {})
    docs = [doc for _, doc in ctx.store.list(ctx.scope, CONNECTION, catalog) if _matches(doc, wanted)]
    page, token = paginate(docs, params.get("NextToken"), params.get("MaxResults"), 1000, key=lambda d: d["Name"])
    hide = params.get("HidePassword", False)
    result: dict[str, Any] = {"ConnectionList": [_shown(doc, hide) for doc in page]}
    if token:
        result["NextToken"] = token
    return result


def update_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace the definition (not merged); the name, creation time and tags stay.

    AWS documents no renaming through ConnectionInput.Name, so the connection keeps the name it is
    addressed by.
    """
    catalog = catalog_id(ctx, params)
    require_registered(ctx, params["ConnectionInput"]["ConnectionType"])
    with ctx.store.transaction():
        current = require_connection(ctx, catalog, params["Name"])
        updated = _connection(ctx, current["Name"], params["ConnectionInput"], current["CreationTime"], now())
        ctx.store.put(ctx.scope, CONNECTION, catalog, current["Name"], updated)
    return {}


def _delete(ctx: RequestContext, catalog: str, name: str) -> None:
    """Delete one connection and its tags, or EntityNotFoundException."""
    with ctx.store.transaction():
        if not ctx.store.delete(ctx.scope, CONNECTION, catalog, name):
            raise EntityNotFoundException(f"Connection {name} not found.")
        tagging.drop_tags(ctx, arn(ctx, catalog, f"connection/{name}"))


def delete_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _delete(ctx, catalog_id(ctx, params), params["ConnectionName"])
    return {}


def batch_delete_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Each name on its own: misses are reported in Errors, the others deleted."""
    catalog = catalog_id(ctx, params)
    succeeded: list[str] = []
    errors: dict[str, dict[str, str]] = {}
    for name in params["ConnectionNameList"]:
        try:
            _delete(ctx, catalog, name)
        except EntityNotFoundException as error:
            errors[name] = {"ErrorCode": error.code, "ErrorMessage": error.message}
        else:
            succeeded.append(name)
    return {"Succeeded": succeeded, "Errors": errors}


def connection_target(ctx: RequestContext, doc: dict[str, Any]) -> connect.Target:
    """Where a JDBC connection's database is and how to log in (its secret read from the emulator's Secrets
    Manager); ConnectFailed for a missing or bad URL or secret."""
    reader = connect.secret_reader(ctx.settings.endpoint, ctx.account, ctx.region, ctx.settings.run_secret)
    return connect.target(doc.get("ConnectionProperties", {}), doc.get("AuthenticationConfiguration"), reader)


def test_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Log in to the database of a stored connection (ConnectionName) or of TestConnectionInput, then log out.

    Errors: InvalidInputException when both or neither are given, and when the database cannot be reached or
    refuses the login (the message carries the driver's reason, e.g. `FATAL: password authentication failed
    for user "etl"`); EntityNotFoundException for an unknown ConnectionName.
    """
    if ("ConnectionName" in params) == ("TestConnectionInput" in params):
        raise InvalidInputException("Exactly one of ConnectionName or TestConnectionInput must be provided.")
    if "ConnectionName" in params:
        doc = require_connection(ctx, catalog_id(ctx, params), params["ConnectionName"])
    else:
        doc = params["TestConnectionInput"]
    if doc.get("ConnectionType") != "JDBC":
        return {}
    try:
        connect.open_session(connection_target(ctx, doc)).close()
    except connect.ConnectFailed as error:
        raise InvalidInputException(f"Unable to connect to the database: {error}") from None
    return {}
