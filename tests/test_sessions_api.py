"""Interactive sessions through boto3 against a live server: states, statements, isolation, cancel, stop, errors.

Each session holds a Spark driver of its own; the module shares one server and keeps the number of sessions small.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import run_to_end, spark_job, wait_until

from emulator.sessions.manager import SETTLE_SECONDS
from emulator.testing import EmulatorServer

SERVER_ENV = {
    "GLUE_EMULATOR_SPARK_PREWARM": "0",
    "GLUE_EMULATOR_SPARK_POOL_SIZE": "1",
    "GLUE_EMULATOR_VALIDATE_RESPONSES": "1",
    "GLUE_EMULATOR_TIME_SCALE": "60",  # IdleTimeout 1 minute = 1 real second
}
ROLE = "arn:aws:iam::123456789012:role/GlueSessions"
ETL = {"Name": "glueetl", "PythonVersion": "3"}
READY_TIMEOUT = 900  # a driver's JVM on a loaded 2-core machine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    """The module's server; started with a long timeout, as 8 JVMs on 2 cores can make start-up take minutes."""
    started = EmulatorServer(tmp_path_factory.mktemp("sessions") / "data", env=SERVER_ENV).start(timeout=600)
    yield started
    started.stop()


def _code(err: pytest.ExceptionInfo[ClientError]) -> str:
    return err.value.response["Error"]["Code"]


def create(glue: Any, session_id: str, **extra: Any) -> None:
    # 2880 minutes are 48 real minutes here: a session waiting READY for another session's driver or a job's (up to
    # READY_TIMEOUT on a loaded machine) must not time out meanwhile, as 600 (10 real minutes) could.
    extra.setdefault("IdleTimeout", 2880)
    glue.create_session(Id=session_id, Role=ROLE, Command=ETL, **extra)


def wait_ready(glue: Any, session_id: str) -> dict[str, Any]:
    return wait_until(lambda: glue.get_session(Id=session_id)["Session"], f"session {session_id} READY",
                      until=lambda s: s["Status"] != "PROVISIONING", timeout=READY_TIMEOUT, interval=0.2)


def run(glue: Any, session_id: str, code: str, timeout: float = 300) -> dict[str, Any]:
    statement_id = glue.run_statement(SessionId=session_id, Code=code)["Id"]
    return finished(glue, session_id, statement_id, timeout)


def finished(glue: Any, session_id: str, statement_id: int, timeout: float = 300) -> dict[str, Any]:
    return wait_until(lambda: glue.get_statement(SessionId=session_id, Id=statement_id)["Statement"],
                      f"statement {statement_id}", until=lambda s: s["State"] in ("AVAILABLE", "CANCELLED", "ERROR"),
                      timeout=timeout, interval=0.02)


def test_bad_requests_get_the_aws_errors(server: EmulatorServer) -> None:
    glue = server.client("glue")
    for call in (lambda: glue.get_session(Id="nope"), lambda: glue.stop_session(Id="nope"),
                 lambda: glue.delete_session(Id="nope"), lambda: glue.run_statement(SessionId="nope", Code="1"),
                 lambda: glue.get_statement(SessionId="nope", Id=0), lambda: glue.list_statements(SessionId="nope"),
                 lambda: glue.cancel_statement(SessionId="nope", Id=0)):
        with pytest.raises(ClientError) as err:
            call()
        assert _code(err) == "EntityNotFoundException"
    bad = [
        {"Command": {"Name": "pythonshell", "PythonVersion": "3.9"}},
        {"Command": ETL, "GlueVersion": "1.0"},
        {"Command": ETL, "DefaultArguments": {"--session-language": "scala"}},
        {"Command": ETL, "WorkerType": "G.1X"},  # without NumberOfWorkers
    ]
    for params in bad:
        with pytest.raises(ClientError) as err:
            glue.create_session(Id="bad", Role=ROLE, **params)
        assert _code(err) == "InvalidInputException", params
    with pytest.raises(ClientError) as err:
        glue.create_session(Id="bad", Role=ROLE, Command=ETL, DefaultArguments={"--session-language": "scala"})
    assert "Glue PySpark kernel" in err.value.response["Error"]["Message"]
    assert glue.list_sessions()["Ids"] == []


