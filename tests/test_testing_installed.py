"""CI tests what users get: the installed package, and servers started by its `glue-emulator` console script.

Outside CI (a developer running from the source tree) only the choice of command is checked.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

import pytest

import emulator
from emulator.testing.server import server_command

CHECKOUT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI") == "true"


def test_server_command_is_the_console_script_next_to_this_python_when_there_is_one() -> None:
    script = Path(sys.executable).parent / "glue-emulator"
    expected = [str(script)] if script.is_file() else [sys.executable, "-m", "emulator"]
    assert server_command() == expected


@pytest.mark.skipif(not IN_CI, reason="CI installs the package non-editable; a developer may run the source tree")
def test_ci_imports_the_installed_package_not_the_checkout() -> None:
    site_packages = Path(sysconfig.get_paths()["purelib"]).resolve()
    package = Path(emulator.__file__).resolve()
    assert package.is_relative_to(site_packages), f"emulator imported from {package}, not {site_packages}"
    assert not package.is_relative_to(CHECKOUT / "emulator")  # .ci/run's venvs may live inside the checkout
    assert str(CHECKOUT) not in sys.path and "" not in sys.path


@pytest.mark.skipif(not IN_CI, reason="CI installs the console script; a developer may run the source tree")
def test_ci_servers_run_the_installed_console_script(glue_emulator_server) -> None:
    script = Path(sys.executable).parent / "glue-emulator"
    assert script.is_file()
    # The process itself, as the kernel sees it: `<python> <venv>/bin/glue-emulator serve ...`.
    argv = Path(f"/proc/{glue_emulator_server.process.pid}/cmdline").read_bytes().split(b"\0")
    assert os.fsdecode(argv[1]) == str(script) and argv[2] == b"serve"
    assert glue_emulator_server.request("GET", "/_emulator/health")[0] == 200
