"""Start and stop a real emulator server process on a free loopback port, and talk to it."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from ..botocore_data import botocore_session

_CLIENT_CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=120)


@functools.cache
def _session() -> boto3.session.Session:
    # The clients name their endpoint, region and keys, so the developer's AWS_PROFILE (their real account's, or
    # one a CI sets without a ~/.aws/config) has nothing to add: botocore_data's session does not look it up. One
    # for all clients, as boto3.client shares its default session (a fresh one costs a client five times as much).
    return boto3.session.Session(botocore_session=botocore_session())


# Seconds a server may take to answer after it is started. A few on an idle machine; on a loaded 2-core one
# (two test processes, each warming Spark drivers, among other builds) a start has taken 108 s.
START_TIMEOUT = 300.0


def server_command() -> list[str]:
    """The command that starts the emulator: the installed `glue-emulator` console script.

    The script next to `sys.executable` (the `bin/` or `Scripts\\` folder of this Python's environment) is
    what a user of the installed package runs, so tests start exactly that; without it (running from a
    source tree that was never installed) the same code is run as `python -m emulator`.
    """
    scripts = Path(sys.executable).parent
    for name in ("glue-emulator", "glue-emulator.exe"):
        if (scripts / name).is_file():
            return [str(scripts / name)]
    return [sys.executable, "-m", "emulator"]


class EmulatorServer:
    """A `glue-emulator serve` subprocess with its own data directory.

    `start()` returns once the health endpoint answers; `stop()` terminates it (the data directory
    stays, so a new server on the same directory sees the same state).
    """

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None, host: str = "127.0.0.1"):
        self.data_dir = Path(data_dir)
        self.host = host
        self.env = env or {}
        self.port: int | None = None
        self.process: subprocess.Popen[str] | None = None
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}-server.log"

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = START_TIMEOUT) -> EmulatorServer:
        """Start the process and return once its health endpoint answers (RuntimeError if it has not within
        `timeout` seconds, for the first line and again for the health check, or if it exits first)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.env}
        cmd = [*server_command(), "serve", "--host", self.host, "--port", "0", "--data-dir", str(self.data_dir)]
        with open(self.log_path, "a") as log:  # the child keeps its own handle on it
            self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True, env=env)
        line = self._first_line(timeout)
        if "listening on" not in line:
            self.stop()
            raise RuntimeError(f"emulator did not start: {line!r}; see {self.log_path}")
        self.port = int(line.rsplit(":", 1)[1])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/_emulator/health")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("emulator health check timed out")

    def _first_line(self, timeout: float) -> str:
        assert self.process is not None and self.process.stdout is not None
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        return result[0].strip() if result else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """End the server abruptly (SIGKILL), as a crash would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    @property
    def credentials(self) -> tuple[str, str]:
        """The key pair clients use: the first of GLUE_EMULATOR_CREDENTIALS if the server has any."""
        configured = self.env.get("GLUE_EMULATOR_CREDENTIALS") or os.environ.get("GLUE_EMULATOR_CREDENTIALS", "")
        first = configured.split(",")[0].strip()
        key, _, secret = first.partition(":")
        return (key, secret) if key and secret else ("testing", "testing")

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """A raw HTTP request (for what botocore would refuse to send).

        Requests to the emulator's own endpoints carry the X-Glue-Emulator header, as a deliberate
        (not cross-site) caller does.
        """
        all_headers = {"X-Glue-Emulator": "1"} if path.startswith(("/_emulator/", "/moto-api/")) else {}
        all_headers.update(headers or {})
        req = urllib.request.Request(self.endpoint + path, data=body, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()

    def glue_raw(self, operation: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        """POST an awsJson Glue request with any body; returns (status, parsed JSON)."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        all_headers = {"X-Amz-Target": f"AWSGlue.{operation}", "Content-Type": "application/x-amz-json-1.1"}
        all_headers.update(headers or {})
        status, _, raw = self.request("POST", "/", data, all_headers)
        return status, json.loads(raw) if raw else {}

    def reset(self) -> None:
        """Wipe all state (signed with `credentials`, so it also works with GLUE_EMULATOR_VERIFY_SIGV4=1)."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        signed = AWSRequest("POST", self.endpoint + "/_emulator/reset", data=b"{}",
                            headers={"Content-Type": "application/json"})
        SigV4Auth(Credentials(*self.credentials), "glue", "us-east-1").add_auth(signed)
        status, _, body = self.request("POST", "/_emulator/reset", b"{}", dict(signed.headers.items()))
        assert status == 200, body

    def client(self, service: str, region: str = "us-east-1", access_key: str = "testing") -> Any:
        """A boto3 client; the default key becomes the server's first configured pair, if it has any."""
        key, secret = self.credentials if access_key == "testing" else (access_key, "testing")
        return _session().client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            config=_CLIENT_CONFIG,
        )