def test_sessions_run_statements_in_their_own_namespaces(server: EmulatorServer) -> None:
    glue, s3 = server.client("glue"), server.client("s3")
    s3.create_bucket(Bucket="session-data")
    create(glue, "alpha", Tags={"team": "a"}, GlueVersion="4.0", WorkerType="G.1X", NumberOfWorkers=2)
    create(glue, "beta", Tags={"team": "b"})
    asked = time.monotonic()
    provisioning = glue.get_session(Id="alpha")["Session"]
    # GetSession holds its answer (up to SETTLE_SECONDS) while the session provisions
    assert provisioning["Status"] in ("PROVISIONING", "READY")
    assert provisioning["Status"] == "READY" or time.monotonic() - asked >= SETTLE_SECONDS * 0.9, provisioning
    assert provisioning["IdleTimeout"] == 2880 and provisioning["MaxCapacity"] == 2.0
    assert provisioning["GlueVersion"] == "4.0" and provisioning["Command"] == ETL
    with pytest.raises(ClientError) as err:
        create(glue, "alpha")
    assert _code(err) == "AlreadyExistsException"
    assert wait_ready(glue, "alpha")["Status"] == "READY"
    assert wait_ready(glue, "beta")["Status"] == "READY"
    assert glue.list_sessions(Tags={"team": "b"})["Ids"] == ["beta"]

    # Queued at once, they run in order: the last sees what the first two did.
    ids = [glue.run_statement(SessionId="alpha", Code=code)["Id"]
           for code in ("import time\ntime.sleep(0.5)\nx = 40", "x += 1", "print('x is', x)\nx + 1")]
    assert ids == [0, 1, 2]
    last = finished(glue, "alpha", 2)
    assert last["State"] == "AVAILABLE"
    assert last["Output"] == {"Data": {"TextPlain": "x is 41\n42"}, "ExecutionCount": 3, "Status": "ok"}
    assert last["StartedOn"] <= last["CompletedOn"] and last["Progress"] == 1.0
    listed = glue.list_statements(SessionId="alpha")["Statements"]
    assert [(s["Id"], s["State"], s["Code"]) for s in listed][:2] == [(0, "AVAILABLE", "import time\ntime.sleep(0.5)\nx = 40"),
                                                                     (1, "AVAILABLE", "x += 1")]

    # Another session never sees alpha's variables.
    other = run(glue, "beta", "x")
    assert other["State"] == "AVAILABLE"
    assert other["Output"]["Status"] == "error"
    assert (other["Output"]["ErrorName"], other["Output"]["ErrorValue"]) == ("NameError", "name 'x' is not defined")
    assert other["Output"]["Traceback"][-1] == "NameError: name 'x' is not defined\n"

    # Statements use the local S3 like jobs do.
    wrote = run(glue, "alpha", "spark.createDataFrame([(1, 'a'), (2, 'b')], 'id int, v string')"
                               ".coalesce(1).write.json('s3://session-data/out/')\n"
                               "spark.read.json('s3://session-data/out/').count()")
    assert wrote["Output"]["Data"]["TextPlain"] == "2", wrote
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="session-data", Prefix="out/")["Contents"]]
    assert any(k.endswith(".json") for k in keys)

    # A running statement is interrupted by CancelStatement; the session goes on.
    sleeping = glue.run_statement(SessionId="beta", Code="import time\ntime.sleep(300)")["Id"]
    wait_until(lambda: glue.get_statement(SessionId="beta", Id=sleeping)["Statement"]["State"], "RUNNING",
               until=lambda s: s == "RUNNING", timeout=60)
    glue.cancel_statement(SessionId="beta", Id=sleeping)
    assert finished(glue, "beta", sleeping, timeout=60)["State"] == "CANCELLED"
    with pytest.raises(ClientError) as err:
        glue.cancel_statement(SessionId="beta", Id=sleeping)
    assert _code(err) == "IllegalSessionStateException"
    assert run(glue, "beta", "1 + 1")["Output"]["Data"]["TextPlain"] == "2"

    # GetStatement holds its answer (up to manager.SETTLE_SECONDS) until the statement ends: a client polling once a
    # second (dbt-glue) sees a quick statement AVAILABLE at its first GetStatement, not a second later.
    quick = glue.run_statement(SessionId="beta", Code="2 + 2")["Id"]
    asked = time.monotonic()
    first = glue.get_statement(SessionId="beta", Id=quick)["Statement"]
    assert first["State"] == "AVAILABLE" or time.monotonic() - asked >= SETTLE_SECONDS * 0.9, first

    # Stopping frees the driver; a stopped session takes no statements and can be deleted.
    assert glue.stop_session(Id="alpha")["Id"] == "alpha"
    stopped = wait_until(lambda: glue.get_session(Id="alpha")["Session"], "STOPPED",
                         until=lambda s: s["Status"] == "STOPPED", timeout=60)
    assert "CompletedOn" in stopped
    for call in (lambda: glue.run_statement(SessionId="alpha", Code="1"), lambda: glue.stop_session(Id="alpha")):
        with pytest.raises(ClientError) as err:
            call()
        assert _code(err) == "IllegalSessionStateException"
    assert glue.get_statement(SessionId="alpha", Id=2)["Statement"]["State"] == "AVAILABLE"
    glue.delete_session(Id="alpha")
    with pytest.raises(ClientError) as err:
        glue.get_session(Id="alpha")
    assert _code(err) == "EntityNotFoundException"
    glue.delete_session(Id="beta")  # a live session is stopped, then deleted
    assert glue.list_sessions()["Ids"] == []


