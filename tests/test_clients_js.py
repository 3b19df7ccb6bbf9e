"""The AWS SDK for JavaScript v3 (tests/clients/js, installed by `npm ci`) runs the README's example."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from clients.readme import client_env, example, run

JS_FOLDER = Path(__file__).resolve().parent / "clients" / "js"


def test_readme_js_sdk_example(glue_emulator, tmp_path: Path) -> None:
    if shutil.which("node") is None or not (JS_FOLDER / "node_modules" / "@aws-sdk" / "client-glue").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must install the JS SDK: npm ci in tests/clients/js (.ci/run does)")
        pytest.skip("node or the JS SDK is missing: run npm ci in tests/clients/js")
    # ESM code given with --eval resolves packages from the working directory, which holds node_modules.
    code = example("js-sdk", glue_emulator.endpoint)
    out = run(["node", "--input-type=module", "--eval", code], JS_FOLDER, client_env(tmp_path))

    # pageSize 1: the paginator follows NextToken through one page per table.
    assert out.splitlines() == ["table pages", "table visits", "body <h1>hello</h1>"]
    tables = glue_emulator.glue.get_tables(DatabaseName="web")["TableList"]
    assert sorted(t["Name"] for t in tables) == ["pages", "visits"]
    body = glue_emulator.s3.get_object(Bucket="site", Key="index.html")["Body"].read()
    assert body == b"<h1>hello</h1>"
