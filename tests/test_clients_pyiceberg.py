"""pyiceberg's Glue catalog (a test extra) runs the README's example: an Iceberg table kept in the emulator."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from clients.readme import client_env, example, run


def test_readme_pyiceberg_example(glue_emulator, tmp_path: Path) -> None:
    pytest.importorskip("pyiceberg.catalog.glue", reason="pip install '.[test]' installs pyiceberg[glue,pyarrow]")

    out = run([sys.executable, "-c", example("pyiceberg", glue_emulator.endpoint)], tmp_path, client_env(tmp_path))

    assert out.strip() == "2"
    table = glue_emulator.glue.get_table(DatabaseName="lakehouse", Name="events")["Table"]
    assert table["Parameters"]["table_type"] == "ICEBERG"
    metadata_location = table["Parameters"]["metadata_location"]
    assert metadata_location.startswith("s3://warehouse/events/metadata/")
    # The metadata file the catalog points at is in the emulator's S3 and records the append.
    key = metadata_location.removeprefix("s3://warehouse/")
    metadata = json.loads(glue_emulator.s3.get_object(Bucket="warehouse", Key=key)["Body"].read())
    snapshot = next(s for s in metadata["snapshots"] if s["snapshot-id"] == metadata["current-snapshot-id"])
    assert snapshot["summary"]["added-records"] == "3"
