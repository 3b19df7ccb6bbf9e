"""The README's examples as the tests run them, so README and tests cannot drift apart.

An example is the fenced code block that follows an HTML comment `<!-- example: NAME -->` in README.md.
Examples are written for the default endpoint `127.0.0.1:4566`; `for_endpoint` points them at a test's server.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
DEFAULT_HOST_PORT = "127.0.0.1:4566"
# The example's environment: the dummy credentials and region the README's examples assume.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}

_EXAMPLE = re.compile(r"<!-- example: (?P<name>[\w-]+) -->\s*\n```[\w-]*\n(?P<code>.*?)\n```", re.DOTALL)


def examples() -> dict[str, str]:
    """Every marked example of README.md: name -> code (without the fences)."""
    found: dict[str, str] = {}
    for match in _EXAMPLE.finditer(README.read_text(encoding="utf-8")):
        assert match["name"] not in found, f"two README examples named {match['name']}"
        found[match["name"]] = match["code"]
    return found


def example(name: str, endpoint: str) -> str:
    """The README example `name`, with its endpoint replaced by `endpoint` (`http://host:port`)."""
    code = examples()[name]
    assert DEFAULT_HOST_PORT in code, f"README example {name} does not name the endpoint {DEFAULT_HOST_PORT}"
    return code.replace(DEFAULT_HOST_PORT, endpoint.removeprefix("http://"))


def client_env(home: Path) -> dict[str, str]:
    """A clean environment for a client: dummy credentials, `home` as HOME, this venv's scripts first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "PYTHONPATH"}
    env.update(CREDENTIALS)
    env["HOME"] = str(home)  # pyiceberg, DuckDB and the CLI read or write dot files there
    env["AWS_CONFIG_FILE"] = str(home / "aws-config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(home / "aws-credentials")
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    """Run a client; return its stdout, failing with its whole output if it exits non-zero."""
    done = subprocess.run(cmd, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{cmd[0]} exited {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    return done.stdout

