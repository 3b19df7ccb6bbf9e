"""What a handler knows about the request it serves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import Settings
    from .core import Emulator
    from .store import Store


@dataclass
class RequestContext:
    """The caller's account and region (from SigV4), and the emulator's shared services."""

    account: str
    region: str
    request_id: str
    emulator: Emulator
    # The caller's SigV4 access key id ("" when unsigned or not a caller's request): usage profiles read the
    # IAM principal behind it (emulator/profiles/limits.py).
    access_key: str = ""

    @property
    def scope(self) -> str:
        """The store scope: state is kept apart per account and region."""
        return f"{self.account}/{self.region}"

    @property
    def store(self) -> Store:
        return self.emulator.store

    @property
    def settings(self) -> Settings:
        return self.emulator.settings

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account}:{resource}"
