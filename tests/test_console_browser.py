"""The web console in a real browser: Debian's Chromium driven by Playwright against a real server.

The retail example pipeline (examples/retail_pipeline) is deployed and run with its cleaning job made to
fail, as a user would run it; the tests then read what the console shows and press its buttons.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from support import load_module, put_script, wait_until

from emulator.testing import EmulatorServer

playwright_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
# The Glue clock runs at real speed here: the pipeline's 06:00 schedule must not start runs of its own.
SERVER_ENV = {"GLUE_EMULATOR_SPARK_PREWARM": "0", "GLUE_EMULATOR_VALIDATE_RESPONSES": "1"}
RUN_TIMEOUT = 300.0


SHOT = load_module(ROOT / "examples" / "console_screenshot.py", "console_screenshot")
if not Path(SHOT.CHROMIUM).exists():
    pytest.skip(f"no Chromium at {SHOT.CHROMIUM} (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def pipeline(server: EmulatorServer) -> dict[str, Any]:
    """The retail pipeline deployed and run once with the cleaning job failing: {module, glue, s3, run}."""
    module = SHOT.retail_pipeline()
    glue, s3 = module.clients(server.endpoint)
    module.deploy(glue, s3)
    run = module.run_once(glue, fail_cleaning=True, timeout=RUN_TIMEOUT)
    return {"module": module, "glue": glue, "s3": s3, "run": run}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        chromium = SHOT.launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    opened = browser.new_page(viewport={"width": 1280, "height": 900})
    yield opened
    opened.close()


def console(server: EmulatorServer, path: str = "") -> str:
    return f"{server.endpoint}/_emulator/console/{path}"


def graph_of(page: Any) -> tuple[dict[str, dict[str, str]], set[tuple[str, str]]]:
    """The drawn graph: {node name: {type, state, css}} and the edges as (source name, target name)."""
    page.locator("svg.graph").wait_for()
    nodes = page.eval_on_selector_all("svg.graph g.node", """gs => gs.map(g => ({id: g.dataset.id,
        name: g.dataset.name, type: g.dataset.type, state: g.dataset.state, css: g.getAttribute('class')}))""")
    names = {n["id"]: n["name"] for n in nodes}
    edges = page.eval_on_selector_all("svg.graph polyline.edge",
                                      "ps => ps.map(p => [p.dataset.source, p.dataset.target])")
    return {n["name"]: n for n in nodes}, {(names[s], names[t]) for s, t in edges}


def expected_edges(triggers: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """Edges as the triggers define them: each watched job/crawler -> trigger, trigger -> each action."""
    edges = set()
    for trigger in triggers:
        for condition in trigger.get("Predicate", {}).get("Conditions", []):
            edges.add((condition.get("JobName") or condition["CrawlerName"], trigger["Name"]))
        for action in trigger["Actions"]:
            edges.add((trigger["Name"], action.get("JobName") or action["CrawlerName"]))
    return edges


def test_serve_prints_the_console_and_health_links_it(server: EmulatorServer) -> None:
    assert server.process is not None and server.process.stdout is not None
    line = server.process.stdout.readline().strip()
    assert line.startswith(f"console: {console(server)}")
    status, _, body = server.request("GET", "/_emulator/health")
    assert status == 200 and json.loads(body)["console"] == "/_emulator/console/"


def test_workflow_page_draws_the_triggers_graph(server: EmulatorServer, pipeline: dict[str, Any], page: Any) -> None:
    module = pipeline["module"]
    page.goto(console(server, "workflows"))
    page.get_by_role("link", name=module.WORKFLOW, exact=True).click()
    nodes, edges = graph_of(page)
    jobs, crawlers = set(module.JOBS), set(module.CRAWLERS)
    triggers = {t["Name"] for t in module.TRIGGERS}
    assert {n for n, v in nodes.items() if v["type"] == "JOB"} == jobs
    assert {n for n, v in nodes.items() if v["type"] == "CRAWLER"} == crawlers
    assert {n for n, v in nodes.items() if v["type"] == "TRIGGER"} == triggers
    assert edges == expected_edges(module.TRIGGERS)
    # Trigger types and predicates are shown: the ANY trigger reads as an OR of its two conditions.
    row = page.locator("tr", has_text="retail-after-either")
    assert "CONDITIONAL retail-aggregate-revenue SUCCEEDED OR retail-handle-errors SUCCEEDED" in row.inner_text()
    assert page.locator("table.runs tr", has_text=pipeline["run"]["WorkflowRunId"]).count() == 1


def test_run_graph_colours_each_node_by_its_end(server: EmulatorServer, pipeline: dict[str, Any], page: Any) -> None:
    run = pipeline["run"]
    page.goto(console(server, f"workflows/{pipeline['module'].WORKFLOW}/runs/{run['WorkflowRunId']}"))
    nodes, _ = graph_of(page)
    states = {name: node["state"] for name, node in nodes.items() if node["type"] != "TRIGGER"}
    assert states == {
        "retail-sales-crawler": "SUCCEEDED", "retail-customers-crawler": "SUCCEEDED",
        "retail-clean-orders": "FAILED", "retail-handle-errors": "SUCCEEDED",  # the error branch ran
        "retail-check-quality": "not run", "retail-aggregate-revenue": "not run", "retail-load-warehouse": "SUCCEEDED",
        "retail-update-dashboard": "SUCCEEDED",
    }
    assert "failed" in nodes["retail-clean-orders"]["css"].split()
    assert "notrun" in nodes["retail-aggregate-revenue"]["css"].split()
    assert nodes["retail-on-clean-fail"]["state"] == "fired" and nodes["retail-after-clean"]["state"] == "not fired"
    stroke = page.locator('g.node[data-name="retail-clean-orders"] rect').evaluate("r => getComputedStyle(r).stroke")
    assert stroke == "rgb(200, 55, 45)"  # red
    assert page.locator("#run-status").inner_text() == "COMPLETED"
    # The failed node may be resumed: it is offered, ticked.
    assert page.locator("input.resume-node").count() == 1


def test_clicking_a_node_opens_its_job_run_and_logs(server: EmulatorServer, pipeline: dict[str, Any],
                                                     page: Any) -> None:
    run = pipeline["run"]
    page.goto(console(server, f"workflows/{pipeline['module'].WORKFLOW}/runs/{run['WorkflowRunId']}"))
    page.locator('g.node[data-name="retail-clean-orders"] a').click()
    page.wait_for_url("**/jobs/retail-clean-orders/runs/jr_*")
    assert page.locator("#run-state").inner_text() == "FAILED"
    error_lines = page.locator("#error-log .line").all_inner_texts()
    assert any("cleaning asked to fail by the run property fail_cleaning=true" in line for line in error_lines)
    page.go_back()
    page.locator('g.node[data-name="retail-handle-errors"] a').click()
    page.wait_for_url("**/jobs/retail-handle-errors/runs/jr_*")
    output = page.locator("#output-log .line").all_inner_texts()
    assert any(line.startswith("1 failure(s) reported to s3://retail-lake/errors/") for line in output)


def test_job_run_log_follows_live(server: EmulatorServer, pipeline: dict[str, Any], page: Any) -> None:
    glue, s3 = pipeline["glue"], pipeline["s3"]
    code = "import time\nfor i in range(6):\n    print(f'tick {i}', flush=True)\n    time.sleep(1)\n"
    location = put_script(s3, "console_ticker.py", code)
    glue.create_job(Name="console-ticker", Role=pipeline["module"].ROLE,
                    Command={"Name": "pythonshell", "ScriptLocation": location, "PythonVersion": "3.9"})
    page.goto(console(server, "jobs/console-ticker"))
    page.get_by_role("button", name="Run job").click()
    page.wait_for_url("**/jobs/console-ticker/runs/jr_*")
    page.evaluate("window.notReloaded = true")
    page.locator("#output-log .line", has_text="tick 5").wait_for(timeout=60_000)
    wait_until(lambda: page.locator("#run-state").inner_text(), "the run's state to show SUCCEEDED",
               until=lambda state: state == "SUCCEEDED", timeout=30)
    assert page.evaluate("window.notReloaded") is True  # the lines arrived without a reload
    assert page.locator("#output-log .line").all_inner_texts()[:6] == [f"tick {i}" for i in range(6)]


def test_crawled_table_schema_and_partitions(server: EmulatorServer, pipeline: dict[str, Any], page: Any) -> None:
    page.goto(console(server, "catalog"))
    page.get_by_role("link", name="retail", exact=True).click()
    page.get_by_role("link", name="sales", exact=True).click()
    columns = dict(zip(page.locator("table.schema td.column").all_inner_texts(),
                       page.locator("table.schema td.type").all_inner_texts(), strict=True))
    table = pipeline["glue"].get_table(DatabaseName="retail", Name="sales")["Table"]
    assert columns == {c["Name"]: c["Type"] for c in table["StorageDescriptor"]["Columns"] + table["PartitionKeys"]}
    assert "date" in columns and "amount" in columns
    values = page.locator("table.partitions td.value").all_inner_texts()
    assert sorted(values) == ["2024-01-01", "2024-01-02"]
    assert "classification" in page.locator("table.parameters").inner_text()


def test_partitions_are_paged(server: EmulatorServer, pipeline: dict[str, Any], page: Any) -> None:
    glue = pipeline["glue"]
    glue.create_table(DatabaseName="retail", TableInput={
        "Name": "console_paged", "PartitionKeys": [{"Name": "day", "Type": "string"}],
        "StorageDescriptor": {"Columns": [{"Name": "v", "Type": "int"}], "Location": "s3://retail-lake/paged/"}})
    days = [f"d{n:02d}" for n in range(30)]
    glue.batch_create_partition(DatabaseName="retail", TableName="console_paged",
                                PartitionInputList=[{"Values": [d]} for d in days])
    page.goto(console(server, "catalog/retail/console_paged"))
    first = page.locator("table.partitions td.value").all_inner_texts()
    page.locator("a.next").click()
    page.wait_for_url("**token=*")
    second = page.locator("table.partitions td.value").all_inner_texts()
    assert len(first) == 25 and sorted(first + second) == days
    assert page.locator("a.next").count() == 0


def test_start_button_runs_the_workflow_to_its_end(server: EmulatorServer, pipeline: dict[str, Any],
                                                   page: Any) -> None:
    module, glue = pipeline["module"], pipeline["glue"]
    before = {r["WorkflowRunId"] for r in glue.get_workflow_runs(Name=module.WORKFLOW)["Runs"]}
    page.goto(console(server, f"workflows/{module.WORKFLOW}"))
    page.locator("#run-properties").fill('{"fail_cleaning": "true"}')
    page.get_by_role("button", name="Start a run").click()
    page.wait_for_url(f"**/workflows/{module.WORKFLOW}/runs/*")
    run_id = page.url.rsplit("/", 1)[1]
    assert run_id not in before
    page.evaluate("window.notReloaded = true")
    status = page.locator("#run-status")
    wait_until(status.inner_text, "the run page to show COMPLETED", until=lambda s: s == "COMPLETED",
               timeout=RUN_TIMEOUT, interval=0.5)
    assert page.evaluate("window.notReloaded") is True
    run = glue.get_workflow_run(Name=module.WORKFLOW, RunId=run_id)["Run"]
    assert run["Status"] == "COMPLETED" and run["WorkflowRunProperties"]["fail_cleaning"] == "true"
    nodes, _ = graph_of(page)
    assert nodes["retail-update-dashboard"]["state"] == "SUCCEEDED"


def test_crawler_page_shows_its_last_crawl_and_log(server: EmulatorServer, pipeline: dict[str, Any],
                                                   page: Any) -> None:
    page.goto(console(server, "crawlers"))
    page.get_by_role("link", name="retail-sales-crawler", exact=True).click()
    assert page.locator("#crawler-state").inner_text() == "READY"
    assert "SUCCEEDED" in page.locator("tr", has_text="Last crawl").inner_text()
    assert page.locator("#crawler-log .line").count() > 0
    history = page.locator("table.list tr[id^=crawl-]")
    assert history.count() >= 1 and "COMPLETED" in history.first.inner_text()


def test_s3_browse_metadata_and_download(server: EmulatorServer, pipeline: dict[str, Any], page: Any) -> None:
    page.goto(console(server, "s3"))
    page.get_by_role("link", name="retail-raw", exact=True).click()
    page.get_by_role("link", name="sales/", exact=True).click()
    page.get_by_role("link", name="date=2024-01-01/", exact=True).click()
    page.get_by_role("link", name="orders.csv", exact=True).click()
    metadata = page.locator("table.metadata").inner_text()
    head = pipeline["s3"].head_object(Bucket="retail-raw", Key="sales/date=2024-01-01/orders.csv")
    assert head["ETag"] in metadata
    with page.expect_download() as download:
        page.locator("a.download").click()
    saved = Path(download.value.path()).read_bytes()
    assert saved == (ROOT / "examples/retail_pipeline/data/sales/date=2024-01-01/orders.csv").read_bytes()
    assert download.value.suggested_filename == "orders.csv"


def test_triggers_page_gives_the_next_fire_time(server: EmulatorServer, pipeline: dict[str, Any], page: Any) -> None:
    page.goto(console(server, "triggers"))
    next_time = page.locator('tr[data-trigger="retail-daily-start"] td.next').inner_text()
    now = time.gmtime()
    tomorrow = time.gmtime(time.time() + 86400)
    expected = time.strftime("%Y-%m-%d", now if now.tm_hour < 6 else tomorrow) + " 06:00:00"
    assert next_time == expected
    assert page.locator('tr[data-trigger="retail-after-clean"] td.next').inner_text() == ""


class _OtherSite(BaseHTTPRequestHandler):
    """A page of another origin that tries to press the console's buttons."""

    html = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(self.html)

    def log_message(self, *args: Any) -> None:
        pass


