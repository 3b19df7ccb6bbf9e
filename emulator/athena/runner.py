"""A query execution's life: QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED, on a small thread pool.

StartQueryExecution stores the execution QUEUED and hands its id to the pool; the worker moves it to RUNNING,
runs the statement (engine.py, ddl.py, writes.py), writes its results and moves it to SUCCEEDED with its
Statistics, or to FAILED with StateChangeReason and AthenaError (ErrorCategory 2 USER for the query's own
faults, 1 SYSTEM for ours; Athena user guide, "Athena error catalog"). StopQueryExecution marks it CANCELLED and
interrupts DuckDB; a worker never overwrites a final state. Executions a stopped server left QUEUED or RUNNING
are FAILED when the runner starts (the first Athena request after a restart), as their query never finished.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import sqlglot
from sqlglot import exp

from ..context import RequestContext
from . import ddl, prepared_statements, utility, writes
from .common import PREPARED_STATEMENT, QUERY, now
from .engine import QueryFailure, Session, name_columns, rows_of
from .results import column_info, write_csv, write_metadata
from .storage import bucket_exists, write_bytes

if TYPE_CHECKING:
    from ..core import Emulator

log = logging.getLogger("glue_emulator.athena")
FINAL = ("SUCCEEDED", "FAILED", "CANCELLED")
_EXECUTE = re.compile(r"(?is)^\s*EXECUTE\s+(\w+)(?:\s+USING\s+(.*?))?\s*;?\s*$")
# the SQL forms of Create/DeletePreparedStatement (Athena user guide, "Querying with prepared statements")
_PREPARE = re.compile(r"(?is)^\s*PREPARE\s+(\w+)\s+FROM\s+(.*?)\s*;?\s*$")
_DEALLOCATE = re.compile(r"(?is)^\s*DEALLOCATE\s+PREPARE\s+(\w+)\s*;?\s*$")


class AthenaRunner:
    """The pool running query executions (an Emulator component)."""

    def __init__(self, emulator: Emulator):
        self.emulator = emulator
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="athena")
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._fail_interrupted()

    def _fail_interrupted(self) -> None:
        for scope, _, query_id, doc in self.emulator.store.list_scopes(QUERY):
            if doc["Status"]["State"] not in FINAL:
                account, _, region = scope.partition("/")
                _finish(RequestContext(account, region, "", self.emulator), query_id, "FAILED", category=1,
                        error_type=100, reason="Query was interrupted: glue-emulator stopped while it ran")

    def submit(self, ctx: RequestContext, query_id: str) -> None:
        self._pool.submit(self._run, RequestContext(ctx.account, ctx.region, ctx.request_id, self.emulator), query_id)

    def interrupt(self, query_id: str) -> None:
        with self._lock:
            session = self._sessions.get(query_id)
        if session is not None:
            session.conn.interrupt()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, ctx: RequestContext, query_id: str) -> None:
        try:
            execute(ctx, query_id, self._sessions, self._lock)
        except Exception:  # a bug of ours: the execution fails as a SYSTEM error, the server keeps serving
            log.exception("Athena query %s failed", query_id)
            _finish(ctx, query_id, "FAILED", reason="Internal error", category=1, error_type=100)


def _update(ctx: RequestContext, query_id: str, change: Any) -> bool:
    """Apply `change(doc)` unless the execution is already final; whether it was applied."""
    with ctx.store.transaction():
        doc = ctx.store.get(ctx.scope, QUERY, "", query_id)
        if doc is None or doc["Status"]["State"] in FINAL:
            return False
        change(doc)
        ctx.store.put(ctx.scope, QUERY, "", query_id, doc)
        return True


def _finish(ctx: RequestContext, query_id: str, state: str, reason: str | None = None, category: int = 2,
            error_type: int = 1000, result: dict[str, Any] | None = None) -> None:
    def change(doc: dict[str, Any]) -> None:
        finished = now()
        status = doc["Status"]
        status.update(State=state, CompletionDateTime=finished)
        started = doc.get("_started", finished)
        total = int((finished - status["SubmissionDateTime"]) * 1000)
        engine = int((finished - started) * 1000)
        doc["Statistics"].update(EngineExecutionTimeInMillis=engine, TotalExecutionTimeInMillis=total,
                                 QueryQueueTimeInMillis=max(total - engine, 0), ServiceProcessingTimeInMillis=0,
                                 QueryPlanningTimeInMillis=0)
        if reason is not None:
            status["StateChangeReason"] = reason
            status["AthenaError"] = {"ErrorCategory": category, "ErrorType": error_type, "Retryable": False,
                                     "ErrorMessage": reason}
        if result:
            doc["Statistics"].update(result.pop("statistics", {}))
            doc["_result"] = result

    _update(ctx, query_id, change)


def _running(doc: dict[str, Any]) -> None:
    doc["Status"]["State"] = "RUNNING"
    doc["_started"] = now()


def execute(ctx: RequestContext, query_id: str, sessions: dict[str, Session], lock: threading.Lock) -> None:
    """Run one QUEUED execution to its final state."""
    if not _update(ctx, query_id, _running):
        return
    doc = ctx.store.get(ctx.scope, QUERY, "", query_id)
    assert doc is not None
    context = doc.get("QueryExecutionContext") or {}
    if (context.get("Catalog") or "awsdatacatalog").lower() != "awsdatacatalog":
        _finish(ctx, query_id, "FAILED", reason=f"CATALOG_NOT_FOUND: Catalog '{context['Catalog']}' does not exist")
        return
    session = Session(ctx, ctx.account, context.get("Database"))
    with lock:
        sessions[query_id] = session
    try:
        result = _statement(session, doc)
    except QueryFailure as failure:
        _finish(ctx, query_id, "FAILED", reason=failure.message, error_type=failure.error_type)
        return
    except Exception as exc:
        if "INTERRUPT" in str(exc).upper():
            return  # StopQueryExecution already marked it CANCELLED
        raise
    finally:
        with lock:
            sessions.pop(query_id, None)
        session.close()
    _finish(ctx, query_id, "SUCCEEDED", result=result)


def _substitute(statement: exp.Expression, values: list[str]) -> exp.Expression:
    """Fill the statement's `?` placeholders in order with the given SQL literals."""
    holes = list(statement.find_all(exp.Placeholder))
    if len(holes) != len(values):
        raise QueryFailure(f"line 1:1: Incorrect number of parameters: expected {len(holes)} but found {len(values)}")
    for hole, value in zip(holes, values, strict=True):
        try:
            hole.replace(sqlglot.parse_one(value, read="athena"))
        except sqlglot.errors.ParseError:
            raise QueryFailure(f"SYNTAX_ERROR: line 1:1: Invalid parameter value: {value}") from None
    return statement


