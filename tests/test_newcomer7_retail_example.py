"""The README's Console section, as a newcomer runs it: `python examples/retail_pipeline/deploy_and_run.py
--fail-cleaning` on a fresh server, then on one where an earlier run left a curated table behind.

The README promises the run takes the error branch and the script prints the admin's alert. The cleaning job
failing means there is no curated table of this run to check with Athena: the script must say so and go on to the
alert, not exit 1 on Athena's TABLE_NOT_FOUND (fresh server) nor print an older run's table as this run's.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from clients.readme import client_env, run

# The session server's environment (real time: the example's jobs have a 30-minute Timeout).
SERVER_ENV = {"GLUE_EMULATOR_VALIDATE_RESPONSES": "1"}
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "retail_pipeline" / "deploy_and_run.py"


def _deploy_and_run(server: Any, tmp_path: Path, *flags: str) -> str:
    return run([sys.executable, str(EXAMPLE), "--endpoint", server.endpoint, *flags], tmp_path,
               client_env(tmp_path), timeout=900)


def test_fail_cleaning_skips_the_athena_check_and_prints_the_admin_alert(server: Any, glue: Any,
                                                                         tmp_path: Path) -> None:
    out = _deploy_and_run(server, tmp_path, "--fail-cleaning")

    assert "JOB      retail-clean-orders        FAILED" in out, out
    assert "Athena check: skipped (retail-clean-orders did not succeed in this run)" in out, out
    assert "TABLE_NOT_FOUND" not in out
    assert '"jobName": "retail-clean-orders"' in out.split("Admin alert:", 1)[1], out


def test_fail_cleaning_after_a_good_run_does_not_show_the_old_table_as_this_runs(server: Any, glue: Any,
                                                                                tmp_path: Path) -> None:
    good = _deploy_and_run(server, tmp_path)
    assert "Athena check: SELECT country" in good, good

    out = _deploy_and_run(server, tmp_path, "--fail-cleaning")

    assert "Athena check: skipped" in out, out
    assert "Athena check: SELECT" not in out
    assert "Admin alert:" in out
