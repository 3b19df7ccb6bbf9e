"""Session and statement records as Glue returns them, and the rules of CreateSession.

A stored session is the Session shape GetSession returns (botocore model), with Glue's defaults filled in:
Timeout 2,880 minutes and IdleTimeout = Timeout ("Default for Spark ETL jobs is value of Timeout", the model's
CreateSession documentation), capacity as jobs settle it (jobs/definitions.capacity). A statement is the Statement
shape, kept under its session; ids count from 0 per session as on Glue (and Livy, which Glue's sessions run on).

Session states: PROVISIONING (waiting for its driver) -> READY -> STOPPING -> STOPPED, or FAILED (the driver could
not start or died), TIMEOUT (Timeout or IdleTimeout passed). Statement states: WAITING -> RUNNING -> AVAILABLE, or
CANCELLING -> CANCELLED, or ERROR (the session ended under it). A statement whose code raised is AVAILABLE with
Output.Status "error" (ErrorName, ErrorValue, Traceback), as the Glue kernel expects.
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import EntityNotFoundException, IllegalSessionStateException, InvalidInputException
from ..jobs.definitions import SPARK_COMMANDS, capacity

SESSION = "session"
STATEMENT = "session-statement"
DEFAULT_TIMEOUT_MINUTES = 2880
# The model says "greater than 2.0" for GlueVersion; 2.0 itself is accepted (the oldest version sessions had).
MIN_GLUE_VERSION = (2, 0)
DEFAULT_GLUE_VERSION = "5.0"
ENDED = ("FAILED", "TIMEOUT", "STOPPED")
STATEMENT_ENDED = ("AVAILABLE", "CANCELLED", "ERROR")
_KEPT_MEMBERS = ("Description", "Role", "DefaultArguments", "Connections", "SecurityConfiguration")


def session_arn(ctx: RequestContext, session_id: str) -> str:
    return ctx.arn("glue", f"session/{session_id}")


def require_session(ctx: RequestContext, session_id: str) -> dict[str, Any]:
    session = ctx.store.get(ctx.scope, SESSION, "", session_id)
    if session is None:
        raise EntityNotFoundException(f"Session {session_id} not found.")
    return session


def require_ready(ctx: RequestContext, session_id: str) -> dict[str, Any]:
    """The session, if statements may run in it (READY); IllegalSessionStateException otherwise."""
    session = require_session(ctx, session_id)
    if session["Status"] != "READY":
        raise IllegalSessionStateException(f"Session {session_id} is in {session['Status']} status, not READY.")
    return session


def require_statement(ctx: RequestContext, session_id: str, statement_id: int) -> dict[str, Any]:
    statement = ctx.store.get(ctx.scope, STATEMENT, session_id, statement_key(statement_id))
    if statement is None:
        raise EntityNotFoundException(f"Statement {statement_id} not found in session {session_id}.")
    return statement


def statement_key(statement_id: int) -> str:
    """Zero-padded, so the store lists a session's statements in order."""
    return f"{statement_id:010d}"


def new_session(params: dict[str, Any], created_on: float) -> dict[str, Any]:
    """The Session record of a CreateSession request (PROVISIONING); InvalidInputException for what Glue refuses."""
    command = dict(params["Command"])
    name = command.get("Name") or ""
    if name not in SPARK_COMMANDS:
        raise InvalidInputException(f"Command name {name!r} is not supported; use glueetl or gluestreaming.")
    command.setdefault("PythonVersion", "3")
    if command["PythonVersion"] != "3":
        raise InvalidInputException("Sessions support PythonVersion 3 only.")
    version = params.get("GlueVersion") or DEFAULT_GLUE_VERSION
    parts = tuple(int(p) if p.isdigit() else -1 for p in version.split("."))
    if parts < MIN_GLUE_VERSION:
        raise InvalidInputException(f"GlueVersion {version} is not supported for sessions; use 2.0 or later.")
    timeout = params.get("Timeout") or DEFAULT_TIMEOUT_MINUTES
    sized = capacity(name, {k: params[k] for k in ("MaxCapacity", "WorkerType", "NumberOfWorkers") if k in params})
    session = {k: params[k] for k in _KEPT_MEMBERS if k in params}
    session.update(
        Id=params["Id"],
        CreatedOn=created_on,
        Status="PROVISIONING",
        Command=command,
        GlueVersion=version,
        MaxCapacity=sized["MaxCapacity"],
        Progress=0.0,
        IdleTimeout=params.get("IdleTimeout") or timeout,
        Timeout=timeout,
    )
    session.setdefault("DefaultArguments", {})
    for key in ("WorkerType", "NumberOfWorkers"):
        if key in sized:
            session[key] = sized[key]
    return session


def public_session(session: dict[str, Any]) -> dict[str, Any]:
    """The Session shape: Timeout is not one of its members (the model has IdleTimeout only)."""
    return {k: v for k, v in session.items() if k != "Timeout"}


def argv_of(session: dict[str, Any]) -> list[str]:
    """The session's DefaultArguments as a script's sys.argv pairs (`--enable-glue-datacatalog true`, ...)."""
    argv = ["session"]
    for key, value in (session.get("DefaultArguments") or {}).items():
        argv += [key if key.startswith("--") else f"--{key}", value]
    return argv