def _split_arguments(text: str) -> list[str]:
    select = Session.parse(f"SELECT {text}")
    return [e.sql("athena") for e in select.expressions]


def _statement(session: Session, doc: dict[str, Any]) -> dict[str, Any]:
    sql = doc["Query"]
    parameters = list(doc.get("ExecutionParameters") or [])
    if (prepare := _PREPARE.match(sql) or _DEALLOCATE.match(sql)) is not None:
        return _prepare(session, doc, prepare)
    execute_match = _EXECUTE.match(sql)
    if execute_match:
        prepared = session.ctx.store.get(session.ctx.scope, PREPARED_STATEMENT, doc["WorkGroup"],
                                         execute_match.group(1))
        if prepared is None:
            raise QueryFailure(f"line 1:1: Prepared statement not found: {execute_match.group(1)}")
        if execute_match.group(2):
            parameters = _split_arguments(execute_match.group(2))
        sql = prepared["QueryStatement"]
    if not bucket_exists(session.ctx, doc["ResultConfiguration"]["OutputLocation"]):
        bucket = doc["ResultConfiguration"]["OutputLocation"].removeprefix("s3://").partition("/")[0]
        raise QueryFailure(f"Unable to verify/create output bucket {bucket}", 1000)
    statement = Session.parse(sql)
    if parameters or list(statement.find_all(exp.Placeholder)):
        statement = _substitute(statement, parameters)
    output = doc["ResultConfiguration"]["OutputLocation"]
    output_dir = output.rsplit("/", 1)[0]
    query_id = doc["QueryExecutionId"]
    if isinstance(statement, (exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Values, exp.With)):
        return _select(session, statement, output)
    if isinstance(statement, exp.Create) and statement.args.get("expression") is not None \
            and (statement.args.get("kind") or "").upper() == "TABLE":
        count, files = writes.create_table_as(session, statement, query_id, output_dir)
        return _written(session, output_dir, query_id, count, files)
    if isinstance(statement, exp.Insert):
        count, files = writes.insert_into(session, statement, query_id)
        return _written(session, output_dir, query_id, count, files)
    if isinstance(statement, exp.Describe) or (isinstance(statement, exp.Command) and statement.name.upper() == "SHOW"):
        name, lines = utility.describe(session, statement) if isinstance(statement, exp.Describe) else \
            utility.show(session, statement.expression.name)
        write_bytes(session.ctx, output, "".join(f"{line}\n" for line in lines).encode())
        return {"columns": [column_info(name, "VARCHAR") | {"Type": "string"}], "rows": len(lines), "lines": True}
    _ddl(session, statement)
    write_bytes(session.ctx, output, b"")
    return {"columns": [], "rows": 0}


