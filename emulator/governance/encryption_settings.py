"""The Data Catalog's encryption settings: GetDataCatalogEncryptionSettings, PutDataCatalogEncryptionSettings.

Settings are kept per catalog (CatalogId, the caller's account when not given) in the caller's region. A catalog
never set answers AWS's defaults: EncryptionAtRest mode DISABLED and ReturnConnectionPasswordEncrypted false.
Put replaces both members (a member left out returns to its default), as the API reference describes Put. Its
checks (InvalidInputException): SSE-KMS-WITH-SERVICE-ROLE needs CatalogEncryptionServiceRole, and
ReturnConnectionPasswordEncrypted true needs AwsKmsKeyId (the key that would encrypt the passwords). There is no
KMS here: nothing is encrypted and connection passwords are returned as stored.
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import InvalidInputException
from ..records import RecordKind, find_record, put_record

ENCRYPTION_SETTINGS = RecordKind("catalog-encryption-settings", "DataCatalogEncryptionSettings")
DEFAULT_AT_REST = {"CatalogEncryptionMode": "DISABLED"}
DEFAULT_PASSWORD_ENCRYPTION = {"ReturnConnectionPasswordEncrypted": False}


def _catalog(ctx: RequestContext, params: dict[str, Any]) -> str:
    return params.get("CatalogId") or ctx.account


def get_data_catalog_encryption_settings(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{DataCatalogEncryptionSettings: {EncryptionAtRest, ConnectionPasswordEncryption}}, defaults when never put."""
    stored = find_record(ctx, ENCRYPTION_SETTINGS, _catalog(ctx, params))
    settings = stored or {"EncryptionAtRest": DEFAULT_AT_REST, "ConnectionPasswordEncryption":
                          DEFAULT_PASSWORD_ENCRYPTION}
    return {"DataCatalogEncryptionSettings": settings}


def put_data_catalog_encryption_settings(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    given = params["DataCatalogEncryptionSettings"]
    at_rest = given.get("EncryptionAtRest") or DEFAULT_AT_REST
    if at_rest["CatalogEncryptionMode"] == "SSE-KMS-WITH-SERVICE-ROLE" and not at_rest.get("CatalogEncryptionServiceRole"):
        raise InvalidInputException(
            "CatalogEncryptionServiceRole is required when CatalogEncryptionMode is SSE-KMS-WITH-SERVICE-ROLE."
        )
    passwords = given.get("ConnectionPasswordEncryption") or DEFAULT_PASSWORD_ENCRYPTION
    if passwords["ReturnConnectionPasswordEncrypted"] and not passwords.get("AwsKmsKeyId"):
        raise InvalidInputException("AwsKmsKeyId is required when ReturnConnectionPasswordEncrypted is true.")
    put_record(ctx, ENCRYPTION_SETTINGS, _catalog(ctx, params),
               {"EncryptionAtRest": at_rest, "ConnectionPasswordEncryption": passwords})
    return {}
