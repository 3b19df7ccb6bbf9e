"""AWS's own Jupyter kernel for Glue (aws-glue-sessions, "Glue PySpark") runs a notebook against the emulator.

The notebook is executed headless with `jupyter nbconvert --execute`, as a user runs one in CI; the kernel reaches
the emulator through an AWS profile whose endpoint_url is the server (its STS, Glue and S3 clients all follow the
profile). Every cell's output is asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import wait_until

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("aws_glue_interactive_sessions_kernel")

from emulator.testing import EmulatorServer
from emulator.testing.plugin import session_server_env

# The session server (conftest's `server`, reset before the module): the notebook's session takes one of its warm
# drivers, and gives it back at %stop_session. No server or JVM of the module's own.
SERVER_ENV = session_server_env()
ROLE = "arn:aws:iam::123456789012:role/GlueNotebook"

CELLS = [
    "%profile emulator\n%region us-east-1\n%iam_role " + ROLE + "\n%idle_timeout 30\n%glue_version 5.0",
    '%%configure\n{"number_of_workers": 2, "worker_type": "G.1X", "--team": "analytics"}',
    # The first code cell creates the session; the data it writes is what the catalog table points at.
    ("rows = [('north', 10), ('south', 5), ('north', 7)]\n"
    "spark.createDataFrame(rows, 'region string, amount int').write.mode('overwrite').parquet('s3://nb-data/sales/')\n"
    "print('written', len(rows))"),
    "import sys\nprint(sys.argv[sys.argv.index('--team') + 1])\nsorted(type(v).__name__ for v in (spark, sc, glueContext))",
    "%%sql\nSELECT region, SUM(amount) AS total FROM salesdb.sales GROUP BY region ORDER BY region",
    "missing_name + 1",
    "%status",
    "%stop_session",
]


def _stream(cell: dict[str, Any], name: str = "stdout") -> str:
    return "".join(o.get("text", "") for o in cell["outputs"] if o["output_type"] == "stream" and o["name"] == name)


@pytest.fixture
def kernel_env(server: EmulatorServer, tmp_path: Path) -> dict[str, str]:
    """A profile `emulator` pointing at the server, and the Glue PySpark kernel spec run by this interpreter."""
    key, secret = server.credentials
    (tmp_path / "config").write_text(
        f"[profile emulator]\nregion = us-east-1\nendpoint_url = {server.endpoint}\n"
    )
    (tmp_path / "credentials").write_text(
        f"[emulator]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"
    )
    spec = tmp_path / "jupyter" / "kernels" / "glue_pyspark"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "aws_glue_interactive_sessions_kernel.glue_pyspark.GlueKernel",
                 "-f", "{connection_file}"],
        "display_name": "Glue PySpark",
        "language": "python",
    }))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=str(tmp_path / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"),
        JUPYTER_PATH=str(tmp_path / "jupyter"),
        JUPYTER_DATA_DIR=str(tmp_path / "jupyter"),
        HOME=str(tmp_path),
        # The kernel asks pypi.org for its latest version at start: offline, that fails at once instead of hanging.
        HTTPS_PROXY="http://127.0.0.1:9",
        NO_PROXY="127.0.0.1,localhost",
    )
    return env


def _catalog(server: EmulatorServer) -> None:
    server.client("s3").create_bucket(Bucket="nb-data")
    glue = server.client("glue")
    glue.create_database(DatabaseInput={"Name": "salesdb"})
    glue.create_table(DatabaseName="salesdb", TableInput={
        "Name": "sales",
        "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {
            "Columns": [{"Name": "region", "Type": "string"}, {"Name": "amount", "Type": "int"}],
            "Location": "s3://nb-data/sales/",
            "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
        },
    })


def run_notebook(cells: list[str], kernel_env: dict[str, str], folder: Path) -> list[dict[str, Any]]:
    """Execute the cells with the Glue PySpark kernel; the executed cells (outputs included)."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    notebook.metadata["kernelspec"] = {"name": "glue_pyspark", "display_name": "Glue PySpark", "language": "python"}
    path = folder / "notebook.ipynb"
    nbformat.write(notebook, path)
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
         "--ExecutePreprocessor.timeout=900", "--output", "executed.ipynb", str(path)],
        env=kernel_env, cwd=folder, check=True, capture_output=True, timeout=1200,
    )
    return nbformat.read(folder / "executed.ipynb", as_version=4).cells


def test_a_notebook_runs_on_the_glue_pyspark_kernel(server: EmulatorServer, kernel_env: dict[str, str],
                                                    tmp_path: Path) -> None:
    _catalog(server)
    setup, configure, write, namespace, sql, error, status, stop = run_notebook(CELLS, kernel_env, tmp_path)

    text = _stream(setup)
    assert "Setting new profile to: emulator" in text
    assert "Region is set to: us-east-1" in text
    assert f"iam_role has been set to {ROLE}." in text
    assert "idle_timeout has been set to 30 minutes." in text
    assert "Setting Glue version to: 5.0" in text
    assert "The following configurations have been updated" in _stream(configure)

    text = _stream(write)
    assert "Session Type: etl" in text and "Waiting for session" in text
    assert "has been created." in text
    assert text.rstrip().endswith("written 3"), text
    assert "--team analytics" in text and "--enable-glue-datacatalog true" in text

    text = _stream(namespace)
    assert text == "analytics\n['GlueContext', 'SparkContext', 'SparkSession']\n"

    assert _stream(sql).strip().splitlines() == [
        "+------+-----+",
        "|region|total|",
        "+------+-----+",
        "| north|   17|",
        "| south|    5|",
        "+------+-----+",
    ]

    # The kernel prints ErrorName: ErrorValue (the traceback goes in its execute reply, which nbconvert drops).
    assert _stream(error) == "NameError: name 'missing_name' is not defined\n"

    text = _stream(status)
    assert "Status: READY" in text and f"Role: {ROLE}" in text and "GlueVersion: 5.0" in text
    assert "Idle Timeout: 30" in text and "Worker Type: G.1X" in text and "Number of Workers: 2" in text
    assert "Session Type: glueetl" in text and "Region: us-east-1" in text
    assert "Tags: {'owner': " in text  # the kernel tags the session with the caller's UserId

    assert "Stopped session." in _stream(stop)
    glue = server.client("glue")
    # STOPPING, then STOPPED once the session's driver is back in the pool (StopSession is asynchronous in Glue)
    [session] = wait_until(lambda: glue.list_sessions()["Sessions"], "the session STOPPED",
                           until=lambda found: [s["Status"] for s in found] == ["STOPPED"], timeout=60)
    assert session["DefaultArguments"]["--glue_kernel_version"]
    caller = server.client("sts").get_caller_identity()
    arn = f"arn:aws:glue:us-east-1:{caller['Account']}:session/{session['Id']}"
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"owner": caller["UserId"]}
    statements = glue.list_statements(SessionId=session["Id"])["Statements"]
    assert [s["State"] for s in statements] == ["AVAILABLE"] * 4
    assert statements[2]["Code"].startswith('spark.sql("""SELECT region')  # how the kernel sends %%sql
    assert statements[3]["Output"]["Traceback"][1] == '  File "<stdin>", line 1, in <module>\n'
