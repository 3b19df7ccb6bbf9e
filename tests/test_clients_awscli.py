"""The AWS CLI (v1, a test extra) runs the README's example against a live emulator."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from clients.readme import client_env, example, run


def test_readme_awscli_example(glue_emulator, tmp_path: Path) -> None:
    aws = shutil.which("aws", path=str(Path(sys.executable).parent))
    if aws is None:
        pytest.skip("the AWS CLI is not installed next to this Python (pip install '.[test]')")
    orders = tmp_path / "orders"
    (orders / "dt=2024-01-01").mkdir(parents=True)
    (orders / "dt=2024-01-01" / "part-0.csv").write_text("id,amount\n1,9.5\n2,20.0\n")
    (orders / "readme.txt").write_bytes(b"\x00binary\xff" * 1000)

    out = run(["bash", "-euo", "pipefail", "-c", example("awscli", glue_emulator.endpoint)], tmp_path,
              client_env(tmp_path))

    assert out.splitlines()[0] == "sales_cli"
    assert glue_emulator.glue.get_database(Name="sales_cli")["Database"]["Name"] == "sales_cli"
    stored = {o["Key"]: o["Size"] for o in glue_emulator.s3.list_objects_v2(Bucket="lake")["Contents"]}
    assert stored == {"orders/dt=2024-01-01/part-0.csv": 23, "orders/readme.txt": 8000}
    assert "orders/dt=2024-01-01/part-0.csv" in out and "orders/readme.txt" in out
    for path in ("dt=2024-01-01/part-0.csv", "readme.txt"):
        assert (tmp_path / "orders-copy" / path).read_bytes() == (orders / path).read_bytes()