def test_a_notebook_s_code_gives_the_same_result_as_a_glueetl_job(server: EmulatorServer) -> None:
    """Part 5 of issue #17: the cell's code, pasted into a job script, computes the same thing."""
    glue, s3 = server.client("glue"), server.client("s3")
    s3.create_bucket(Bucket="convert")
    s3.put_object(Bucket="convert", Key="in/orders.csv", Body=b"id,region,amount\n1,north,10\n2,south,5\n3,north,7\n")
    code = (
        "from awsglue.dynamicframe import DynamicFrame\n"
        "orders = glueContext.create_dynamic_frame.from_options('s3', {'paths': ['s3://convert/in/']}, 'csv',\n"
        "                                                       {'withHeader': True})\n"
        "totals = orders.toDF().groupBy('region').agg({'amount': 'sum'}).orderBy('region')\n"
        "result = [tuple(r) for r in totals.collect()]\n"
        "print(result)\n"
    )
    create(glue, "convert")
    wait_ready(glue, "convert")
    cell = run(glue, "convert", code)
    assert cell["Output"]["Status"] == "ok", cell
    in_session = cell["Output"]["Data"]["TextPlain"]
    assert in_session == "[('north', 17.0), ('south', 5.0)]"

    # The job script is the notebook's boilerplate cell plus the same code, writing what it printed. It runs while
    # the session is still open on a pool of size 1: the session's driver is lent on top of the pool.
    script = (
        "from pyspark.context import SparkContext\nfrom awsglue.context import GlueContext\n"
        "sc = SparkContext.getOrCreate()\nglueContext = GlueContext(sc)\nspark = glueContext.spark_session\n"
        + code
        + "import boto3\nboto3.client('s3').put_object(Bucket='convert', Key='job/result.txt', Body=repr(result))\n"
    )
    job = spark_job(glue, s3, "converted-notebook", script)
    assert run_to_end(glue, job, timeout=900)["JobRunState"] == "SUCCEEDED"
    assert s3.get_object(Bucket="convert", Key="job/result.txt")["Body"].read().decode() == in_session
    assert glue.get_session(Id="convert")["Session"]["Status"] == "READY"
    glue.stop_session(Id="convert")


