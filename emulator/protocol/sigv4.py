"""The SigV4 credential scope of a request: who (account) asks where (region) for what (service).

The scope keeps state apart per account and region and routes by service. Signatures are checked
only with GLUE_EMULATOR_VERIFY_SIGV4=1, before any protocol sees the request (security/signatures.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..config import DEFAULT_ACCOUNT, DEFAULT_REGION

_CREDENTIAL = re.compile(r"Credential=([^/,\s]*)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


@dataclass(frozen=True)
class Scope:
    access_key: str
    region: str
    service: str | None  # None when the request is not signed

    @property
    def account(self) -> str:
        """A 12-digit access key id is taken as the account id (as moto does); else the default."""
        key = self.access_key
        return key if len(key) == 12 and key.isdigit() else DEFAULT_ACCOUNT


def parse_scope(headers: Mapping[str, str], query: Mapping[str, str]) -> Scope:
    """Read the scope from the Authorization header or a presigned URL's X-Amz-Credential."""
    auth = headers.get("Authorization", "")
    match = _CREDENTIAL.search(auth)
    if match is None:
        credential = query.get("X-Amz-Credential")
        if credential:
            match = _CREDENTIAL.search("Credential=" + credential)
    if match is None:
        return Scope(access_key="", region=DEFAULT_REGION, service=None)
    access_key, _date, region, service = match.groups()
    if not _REGION.match(region):
        region = DEFAULT_REGION
    return Scope(access_key=access_key, region=region, service=service)
