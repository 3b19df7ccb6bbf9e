"""Pure logic of sessions: a statement's Output (kernel.execute) and a CreateSession's record (records.new_session)."""

from __future__ import annotations

import pytest

from emulator.errors import InvalidInputException
from emulator.sessions.kernel import execute
from emulator.sessions.records import argv_of, new_session, public_session


def test_stdout_then_the_last_expression_s_repr_make_the_text() -> None:
    namespace: dict = {}
    assert execute("x = 2", namespace, 1) == {"Data": {"TextPlain": ""}, "ExecutionCount": 1, "Status": "ok"}
    assert execute("print('x is', x)\nx * 21", namespace, 2)["Data"]["TextPlain"] == "x is 2\n42"
    assert execute("'text'", namespace, 3)["Data"]["TextPlain"] == "'text'"
    assert execute("print('a')\nNone", namespace, 4)["Data"]["TextPlain"] == "a"  # None is not shown
    assert execute("for i in range(2):\n    print(i)", namespace, 5)["Data"]["TextPlain"] == "0\n1"
    assert execute("", namespace, 6)["Data"]["TextPlain"] == ""


def test_an_exception_becomes_error_name_value_and_a_traceback_of_the_statement_s_frames() -> None:
    namespace: dict = {}
    execute("def f():\n    return 1 / 0", namespace, 1)
    output = execute("print('before')\nf()", namespace, 2)
    assert output["Status"] == "error" and output["ExecutionCount"] == 2 and "Data" not in output
    assert (output["ErrorName"], output["ErrorValue"]) == ("ZeroDivisionError", "division by zero")
    assert output["Traceback"][0] == "Traceback (most recent call last):\n"
    assert output["Traceback"][1:3] == ['  File "<stdin>", line 2, in <module>\n', '  File "<stdin>", line 2, in f\n']
    assert not any("kernel.py" in line for line in output["Traceback"])
    syntax = execute("def broken(:", namespace, 3)
    assert syntax["ErrorName"] == "SyntaxError"
    assert execute("import sys\nsys.exit(3)", namespace, 4)["ErrorName"] == "SystemExit"
    assert execute("raise KeyboardInterrupt", namespace, 5)["ErrorName"] == "KeyboardInterrupt"


def test_a_session_record_gets_glue_s_defaults() -> None:
    session = new_session({"Id": "s", "Role": "r" * 20, "Command": {"Name": "glueetl"}, "Timeout": 60,
                           "DefaultArguments": {"--enable-glue-datacatalog": "true", "team": "a"}}, 1.5)
    assert session["Status"] == "PROVISIONING" and session["CreatedOn"] == 1.5
    assert session["IdleTimeout"] == 60  # IdleTimeout defaults to Timeout
    assert session["Command"] == {"Name": "glueetl", "PythonVersion": "3"}
    assert session["MaxCapacity"] == 10.0
    assert "Timeout" not in public_session(session)
    assert argv_of(session) == ["session", "--enable-glue-datacatalog", "true", "--team", "a"]
    assert new_session({"Id": "s", "Role": "r", "Command": {"Name": "gluestreaming"}}, 0)["Timeout"] == 2880
    with pytest.raises(InvalidInputException):
        new_session({"Id": "s", "Role": "r", "Command": {"Name": "glueetl", "PythonVersion": "2"}}, 0)
