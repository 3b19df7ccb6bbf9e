"""DuckDB with the httpfs extension from PyPI (a test extra) runs the README's example on the emulator's S3."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from clients.readme import client_env, example, run


def test_readme_duckdb_example(glue_emulator, tmp_path: Path) -> None:
    pytest.importorskip("duckdb_extension_httpfs", reason="pip install '.[test]' installs DuckDB's httpfs")
    pq = pytest.importorskip("pyarrow.parquet")

    out = run([sys.executable, "-c", example("duckdb", glue_emulator.endpoint)], tmp_path, client_env(tmp_path))

    # sum(1.5 * i for i in range(1000)), as DuckDB's DECIMAL prints it.
    assert out.strip() == "(1000, Decimal('749250.0'))"
    # DuckDB's COPY went through the emulator's S3 (multipart upload): the object is a Parquet file others read.
    body = glue_emulator.s3.get_object(Bucket="ducks", Key="numbers/part-0.parquet")["Body"].read()
    table = pq.read_table(io.BytesIO(body))
    assert table.num_rows == 1000 and table.column_names == ["id", "amount"]
