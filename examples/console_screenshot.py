"""Regenerate docs/console-run-graph.png: the console's graph of a retail pipeline run, error branch taken.

    python examples/console_screenshot.py [--endpoint URL] [--out docs/console-run-graph.png]

Without --endpoint it starts a glue-emulator of its own (a temporary data dir, a free port) and stops it
at the end. It deploys examples/retail_pipeline, runs it with the cleaning job made to fail (so the graph
shows succeeded, failed and never-run nodes), opens the run's page in headless Chromium and saves the page
down to the graph. Needs `pip install playwright` and a Chromium: Debian's `chromium` package, or
GLUE_EMULATOR_CHROMIUM naming another binary (Playwright's own browser download is not used).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("GLUE_EMULATOR_CHROMIUM", "/usr/bin/chromium")
# Headless, and nothing of Chromium's own that would reach the network (updates, sync, safe browsing lists).
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTH, HEIGHT = 1280, 1000


def retail_pipeline() -> ModuleType:
    """examples/retail_pipeline/deploy_and_run.py as a module (deploy, run_once, TRIGGERS, ...)."""
    path = ROOT / "examples" / "retail_pipeline" / "deploy_and_run.py"
    spec = importlib.util.spec_from_file_location("retail_deploy_and_run", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def launch(playwright: Any) -> Any:
    """A headless Chromium browser (the system's, see CHROMIUM) driven by Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)


def capture_run_graph(browser: Any, endpoint: str, workflow: str, run_id: str, out: Path) -> Path:
    """Save a PNG of the run's page from its top to the bottom of its graph."""
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    try:
        page.goto(f"{endpoint}/_emulator/console/workflows/{workflow}/runs/{run_id}")
        graph = page.locator("svg.graph")
        graph.wait_for()
        box = graph.bounding_box()
        assert box is not None
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), clip={"x": 0, "y": 0, "width": WIDTH,
                                             "height": min(box["y"] + box["height"] + 16, 4000)}, full_page=True)
    finally:
        page.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", help="a running glue-emulator (default: start one for the screenshot)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "console-run-graph.png")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from emulator.testing import EmulatorServer

    server = None
    endpoint = options.endpoint
    if endpoint is None:
        server = EmulatorServer(Path(tempfile.mkdtemp(prefix="glue-console-shot-")) / "data").start()
        endpoint = server.endpoint
    try:
        pipeline = retail_pipeline()
        glue, s3 = pipeline.clients(endpoint)
        pipeline.deploy(glue, s3)
        run = pipeline.run_once(glue, fail_cleaning=True, timeout=600)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                capture_run_graph(browser, endpoint, pipeline.WORKFLOW, run["WorkflowRunId"], options.out)
            finally:
                browser.close()
        print(f"wrote {options.out}")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
