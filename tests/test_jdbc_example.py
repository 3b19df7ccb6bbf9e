"""examples/retail_rds_pipeline runs end to end with one command given a PostgreSQL URL: S3 and JDBC crawlers,
the Spark load job joining them, Parquet in S3 and rows in the "Redshift" warehouse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from jdbc_postgres import Postgres

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "retail_rds_pipeline" / "deploy_and_run.py"


def test_the_rds_pipeline_example_runs_end_to_end(glue_emulator, postgres: Postgres):
    postgres.create_database("retail")
    url = f"postgresql://{postgres.user}:{postgres.password}@{postgres.host}:{postgres.port}/retail"
    result = subprocess.run([sys.executable, str(SCRIPT), "--postgres-url", url, "--endpoint", glue_emulator.endpoint],
                            check=False, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "TestConnection rds-crm: ok" in result.stdout
    assert "CRAWLER  rds-customers-crawler    SUCCEEDED" in result.stdout
    assert "JOB      rds-load-orders          SUCCEEDED" in result.stdout
    assert "BR 2 orders 99.75, CZ 1 orders 12.00, FR 2 orders 135.75, NG 1 orders 250.00" in result.stdout
    assert "(country=BR, country=CZ, country=FR, country=NG)" in result.stdout
    tables = {t["Name"]: t for t in glue_emulator.glue.get_tables(DatabaseName="rds_retail")["TableList"]}
    assert tables["retail_crm_customers"]["Parameters"]["connectionName"] == "rds-crm"
    assert tables["orders"]["Parameters"]["classification"] == "csv"
