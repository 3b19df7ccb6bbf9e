"""The README's first examples as a newcomer runs them: in order, against the one server the quick start started,
from an empty directory (a user has no `./orders` folder of ours).

The quick start's Python example, then the AWS CLI example pasted into a shell that stops at the first error.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from clients.readme import client_env, example, run


def test_quickstart_then_awscli_example_in_an_empty_directory(glue_emulator, tmp_path: Path) -> None:
    aws = shutil.which("aws", path=str(Path(sys.executable).parent))
    if aws is None:
        pytest.skip("the AWS CLI is not installed next to this Python (pip install '.[test]')")
    env = client_env(tmp_path)
    run([sys.executable, "-c", example("quickstart", glue_emulator.endpoint)], tmp_path, env)

    out = run(["bash", "-euo", "pipefail", "-c", example("awscli", glue_emulator.endpoint)], tmp_path, env)

    listed = [line.split()[-1] for line in out.splitlines() if line.startswith("20")]  # `s3 ls` lines: date first
    assert listed, out
    assert all(key.startswith("orders/") for key in listed)
    for key in listed:
        local = tmp_path / key
        assert (tmp_path / "orders-copy" / key.removeprefix("orders/")).read_bytes() == local.read_bytes()
    databases = {d["Name"] for d in glue_emulator.glue.get_databases()["DatabaseList"]}
    assert {"sales", "sales_cli"} <= databases  # the quick start's, and the CLI example's own beside it