def test_an_idle_session_times_out_and_its_statements_stay_readable(server: EmulatorServer) -> None:
    glue = server.client("glue")
    glue.create_session(Id="idle", Role=ROLE, Command=ETL, IdleTimeout=1)  # 1 s at the server's time scale
    ended = wait_until(lambda: glue.get_session(Id="idle")["Session"], "TIMEOUT",
                       until=lambda s: s["Status"] not in ("PROVISIONING", "READY"), timeout=READY_TIMEOUT)
    assert ended["Status"] == "TIMEOUT", ended
    assert glue.list_statements(SessionId="idle")["Statements"] == []
    with pytest.raises(ClientError) as err:
        glue.run_statement(SessionId="idle", Code="1")
    assert _code(err) == "IllegalSessionStateException"


def test_a_stopped_session_hands_its_warm_driver_to_the_next_without_its_state(server: EmulatorServer) -> None:
    """Stopped between statements, a session gives its driver back to the pool: the next session starts on that same
    warm driver (same process, same Spark application: no JVM started) and sees nothing the first one left. Stopped
    during a statement, the driver is killed and the statement CANCELLED."""
    glue = server.client("glue")
    create(glue, "first")
    assert wait_ready(glue, "first")["Status"] == "READY"
    left = run(glue, "first", (
        "import os, sys\n"
        "spark.range(3).createOrReplaceTempView('first_view')\n"
        "spark.catalog.cacheTable('first_view')\n"
        "spark.range(2).createOrReplaceGlobalTempView('first_global')\n"
        "spark.sql('CREATE TABLE first_table (id INT) USING parquet')\n"
        "spark.sql('CREATE DATABASE first_db')\n"
        "spark.conf.set('spark.sql.shuffle.partitions', '7')\n"
        "sc.setLocalProperty('spark.job.description', 'first')\n"
        "os.environ['FIRST_SESSION'] = '1'\n"
        "sys.path.append('/first-session')\n"
        "first_secret = 42\n"
        "print(sorted(t.name for t in spark.catalog.listTables()), spark.conf.get('spark.sql.shuffle.partitions'))\n"
        "(os.getpid(), sc.applicationId)"))
    assert left["Output"]["Status"] == "ok", left
    text, driver = left["Output"]["Data"]["TextPlain"].split("\n")
    assert text == "['first_table', 'first_view'] 7"
    glue.stop_session(Id="first")
    wait_until(lambda: glue.get_session(Id="first")["Session"]["Status"], "first STOPPED",
               until=lambda status: status == "STOPPED", timeout=60)

    create(glue, "second")
    assert wait_ready(glue, "second")["Status"] == "READY"
    seen = run(glue, "second", (
        "import os, sys\n"
        "print(sorted(t.name for t in spark.catalog.listTables()), spark.catalog.listTables('global_temp'),\n"
        "      [d.name for d in spark.catalog.listDatabases()], spark.conf.get('spark.sql.shuffle.partitions'),\n"
        "      sc.getLocalProperty('spark.job.description'), os.environ.get('FIRST_SESSION'),\n"
        "      '/first-session' in sys.path, 'first_secret' in globals())\n"
        "(os.getpid(), sc.applicationId)"))
    assert seen["Output"]["Status"] == "ok", seen
    assert seen["Output"]["Data"]["TextPlain"] == "[] [] ['default'] 4 None None False False\n" + driver

    sleeping = glue.run_statement(SessionId="second", Code="import time\ntime.sleep(300)")["Id"]
    wait_until(lambda: glue.get_statement(SessionId="second", Id=sleeping)["Statement"]["State"], "RUNNING",
               until=lambda state: state == "RUNNING", timeout=60)
    glue.stop_session(Id="second")
    wait_until(lambda: glue.get_session(Id="second")["Session"]["Status"], "second STOPPED",
               until=lambda status: status == "STOPPED", timeout=60)
    assert glue.get_statement(SessionId="second", Id=sleeping)["Statement"]["State"] == "CANCELLED"