def test_cross_origin_requests_cannot_press_the_buttons(server: EmulatorServer, pipeline: dict[str, Any],
                                                        page: Any) -> None:
    module, glue = pipeline["module"], pipeline["glue"]
    runs_before = len(glue.get_workflow_runs(Name=module.WORKFLOW)["Runs"])
    page.goto(console(server, f"workflows/{module.WORKFLOW}"))
    token = page.locator('meta[name="console-token"]').get_attribute("content")
    action = f"{server.endpoint}/_emulator/console/actions/StartWorkflowRun"
    body = json.dumps({"Name": module.WORKFLOW})

    # Another program's page on this machine, even one that somehow knows the token: the browser refuses
    # the JSON request (no CORS answer), and the simple form-like request is refused by the server.
    _OtherSite.html = b"<html><body>other site</body></html>"
    other = ThreadingHTTPServer(("127.0.0.1", 0), _OtherSite)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{other.server_address[1]}/")
        outcomes = page.evaluate("""async ([url, token, body]) => {
            const results = [];
            try {
                const r = await fetch(url, {method: "POST", body,
                    headers: {"Content-Type": "application/json", "X-Console-Token": token}});
                results.push("json:" + r.status);
            } catch (e) { results.push("json:blocked"); }
            const r2 = await fetch(url, {method: "POST", mode: "no-cors", body,
                headers: {"Content-Type": "text/plain"}});
            results.push("simple:" + r2.type);
            return results;
        }""", [action, token, body])
    finally:
        other.shutdown()
    assert outcomes == ["json:blocked", "simple:opaque"]

    # The same requests sent by a program that forges the headers: refused by the console itself.
    other_origin = {"Content-Type": "application/json", "X-Console-Token": token, "Origin": "http://127.0.0.1:9"}
    status, _, answer = server.request("POST", "/_emulator/console/actions/StartWorkflowRun", body.encode(),
                                       other_origin)
    assert status == 403 and json.loads(answer)["__type"] == "AccessDeniedException"
    no_token = {"Content-Type": "application/json", "Origin": server.endpoint}
    status, _, _ = server.request("POST", "/_emulator/console/actions/StartWorkflowRun", body.encode(), no_token)
    assert status == 403
    cross_site = {"Content-Type": "application/json", "X-Console-Token": token, "Sec-Fetch-Site": "cross-site"}
    status, _, _ = server.request("POST", "/_emulator/console/actions/StartWorkflowRun", body.encode(), cross_site)
    assert status == 403
    assert len(glue.get_workflow_runs(Name=module.WORKFLOW)["Runs"]) == runs_before

    # The console's own request reaches the handler (which answers the API's error for a run that is not there).
    own = {"Content-Type": "application/json", "X-Console-Token": token, "Origin": server.endpoint}
    status, _, answer = server.request("POST", "/_emulator/console/actions/StopWorkflowRun",
                                       json.dumps({"Name": module.WORKFLOW, "RunId": "wr_missing"}).encode(), own)
    assert status == 400 and json.loads(answer)["__type"] == "EntityNotFoundException"


