"""botocore's model is read without the developer's AWS profile: a profile missing from ~/.aws/config (a CI
setting AWS_PROFILE without the file) must not break an in-process emulator (the server drops it at `serve`)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def test_models_are_read_with_a_profile_that_does_not_exist(tmp_path) -> None:
    code = textwrap.dedent("""
        import botocore.session
        from botocore.exceptions import ProfileNotFound
        try:  # the premise: a default session cannot read its data path with this profile
            botocore.session.get_session().get_component("data_loader")
            raise SystemExit("botocore no longer looks the profile up: this test proves nothing")
        except ProfileNotFound:
            pass
        from emulator.catalog.connection_types import builtin_types
        from emulator.protocol.passthrough_checks import _model
        from emulator.testing.server import EmulatorServer
        assert "JDBC" in builtin_types()
        assert _model("sqs") is not None  # moto's requests are still checked against botocore's model
        assert EmulatorServer(__import__("pathlib").Path("d")).client("glue").meta.region_name == "us-east-1"
        print("ok")
    """)
    env = {**os.environ, "AWS_PROFILE": "no-such-profile", "AWS_CONFIG_FILE": str(tmp_path / "config"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials")}
    done = subprocess.run([sys.executable, "-c", code], check=False, env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "ok", done.stderr[-2000:]
