"""The DefaultArguments Glue consumes for a session as for a job run (`--conf`, `--extra-py-files`), over boto3.

dbt-glue passes its profile's `conf` as `--conf` (e.g. spark.sql.legacy.allowNonEmptyLocationInCTAS=true, which its
table models need to be rebuilt) and `extra_py_files` as `--extra-py-files`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support import wait_until

from emulator.testing import EmulatorServer

SERVER_ENV = {
    "GLUE_EMULATOR_SPARK_PREWARM": "0",
    "GLUE_EMULATOR_SPARK_POOL_SIZE": "1",
    "GLUE_EMULATOR_VALIDATE_RESPONSES": "1",
}
ROLE = "arn:aws:iam::123456789012:role/GlueSessions"
ETL = {"Name": "glueetl", "PythonVersion": "3"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    """The module's server; a long start-up timeout, as the machine's JVMs can make start-up slow."""
    started = EmulatorServer(tmp_path_factory.mktemp("sessions-args") / "data", env=SERVER_ENV).start(timeout=600)
    yield started
    started.stop()


def _settled(glue: Any, session_id: str) -> dict[str, Any]:
    return wait_until(lambda: glue.get_session(Id=session_id)["Session"], f"session {session_id} settled",
                      until=lambda s: s["Status"] != "PROVISIONING", timeout=900, interval=0.2)


def _run(glue: Any, session_id: str, code: str) -> dict[str, Any]:
    statement_id = glue.run_statement(SessionId=session_id, Code=code)["Id"]
    return wait_until(lambda: glue.get_statement(SessionId=session_id, Id=statement_id)["Statement"],
                      f"statement {statement_id}", until=lambda s: s["State"] == "AVAILABLE", timeout=300)["Output"]


def test_conf_and_extra_py_files_reach_the_session(server: EmulatorServer) -> None:
    glue, s3 = server.client("glue"), server.client("s3")
    s3.create_bucket(Bucket="session-libs")
    s3.put_object(Bucket="session-libs", Key="lib/pricing.py", Body=b"def with_tax(x):\n    return round(x * 1.2, 2)\n")
    glue.create_session(Id="args", Role=ROLE, Command=ETL, IdleTimeout=60, DefaultArguments={
        # Glue's idiom for several settings: one --conf value holding `k=v --conf k2=v2`
        "--conf": "spark.sql.shuffle.partitions=7 --conf spark.sql.legacy.allowNonEmptyLocationInCTAS=true",
        "--extra-py-files": "s3://session-libs/lib/pricing.py",
    })
    try:
        assert _settled(glue, "args")["Status"] == "READY"
        output = _run(glue, "args", "import pricing\nprint(pricing.with_tax(10))\n"
                      "(spark.conf.get('spark.sql.shuffle.partitions'), "
                      "spark.conf.get('spark.sql.legacy.allowNonEmptyLocationInCTAS'))")
        assert output["Status"] == "ok", output
        assert output["Data"]["TextPlain"] == "12.0\n('7', 'true')"
    finally:
        glue.delete_session(Id="args")


def test_a_missing_extra_py_file_fails_the_session(server: EmulatorServer) -> None:
    glue = server.client("glue")
    glue.create_session(Id="no-lib", Role=ROLE, Command=ETL,
                        DefaultArguments={"--extra-py-files": "s3://session-libs/missing.py"})
    session = _settled(glue, "no-lib")
    assert session["Status"] == "FAILED"
    assert "s3://session-libs/missing.py does not exist" in session["ErrorMessage"]
    glue.delete_session(Id="no-lib")
