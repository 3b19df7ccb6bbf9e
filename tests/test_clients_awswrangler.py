"""awswrangler (a test extra) runs the README's example: a partitioned Parquet dataset and its catalog table."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from clients.readme import client_env, example, run


def test_readme_awswrangler_example(glue_emulator, tmp_path: Path) -> None:
    pytest.importorskip("awswrangler", reason="pip install '.[test]' installs awswrangler")

    out = run([sys.executable, "-c", example("awswrangler", glue_emulator.endpoint)], tmp_path, client_env(tmp_path))

    lines = out.splitlines()
    assert lines[0] == "{'id': 'bigint', 'amount': 'double', 'dt': 'string'}"
    assert lines[1] == "[['2024-01-01'], ['2024-01-02']]"
    assert lines[2] == "32.75"
    table = glue_emulator.glue.get_table(DatabaseName="analytics", Name="sales")["Table"]
    assert table["StorageDescriptor"]["Location"] == "s3://lake/sales/"
    assert [k["Name"] for k in table["PartitionKeys"]] == ["dt"]
    keys = [o["Key"] for o in glue_emulator.s3.list_objects_v2(Bucket="lake", Prefix="sales/")["Contents"]]
    assert {k.split("/")[1] for k in keys} == {"dt=2024-01-01", "dt=2024-01-02"}
    assert all(k.endswith(".parquet") for k in keys)
