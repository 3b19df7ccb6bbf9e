"""A server on a machine without Java: it serves, health says Spark is unavailable and why, glueetl runs fail
saying that Java 17 is missing and how to install it (instead of PySpark's bare JAVA_GATEWAY_EXITED)."""

from __future__ import annotations

import json
from pathlib import Path

from support import RUN_WAIT, run_to_end

from emulator.testing.server import EmulatorServer

MISSING = "Java 17 is missing: JAVA_HOME is not set and there is no java on PATH"


def test_health_and_runs_say_java_17_is_missing_and_how_to_install_it(tmp_path: Path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    # PySpark's launcher treats an empty JAVA_HOME as unset, then looks on PATH, where there is no java.
    env = {"PATH": str(empty), "JAVA_HOME": "", "GLUE_EMULATOR_SPARK_PREWARM": "1"}
    server = EmulatorServer(tmp_path / "data", env=env).start()
    try:
        status, _, body = server.request("GET", "/_emulator/health")
        health = json.loads(body)
        assert status == 200 and health["status"] == "running"
        assert health["spark"]["status"] == "unavailable"
        assert health["spark"]["reason"].startswith(MISSING + ". Install Java 17 (Debian/Ubuntu: sudo apt-get install "
                                                    "openjdk-17-jre-headless;")

        s3, glue = server.client("s3"), server.client("glue")
        s3.create_bucket(Bucket="scripts")
        s3.put_object(Bucket="scripts", Key="job.py", Body=b"print('never')\n")
        glue.create_job(Name="spark", Role="arn:aws:iam::123456789012:role/Glue",
                        Command={"Name": "glueetl", "ScriptLocation": "s3://scripts/job.py"})
        run = run_to_end(glue, "spark", timeout=60)
        assert run["JobRunState"] == "FAILED"
        message = run["ErrorMessage"]
        assert message.startswith(f"The Spark driver could not start: {MISSING}. Install Java 17 (")
        assert "macOS: brew install openjdk@17" in message and "or point JAVA_HOME at one and restart" in message

        # Python shell jobs need no Java: they still run.
        glue.create_job(Name="shell", Role="arn:aws:iam::123456789012:role/Glue",
                        Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/job.py"})
        run = run_to_end(glue, "shell", timeout=RUN_WAIT)
        assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    finally:
        server.stop()
