"""The web console at `/_emulator/console/`: workflows, jobs, crawlers, the catalog, S3 and schedules in a browser.

Pages are rendered on the server (Jinja2 templates, views.py gathers their data through the API's own
handlers); console.js refreshes a page's content every 2 s without reloading it, so a run is watched
live. Nothing is loaded from another site.

Buttons (start, stop and resume a workflow run; start a job run or a crawler) POST JSON to
`/_emulator/console/actions/<Operation>`, which calls that operation's handler. Only the console's own
pages can press them, on top of the security gate every emulator endpoint has (Host, allowed Origin, a
JSON Content-Type that no cross-site form can send):
- the request must carry this server's console token (a random value, new at each start, written in the
  console's pages; another site cannot read them: the emulator sends no CORS headers);
- a browser's `Origin` must be this server's own origin (the gate allows any loopback origin, so a page
  served by another program on localhost would pass it), and `Sec-Fetch-Site`, when sent, `same-origin`.
With GLUE_EMULATOR_VERIFY_SIGV4=1 the gate asks a SigV4 signature of every POST to the emulator's
endpoints, which a browser cannot make: the pages still read, the buttons are refused.
"""

from __future__ import annotations

import hmac
import json
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for

from ..errors import AwsError
from . import buckets, views
from .calls import SCOPE_COOKIE, call, context, scopes_in_use

if TYPE_CHECKING:
    from ..core import Emulator

URL_PREFIX = "/_emulator/console"
TOKEN_HEADER = "X-Console-Token"
# The operations the console's buttons may call (each through its API handler).
ACTIONS = frozenset({"StartWorkflowRun", "StopWorkflowRun", "ResumeWorkflowRun", "StartJobRun", "StartCrawler"})


def blueprint(emulator: Emulator) -> Blueprint:
    """The console's routes for one server; its token is made here, once per server start."""
    console = Blueprint("console", __name__, url_prefix=URL_PREFIX, template_folder="templates",
                        static_folder="static")
    token = secrets.token_urlsafe(32)

    def ctx() -> Any:
        return context(emulator, request.cookies.get(SCOPE_COOKIE))

    def page(template: str, title: str, section: str, **values: Any) -> str:
        """A page; only its content block when console.js refreshes it (X-Console-Partial)."""
        partial = request.headers.get("X-Console-Partial") == "1"
        return render_template(f"console/{template}", title=title, section=section, token=token, partial=partial,
                               scope=ctx().scope, scopes=[] if partial else scopes_in_use(emulator),
                               state_class=views.state_class,
                               summary=views.trigger_summary, definition_link=_definition_link, run_link=_run_link,
                               **values)

    @console.errorhandler(AwsError)
    def aws_error(error: AwsError) -> tuple[str, int]:
        # A page about something that does not exist (or a bad name): the API's error, as a page.
        return page("error.html", error.code, "", error=error), error.status

    @console.get("/")
    def home() -> Any:
        return redirect(url_for("console.workflows"))

    @console.get("/workflows")
    def workflows() -> str:
        return page("workflows.html", "Workflows", "workflows", workflows=views.workflows(ctx()))

    @console.get("/workflows/<name>")
    def workflow(name: str) -> str:
        return page("workflow.html", name, "workflows", **views.workflow(ctx(), name))

    @console.get("/workflows/<name>/runs/<run_id>")
    def workflow_run(name: str, run_id: str) -> str:
        return page("workflow_run.html", f"{name} run", "workflows", **views.workflow_run(ctx(), name, run_id))

    @console.get("/jobs")
    def jobs() -> str:
        return page("jobs.html", "Jobs", "jobs", jobs=views.jobs(ctx()))

    @console.get("/jobs/<name>")
    def job(name: str) -> str:
        return page("job.html", name, "jobs", **views.job(ctx(), name))

    @console.get("/jobs/<name>/runs/<run_id>")
    def job_run(name: str, run_id: str) -> str:
        return page("job_run.html", f"{name} run", "jobs", **views.job_run(ctx(), name, run_id))

    @console.get("/crawlers")
    def crawlers() -> str:
        return page("crawlers.html", "Crawlers", "crawlers", crawlers=views.crawlers(ctx()))

    @console.get("/crawlers/<name>")
    def crawler(name: str) -> str:
        return page("crawler.html", name, "crawlers", **views.crawler(ctx(), name))

    @console.get("/catalog")
    def databases() -> str:
        return page("databases.html", "Data Catalog", "catalog", databases=views.databases(ctx()))

    @console.get("/catalog/<database>")
    def database(database: str) -> str:
        return page("database.html", database, "catalog", **views.database(ctx(), database))

    @console.get("/catalog/<database>/<table>")
    def table(database: str, table: str) -> str:
        found = views.table(ctx(), database, table, request.args.get("token"))
        return page("table.html", f"{database}.{table}", "catalog", **found)

    @console.get("/s3")
    def s3_buckets() -> str:
        return page("buckets.html", "S3", "s3", buckets=buckets.buckets(ctx()))

    @console.get("/s3/<bucket>")
    def s3_folder(bucket: str) -> str:
        found = buckets.folder(ctx(), bucket, request.args.get("prefix", ""), request.args.get("token"))
        return page("folder.html", bucket, "s3", **found)

    @console.get("/s3/<bucket>/object")
    def s3_object(bucket: str) -> str:
        key = request.args.get("key", "")
        return page("object.html", key, "s3", bucket=bucket, key=key, headers=buckets.metadata(ctx(), bucket, key))

    @console.get("/s3/<bucket>/download")
    def s3_download(bucket: str) -> Response:
        return buckets.download(ctx(), request, bucket, request.args.get("key", ""))

    @console.get("/triggers")
    def triggers() -> str:
        return page("triggers.html", "Triggers and schedules", "triggers", **views.triggers(ctx()))

    @console.post("/actions/<operation>")
    def action(operation: str) -> Any:
        refusal = _refusal(token)
        if refusal:
            return _error("AccessDeniedException", refusal, 403)
        if operation not in ACTIONS:
            return _error("InvalidInputException", f"The console does not offer {operation}", 400)
        try:
            params = json.loads(request.get_data() or b"{}")
        except ValueError:
            return _error("SerializationException", "The request body is not JSON", 400)
        if not isinstance(params, dict):
            return _error("SerializationException", "The request body must be a JSON object", 400)
        try:
            return jsonify(call(ctx(), operation, params))
        except AwsError as error:
            return _error(error.code, error.message, error.status)

    return console


