"""The interactive-sessions operations: CreateSession, GetSession, ListSessions, StopSession, DeleteSession,
RunStatement, GetStatement, ListStatements, CancelStatement.

Records and their rules are in records.py; the live side (a driver per session, statements running in order,
timeouts) is the SessionManager (manager.py). https://docs.aws.amazon.com/glue/latest/dg/interactive-sessions.html
"""

from __future__ import annotations

from typing import Any

from .. import tagging
from ..clock import now
from ..context import RequestContext
from ..errors import AlreadyExistsException, IllegalSessionStateException, InvalidInputException
from ..governance import require_security_configuration
from ..pagination import paginate
from ..profiles import limits as usage_limits
from . import records
from .manager import SessionManager

# Glue's own page sizes are not documented; these keep a page's answer small.
_SESSIONS_PAGE = 1000
_STATEMENTS_PAGE = 100
# The Glue Spark kernel (Scala) asks for its language in DefaultArguments.
_LANGUAGE_ARGUMENT = "--session-language"


def _manager(ctx: RequestContext) -> SessionManager:
    """The live sessions; first used before any session record is read (it fails those a dead server left)."""
    return ctx.emulator.component(SessionManager)


def create_session(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Creates the session PROVISIONING; it turns READY once a Spark driver holds its namespace.

    Scala sessions (`--session-language scala`, the Glue Spark kernel) are refused: statements run in Python only.
    """
    manager = _manager(ctx)
    language = (params.get("DefaultArguments") or {}).get(_LANGUAGE_ARGUMENT, "python")
    if language.lower() != "python":
        raise InvalidInputException(
            f"glue-emulator runs Python (PySpark) sessions only; {_LANGUAGE_ARGUMENT} {language} (the Glue Spark "
            "kernel) is not supported. Use the Glue PySpark kernel."
        )
    require_security_configuration(ctx, params.get("SecurityConfiguration"))
    tagging.check_tags(params.get("Tags"))  # before the session starts: a refused tag must not leave it running
    params, profile = usage_limits.apply_to_session(ctx, params)
    session = records.new_session(params, now())
    if profile is not None:
        session["ProfileName"] = profile
    if not ctx.store.insert(ctx.scope, records.SESSION, "", session["Id"], session):
        raise AlreadyExistsException(f"Session already created, sessionId={session['Id']}")
    manager.start(ctx, session)
    tagging.set_tags(ctx, records.session_arn(ctx, session["Id"]), params.get("Tags"))
    return {"Session": records.public_session(records.require_session(ctx, session["Id"]))}


def get_session(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The session; one still PROVISIONING is answered once READY or after SETTLE_SECONDS (manager.py)."""
    manager = _manager(ctx)
    records.require_session(ctx, params["Id"])
    manager.settle_session(ctx, params["Id"])
    return {"Session": records.public_session(records.require_session(ctx, params["Id"]))}


def list_sessions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Sessions sorted by Id; `Tags` keeps those carrying all of them."""
    _manager(ctx)
    ids = [name for name, _ in ctx.store.list(ctx.scope, records.SESSION, "")]
    ids = tagging.having_tags(ctx, sorted(ids), params.get("Tags"), records.session_arn)
    page, token = paginate(ids, params.get("NextToken"), params.get("MaxResults"), _SESSIONS_PAGE, key=str)
    sessions = [records.public_session(records.require_session(ctx, session_id)) for session_id in page]
    return {"Ids": page, "Sessions": sessions, **({"NextToken": token} if token else {})}


def stop_session(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Stops a PROVISIONING or READY session (STOPPING, then STOPPED once its driver is gone)."""
    manager = _manager(ctx)
    session = records.require_session(ctx, params["Id"])
    if session["Status"] not in ("PROVISIONING", "READY"):
        raise IllegalSessionStateException(f"Session {params['Id']} is in {session['Status']} status; it cannot stop.")
    manager.stop(ctx, params["Id"])
    return {"Id": params["Id"]}


def delete_session(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Deletes a session with its statements and tags; a live one is stopped first (its driver goes)."""
    manager = _manager(ctx)
    session = records.require_session(ctx, params["Id"])
    if session["Status"] == "STOPPING":
        raise IllegalSessionStateException(f"Session {params['Id']} is stopping; delete it once it has stopped.")
    manager.forget(ctx, params["Id"])
    ctx.store.delete_under(ctx.scope, records.STATEMENT, params["Id"])
    ctx.store.delete(ctx.scope, records.SESSION, "", params["Id"])
    tagging.drop_tags(ctx, records.session_arn(ctx, params["Id"]))
    return {"Id": params["Id"]}


def run_statement(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Queues the code (WAITING); statements of a session run one at a time in the order they came."""
    manager = _manager(ctx)
    records.require_ready(ctx, params["SessionId"])
    statement_id = manager.submit(ctx, params["SessionId"], params["Code"])
    return {"Id": statement_id}


def get_statement(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The statement; one WAITING or RUNNING is answered once it ends or after SETTLE_SECONDS (manager.py)."""
    manager = _manager(ctx)
    records.require_session(ctx, params["SessionId"])
    manager.settle_statement(ctx, params["SessionId"], params["Id"])
    return {"Statement": records.require_statement(ctx, params["SessionId"], params["Id"])}


def list_statements(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The session's statements in order of their Id."""
    _manager(ctx)
    records.require_session(ctx, params["SessionId"])
    statements = [doc for _, doc in ctx.store.list(ctx.scope, records.STATEMENT, params["SessionId"])]
    statements.sort(key=lambda s: s["Id"])
    page, token = paginate(statements, params.get("NextToken"), None, _STATEMENTS_PAGE, key=lambda s: s["Id"])
    return {"Statements": page, **({"NextToken": token} if token else {})}


def cancel_statement(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """A WAITING statement is CANCELLED at once; a RUNNING one is interrupted (CANCELLING, then CANCELLED)."""
    manager = _manager(ctx)
    records.require_ready(ctx, params["SessionId"])
    statement = records.require_statement(ctx, params["SessionId"], params["Id"])
    if statement["State"] in records.STATEMENT_ENDED:
        raise IllegalSessionStateException(f"Statement {params['Id']} is {statement['State']}; it cannot be cancelled.")
    manager.cancel(ctx, params["SessionId"], params["Id"])
    return {}


def _session_exists(ctx: RequestContext, account: str, path: list[str]) -> bool:
    return account == ctx.account and ctx.store.get(ctx.scope, records.SESSION, "", "/".join(path)) is not None


tagging.register("session", _session_exists)
