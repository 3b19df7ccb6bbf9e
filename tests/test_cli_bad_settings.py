"""Bad --port values and GLUE_EMULATOR_* variables stop `glue-emulator` with one line naming them, before any
folder is made: a port past 65535 used to wrap around (99999 served on 34463) and a non-number raised a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import emulator

# Where this test process found `emulator` (the source tree, or site-packages when installed): the CLI runs the same.
PACKAGE_ROOT = Path(emulator.__file__).resolve().parents[1]


def _cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GLUE_EMULATOR_")}
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), environ.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "emulator", *args], cwd=tmp_path, env={**environ, **env},
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(("port", "message"), [
    ("99999", "a port is between 0 and 65535 (0 picks a free one), not 99999"),
    ("-1", "a port is between 0 and 65535 (0 picks a free one), not -1"),
    ("http", "invalid port: 'http'"),
])
@pytest.mark.parametrize("command", ["serve", "doctor"])
def test_a_port_flag_out_of_range_is_refused(tmp_path, command, port, message):
    done = _cli(tmp_path, command, "--port", port)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == f"glue-emulator {command}: error: argument --port: {message}"
    assert not (tmp_path / ".glue-emulator").exists()


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("GLUE_EMULATOR_PORT", "70000", "GLUE_EMULATOR_PORT must be between 0 and 65535 (0 picks a free port), not 70000"),
    ("GLUE_EMULATOR_PORT", "4566x", "GLUE_EMULATOR_PORT must be an integer, not '4566x'"),
    ("GLUE_EMULATOR_THREADS", "many", "GLUE_EMULATOR_THREADS must be an integer, not 'many'"),
    ("GLUE_EMULATOR_TIME_SCALE", "fast", "GLUE_EMULATOR_TIME_SCALE must be a number, not 'fast'"),
])
def test_a_bad_environment_setting_is_one_line_not_a_traceback(tmp_path, variable, value, message):
    done = _cli(tmp_path, "serve", **{variable: value})
    assert done.returncode == 1
    assert done.stderr.strip() == f"glue-emulator: {message}"
    assert not (tmp_path / ".glue-emulator").exists()
