"""The console's pages and action endpoint without a browser: the Flask app in this process, its test client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from emulator.app import create_app
from emulator.cli import console_url
from emulator.context import RequestContext
from emulator.core import Emulator

HOST = {"Host": "127.0.0.1:4566"}


@pytest.fixture
def client(emulator: Emulator) -> Iterator[Any]:
    app = create_app(emulator.settings, emulator)
    yield app.test_client()


def token_of(client: Any) -> str:
    page = client.get("/_emulator/console/workflows", headers=HOST).get_data(as_text=True)
    found = re.search(r'<meta name="console-token" content="([^"]+)">', page)
    assert found is not None
    return found.group(1)


def test_a_page_about_something_missing_shows_the_api_error(client: Any) -> None:
    answer = client.get("/_emulator/console/workflows/nope", headers=HOST)
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "EntityNotFoundException" in text and "nope" in text
    answer = client.get("/_emulator/console/s3/no-such-bucket", headers=HOST)
    assert answer.status_code == 404 and "NoSuchBucket" in answer.get_data(as_text=True)


def test_a_refresh_gets_the_content_alone(client: Any) -> None:
    full = client.get("/_emulator/console/jobs", headers=HOST).get_data(as_text=True)
    partial = client.get("/_emulator/console/jobs", headers={**HOST, "X-Console-Partial": "1"}).get_data(as_text=True)
    assert full.startswith("<!doctype html>") and "<h1>Jobs</h1>" in partial
    assert "<header>" not in partial and partial.strip() in full


def test_pages_name_nothing_of_another_site(client: Any, ctx: RequestContext) -> None:
    ctx.emulator.json_services["AWSGlue"].handlers["CreateWorkflow"](ctx, {"Name": "w"})
    for path in ("workflows", "workflows/w", "jobs", "crawlers", "catalog", "s3", "triggers"):
        page = client.get(f"/_emulator/console/{path}", headers=HOST).get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', page), path


def test_the_action_endpoint_refuses_what_the_console_does_not_offer(client: Any) -> None:
    headers = {**HOST, "X-Console-Token": token_of(client), "Origin": "http://127.0.0.1:4566"}
    answer = client.post("/_emulator/console/actions/DeleteDatabase", json={"Name": "x"}, headers=headers)
    assert answer.status_code == 400 and answer.get_json()["__type"] == "InvalidInputException"
    answer = client.post("/_emulator/console/actions/StartJobRun", data=b"[1]", headers=headers,
                         content_type="application/json")
    assert answer.status_code == 400 and answer.get_json()["__type"] == "SerializationException"
    answer = client.post("/_emulator/console/actions/StartJobRun", json={"JobName": ""}, headers=headers)
    assert answer.status_code == 400 and answer.get_json()["__type"] == "ValidationException"
    answer = client.post("/_emulator/console/actions/StartJobRun", json={"JobName": "missing"}, headers=headers)
    assert answer.status_code == 400 and answer.get_json()["__type"] == "EntityNotFoundException"
    wrong = {**headers, "X-Console-Token": "guess"}
    answer = client.post("/_emulator/console/actions/StartJobRun", json={"JobName": "missing"}, headers=wrong)
    assert answer.status_code == 403 and answer.get_json()["__type"] == "AccessDeniedException"


def test_the_console_url_serve_prints() -> None:
    assert console_url("127.0.0.1", 4566) == "http://127.0.0.1:4566/_emulator/console/"
    assert console_url("0.0.0.0", 80) == "http://127.0.0.1:80/_emulator/console/"
    assert console_url("::", 4566) == "http://[::1]:4566/_emulator/console/"
    assert console_url("::1", 4566) == "http://[::1]:4566/_emulator/console/"


def test_the_account_and_region_picked_choose_what_is_shown(client: Any, emulator: Emulator) -> None:
    other = RequestContext("111111111111", "eu-west-1", "test", emulator)
    emulator.json_services["AWSGlue"].handlers["CreateWorkflow"](other, {"Name": "elsewhere"})
    default = client.get("/_emulator/console/workflows", headers=HOST).get_data(as_text=True)
    assert "elsewhere" not in default
    assert '<option>111111111111/eu-west-1</option>' in default  # offered in the picker
    client.set_cookie("glue_emulator_console_scope", "111111111111/eu-west-1", domain="127.0.0.1")
    picked = client.get("/_emulator/console/workflows", headers=HOST).get_data(as_text=True)
    assert "elsewhere" in picked and "<option selected>111111111111/eu-west-1</option>" in picked
