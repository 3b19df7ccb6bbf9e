"""The pytest plugin users get (entry point `pytest11`): a live emulator for their tests.

- `glue_emulator_server` (session): one server process on a free loopback port, its own data dir.
- `glue_emulator` (function): the same server, reset before the test, with `.endpoint`,
  `.glue`, `.s3` and `.client(name, region)` ready to use.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from .server import START_TIMEOUT, EmulatorServer


class EmulatorHandle:
    """What a test receives: the endpoint and boto3 clients pointed at it."""

    def __init__(self, server: EmulatorServer):
        self.server = server
        self.endpoint = server.endpoint
        self._clients: dict[tuple[str, str], Any] = {}

    def client(self, service: str, region: str = "us-east-1") -> Any:
        if (service, region) not in self._clients:
            self._clients[(service, region)] = self.server.client(service, region)
        return self._clients[(service, region)]

    @property
    def glue(self) -> Any:
        return self.client("glue")

    @property
    def s3(self) -> Any:
        return self.client("s3")


def session_server_env() -> dict[str, str]:
    """The environment variables `glue_emulator_server` sets on top of the test process's own."""
    return {"GLUE_EMULATOR_VALIDATE_RESPONSES": os.environ.get("GLUE_EMULATOR_VALIDATE_RESPONSES", "1")}


@pytest.fixture(scope="session")
def glue_emulator_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    server = EmulatorServer(tmp_path_factory.mktemp("glue-emulator") / "data", env=session_server_env()).start(START_TIMEOUT)
    yield server
    server.stop()


@pytest.fixture
def glue_emulator(glue_emulator_server: EmulatorServer) -> EmulatorHandle:
    glue_emulator_server.reset()
    return EmulatorHandle(glue_emulator_server)