def _prepare(session: Session, doc: dict[str, Any], match: re.Match[str]) -> dict[str, Any]:
    """PREPARE name FROM <statement> (created or replaced) or DEALLOCATE PREPARE name."""
    name = match.group(1)
    if match.re is _PREPARE:
        Session.parse(match.group(2))  # a statement that does not parse FAILS the PREPARE, not its EXECUTE
        prepared_statements.put_prepared_statement(session.ctx, doc["WorkGroup"], name, match.group(2))
    elif not prepared_statements.deallocate_prepared_statement(session.ctx, doc["WorkGroup"], name):
        raise QueryFailure(f"line 1:1: Prepared statement not found: {name}")
    write_bytes(session.ctx, doc["ResultConfiguration"]["OutputLocation"], b"")
    return {"columns": [], "rows": 0}


def _ddl(session: Session, statement: exp.Expression) -> None:
    kind = (statement.args.get("kind") or "").upper() if isinstance(statement, (exp.Create, exp.Drop)) else ""
    if isinstance(statement, exp.Create) and kind == "TABLE":
        ddl.create_external_table(session, statement)
    elif isinstance(statement, exp.Create) and kind == "VIEW":
        ddl.create_view(session, statement)
    elif isinstance(statement, exp.Create) and kind in ("DATABASE", "SCHEMA"):
        ddl.create_database(session, statement)
    elif isinstance(statement, exp.Drop):
        ddl.drop(session, statement)
    elif isinstance(statement, exp.Alter):
        ddl.alter_table(session, statement)
    elif isinstance(statement, exp.Command) and statement.name.upper() == "MSCK REPAIR":
        ddl.msck_repair(session, statement.expression.name)
    else:
        raise QueryFailure(f"NOT_SUPPORTED: glue-emulator does not run this statement: {statement.sql('athena')[:80]}")


def _written(session: Session, output_dir: str, query_id: str, count: int, files: list[str]) -> dict[str, Any]:
    manifest = writes.write_manifest(session, output_dir, query_id, files)
    return {"columns": [], "rows": 0, "update_count": count, "statistics": {"DataManifestLocation": manifest}}


def _select(session: Session, statement: exp.Expression, output: str) -> dict[str, Any]:
    started = time.perf_counter()
    cursor = session.execute(session.prepare(name_columns(statement)))
    names = [d[0] for d in cursor.description]
    columns = [column_info(n, str(d[1])) for n, d in zip(names, cursor.description, strict=True)]
    count, size = write_csv(session.ctx, output, names, rows_of(cursor))
    write_metadata(session.ctx, output, columns)
    log.debug("query wrote %d rows in %.3fs", count, time.perf_counter() - started)
    return {"columns": columns, "rows": count, "header": True, "bytes": size,
            "statistics": {"DataScannedInBytes": session.scanned}}