def test_screenshot_script_draws_the_run_graph(server: EmulatorServer, pipeline: dict[str, Any], browser: Any,
                                               tmp_path: Path) -> None:
    out = SHOT.capture_run_graph(browser, server.endpoint, pipeline["module"].WORKFLOW,
                                 pipeline["run"]["WorkflowRunId"], tmp_path / "graph.png")
    png = out.read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


def test_resume_button_reruns_the_failed_node_and_what_follows(server: EmulatorServer, pipeline: dict[str, Any],
                                                                page: Any) -> None:
    module, run = pipeline["module"], pipeline["run"]
    page.goto(console(server, f"workflows/{module.WORKFLOW}/runs/{run['WorkflowRunId']}"))
    page.get_by_role("button", name="Resume").click()
    page.wait_for_url(lambda url: "/runs/wr_" in url and not url.endswith(run["WorkflowRunId"]))
    assert run["WorkflowRunId"].startswith(page.locator("#previous-run").inner_text().rstrip("…"))
    wait_until(page.locator("#run-status").inner_text, "the resumed run to show COMPLETED",
               until=lambda s: s == "COMPLETED", timeout=RUN_TIMEOUT, interval=0.5)
    nodes, _ = graph_of(page)
    # The crawlers were not re-run: their crawls are the original run's; cleaning failed again (the run
    # properties, fail_cleaning=true among them, carry over) and its error branch ran again.
    assert nodes["retail-sales-crawler"]["state"] == "SUCCEEDED"
    assert nodes["retail-clean-orders"]["state"] == "FAILED"
    assert nodes["retail-handle-errors"]["state"] == "SUCCEEDED"


def test_stop_button_stops_a_running_run(server: EmulatorServer, pipeline: dict[str, Any], page: Any) -> None:
    module, glue = pipeline["module"], pipeline["glue"]
    run_id = glue.start_workflow_run(Name=module.WORKFLOW, RunProperties={"fail_cleaning": "true"})["RunId"]
    page.goto(console(server, f"workflows/{module.WORKFLOW}/runs/{run_id}"))
    page.get_by_role("button", name="Stop this run").click()
    wait_until(page.locator("#run-status").inner_text, "the run to show STOPPED",
               until=lambda s: s == "STOPPED", timeout=RUN_TIMEOUT, interval=0.5)
    assert glue.get_workflow_run(Name=module.WORKFLOW, RunId=run_id)["Run"]["Status"] == "STOPPED"
