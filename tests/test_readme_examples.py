"""The README's own examples outside "Using it from other tools": the quick start and the pytest fixture."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from clients.readme import client_env, example, examples, run


def test_readme_quickstart_example(glue_emulator, tmp_path: Path) -> None:
    out = run([sys.executable, "-c", example("quickstart", glue_emulator.endpoint)], tmp_path, client_env(tmp_path))

    assert out.splitlines() == ["[['2024-02-01'], ['2024-03-01']]"]  # the value the README's comment shows
    assert glue_emulator.glue.get_table(DatabaseName="sales", Name="orders")["Table"]["PartitionKeys"] == [
        {"Name": "dt", "Type": "date"}]


def test_readme_pytest_fixture_example(tmp_path: Path) -> None:
    """A user's project outside the checkout: the installed plugin's fixture serves the README's test."""
    (tmp_path / "test_my_pipeline.py").write_text(examples()["pytest-fixture"] + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["GLUE_EMULATOR_SPARK_PREWARM"] = "0"  # as the README advises for a suite with no glueetl jobs
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_my_pipeline.py"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