def _definition_link(node: dict[str, Any]) -> str | None:
    """The page of a graph node's job or crawler (None for a trigger: the graph shows its definition)."""
    if node["Type"] == "JOB":
        return url_for("console.job", name=node["Name"])
    if node["Type"] == "CRAWLER":
        return url_for("console.crawler", name=node["Name"])
    return None


def _run_link(node: dict[str, Any]) -> str | None:
    """In a run's graph: a job node's latest run in that run, else the node's own page."""
    runs = node.get("JobDetails", {}).get("JobRuns") or []
    if runs:
        latest = max(runs, key=lambda r: r.get("StartedOn") or 0)
        return url_for("console.job_run", name=node["Name"], run_id=latest["Id"])
    return _definition_link(node)


def _error(code: str, message: str, status: int) -> tuple[Response, int]:
    return jsonify({"__type": code, "Message": message}), status


def _refusal(token: str) -> str | None:
    """Why a button's request is not the console's own (None when it is); see the module docstring."""
    sent = request.headers.get(TOKEN_HEADER, "")
    if not hmac.compare_digest(sent.encode(), token.encode()):
        return f"The console's buttons need the {TOKEN_HEADER} header of this server's console pages"
    origin = request.headers.get("Origin")
    if origin is not None:
        parts = urlsplit(origin)
        if (parts.scheme, parts.netloc.lower()) != (request.scheme, request.host.lower()):
            return f"Cross-origin request from {origin} refused: only the console's own pages can press its buttons"
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site != "same-origin":
        return f"A {site} request is refused: only the console's own pages can press its buttons"
    return None


def register(app: Any, emulator: Emulator) -> None:
    """Add the console to the Flask app (app.py)."""
    app.register_blueprint(blueprint(emulator))
    app.jinja_env.filters.setdefault("when", _when)
    app.jinja_env.filters.setdefault("seconds", _seconds)


def _when(value: Any) -> str:
    """An epoch number or datetime as `YYYY-MM-DD HH:MM:SS` UTC; '' when absent."""
    if isinstance(value, bool) or not isinstance(value, (int, float, datetime)):
        return "" if not value else str(value)  # absent (None, or a member the shape leaves out)
    moment = value if isinstance(value, datetime) else datetime.fromtimestamp(float(value), UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _seconds(value: float | None) -> str:
    """A duration in seconds, as `12.3 s` or `4 min 5 s`; '' when unknown."""
    if not isinstance(value, (int, float)):
        return ""
    return f"{value:.1f} s" if value < 120 else f"{int(value // 60)} min {int(value % 60)} s"

