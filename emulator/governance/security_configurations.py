"""Security configurations: CreateSecurityConfiguration, GetSecurityConfiguration, GetSecurityConfigurations,
DeleteSecurityConfiguration.

A security configuration is stored as GetSecurityConfiguration returns it: Name, CreatedTimeStamp and the
EncryptionConfiguration, whose S3Encryption, CloudWatchEncryption and JobBookmarksEncryption are filled with
mode DISABLED where the request left them out (what AWS returns for a configuration made with only some of them,
as AWS's answers recorded by users show); DataQualityEncryption is returned only when given. A KMS mode
(SSE-KMS, CSE-KMS) needs its KmsKeyArn (InvalidInputException otherwise). Nothing is encrypted locally: there is
no KMS, so the settings are kept and shown, and jobs, crawlers, sessions, dev endpoints and ML transforms that
name a configuration must name an existing one (`require_security_configuration`).

Deleting a configuration that jobs or crawlers name is allowed (AWS's answer in that case is not on record to
us): they keep the name and can still be updated; only a request that names a configuration is checked.
"""

from __future__ import annotations

from typing import Any

from ..clock import now
from ..context import RequestContext
from ..errors import InvalidInputException
from ..records import RecordKind, create_record, delete_record, find_record, list_records, require_record

SECURITY_CONFIGURATION = RecordKind("security-configuration", "SecurityConfiguration")
# (member, mode member, the modes that need a KMS key)
_SINGLE_SETTINGS = (
    ("CloudWatchEncryption", "CloudWatchEncryptionMode", {"SSE-KMS"}),
    ("JobBookmarksEncryption", "JobBookmarksEncryptionMode", {"CSE-KMS"}),
    ("DataQualityEncryption", "DataQualityEncryptionMode", {"SSE-KMS"}),
)
_FILLED = ("CloudWatchEncryption", "JobBookmarksEncryption")


def _setting(member: str, mode_member: str, kms_modes: set[str], given: dict[str, Any]) -> dict[str, Any]:
    """One encryption setting, mode DISABLED when not given; InvalidInputException for a KMS mode without key."""
    mode = given.get(mode_member) or "DISABLED"
    if mode in kms_modes and not given.get("KmsKeyArn"):
        raise InvalidInputException(f"{member}: KmsKeyArn is required when {mode_member} is {mode}.")
    setting = {mode_member: mode}
    if given.get("KmsKeyArn"):
        setting["KmsKeyArn"] = given["KmsKeyArn"]
    return setting


def _encryption_configuration(given: dict[str, Any]) -> dict[str, Any]:
    s3 = given.get("S3Encryption") or [{}]
    result: dict[str, Any] = {
        "S3Encryption": [_setting("S3Encryption", "S3EncryptionMode", {"SSE-KMS"}, item) for item in s3]
    }
    for member, mode_member, kms_modes in _SINGLE_SETTINGS:
        if member in given or member in _FILLED:
            result[member] = _setting(member, mode_member, kms_modes, given.get(member) or {})
    return result


def require_security_configuration(ctx: RequestContext, name: str | None, member: str = "SecurityConfiguration") -> None:
    """Refuse a request naming a security configuration that does not exist (InvalidInputException).

    `name` None or "" names none (nothing to check); `member` is the request member named in the message.
    """
    if name and find_record(ctx, SECURITY_CONFIGURATION, name) is None:
        raise InvalidInputException(f"{member}: security configuration {name} does not exist.")


def create_security_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{Name, CreatedTimestamp}; AlreadyExistsException for a taken name."""
    record = {"Name": params["Name"], "CreatedTimeStamp": now(),
              "EncryptionConfiguration": _encryption_configuration(params["EncryptionConfiguration"])}
    create_record(ctx, SECURITY_CONFIGURATION, params["Name"], record)
    return {"Name": record["Name"], "CreatedTimestamp": record["CreatedTimeStamp"]}


def get_security_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"SecurityConfiguration": require_record(ctx, SECURITY_CONFIGURATION, params["Name"])}


def get_security_configurations(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Every configuration, by name, paged (MaxResults up to 1000)."""
    page, token = list_records(ctx, SECURITY_CONFIGURATION, params)
    result: dict[str, Any] = {"SecurityConfigurations": page}
    if token:
        result["NextToken"] = token
    return result


def delete_security_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    delete_record(ctx, SECURITY_CONFIGURATION, params["Name"])
    return {}
