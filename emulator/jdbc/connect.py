"""Connecting to a JDBC connection's database from the server (TestConnection, crawls, entity previews).

A Glue connection names its database with JDBC_CONNECTION_URL and its credentials with USERNAME/PASSWORD,
or with a Secrets Manager secret (the SECRET_ID property, or AuthenticationConfiguration.SecretArn) whose
JSON holds `username` and `password`. JDBC_ENFORCE_SSL=true requires TLS. PostgreSQL (and Redshift, served
by PostgreSQL) is reached with pg8000; other engines raise `ConnectFailed` saying so.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import urls

CONNECT_TIMEOUT_SECONDS = 10.0
SecretReader = Callable[[str], str]  # secret id or ARN -> SecretString


class ConnectFailed(Exception):
    """The database could not be reached or refused the login; the message says why (the driver's words)."""


@dataclass(frozen=True)
class Target:
    """Everything needed to open a session: the parsed URL, the login, whether TLS is required."""

    url: urls.JdbcUrl
    user: str | None
    password: str | None
    require_ssl: bool


def target(properties: dict[str, str], auth: dict[str, Any] | None, read_secret: SecretReader) -> Target:
    """The Target of a connection's properties; ConnectFailed for a missing or bad URL or secret."""
    raw = properties.get("JDBC_CONNECTION_URL")
    if not raw:
        raise ConnectFailed("The connection has no JDBC_CONNECTION_URL property")
    try:
        url = urls.parse(raw)
    except urls.InvalidJdbcUrl as error:
        raise ConnectFailed(str(error)) from None
    user, password = properties.get("USERNAME"), properties.get("PASSWORD")
    secret_id = properties.get("SECRET_ID") or (auth or {}).get("SecretArn")
    if secret_id:
        user, password = _secret_login(secret_id, read_secret)
    return Target(url, user, password, properties.get("JDBC_ENFORCE_SSL", "false").lower() == "true")


def _secret_login(secret_id: str, read_secret: SecretReader) -> tuple[str | None, str | None]:
    try:
        value = json.loads(read_secret(secret_id))
    except ConnectFailed:
        raise
    except (ValueError, TypeError):
        raise ConnectFailed(f"The secret {secret_id} does not hold JSON with username and password") from None
    if not isinstance(value, dict):
        raise ConnectFailed(f"The secret {secret_id} does not hold JSON with username and password")
    return value.get("username"), value.get("password")


def open_session(where: Target, database: str | None = None) -> Any:
    """A DB-API connection (pg8000) to the target's database (or `database`); ConnectFailed otherwise."""
    if not where.url.speaks_postgres:
        raise ConnectFailed(f"The emulator reaches PostgreSQL and Redshift (served by PostgreSQL) databases only, "
                            f"not {where.url.vendor}")
    import pg8000.dbapi

    try:
        return pg8000.dbapi.connect(
            user=where.user or "", password=where.password, host=where.url.host, port=where.url.port,
            database=database or where.url.database or None, timeout=CONNECT_TIMEOUT_SECONDS,
            ssl_context=ssl.create_default_context() if where.require_ssl else None)
    except pg8000.dbapi.DatabaseError as error:
        raise ConnectFailed(_server_message(error)) from None
    except (pg8000.dbapi.InterfaceError, OSError) as error:
        raise ConnectFailed(f"Connection to {where.url.host}:{where.url.port} refused or timed out: "
                            f"{error}") from None


def _server_message(error: Exception) -> str:
    """PostgreSQL's error as its JDBC driver words it: `FATAL: <message>` (pg8000 gives the fields)."""
    fields = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    if "M" in fields:
        return f"{fields.get('S', 'ERROR')}: {fields['M']}"
    return str(error)


def secret_reader(endpoint: str, account: str, region: str, run_secret: str) -> SecretReader:
    """Reads SecretString from the Secrets Manager this emulator serves (moto pass-through on `endpoint`), signed
    as the caller's account the way job runs sign their calls."""

    def read(secret_id: str) -> str:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        client = boto3.client("secretsmanager", endpoint_url=endpoint, region_name=region,
                              aws_access_key_id=account, aws_secret_access_key=run_secret)
        try:
            return str(client.get_secret_value(SecretId=secret_id)["SecretString"])
        except ClientError as error:
            raise ConnectFailed(f"Secrets Manager: {error.response['Error'].get('Message', error)} "
                                f"({secret_id})") from None
        except (BotoCoreError, KeyError) as error:
            raise ConnectFailed(f"Secrets Manager could not be read for {secret_id}: {error}") from None

    return read
