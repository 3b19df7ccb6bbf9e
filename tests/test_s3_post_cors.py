"""Browser-based uploads (POST Object through boto3's generate_presigned_post and requests) and bucket CORS
(Put/Get/DeleteBucketCors, preflights, CORS headers on actual requests), against live emulators: the default
one, and one with SigV4 verification and an allowed web origin, to check both against the security gate."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from emulator.testing.server import EmulatorServer

BUCKET = "uploads"
PAGE = "http://localhost:3000"  # a page the gate allows by default (localhost)
RULES = {"CORSRules": [
    {"ID": "app", "AllowedOrigins": ["http://localhost:*"], "AllowedMethods": ["GET", "PUT"],
     "AllowedHeaders": ["content-type", "x-amz-*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600},
    {"AllowedOrigins": ["*"], "AllowedMethods": ["HEAD"]},
]}
KEY, SECRET = "AKIDPOSTTEST", "post-test-secret"


def _post(s3: Any, key: str = "uploads/${filename}", body: bytes = b"id,name\n1,Ann\n", name: str = "people.csv",
          extra: dict[str, str] | None = None, headers: dict[str, str] | None = None, **presign: Any) -> Any:
    form = s3.generate_presigned_post(BUCKET, key, **presign)
    return requests.post(form["url"], data={**form["fields"], **(extra or {})}, files={"file": (name, body)},
                         headers=headers, allow_redirects=False, timeout=30)


def _error(response: Any) -> tuple[int, str, str]:
    root = ElementTree.fromstring(response.content)
    return response.status_code, root.findtext("Code") or "", root.findtext("Message") or ""


@pytest.fixture
def s3(glue_emulator: Any) -> Any:
    glue_emulator.s3.create_bucket(Bucket=BUCKET)
    return glue_emulator.s3


# -- POST Object ------------------------------------------------------------------------------------


def test_presigned_post_stores_the_file_and_answers_204(s3: Any) -> None:
    response = _post(s3)
    assert response.status_code == 204 and response.content == b""
    got = s3.get_object(Bucket=BUCKET, Key="uploads/people.csv")  # ${filename} became the file's name
    assert got["Body"].read() == b"id,name\n1,Ann\n"
    assert response.headers["ETag"] == got["ETag"]
    assert response.headers["Location"].endswith(f"/{BUCKET}/uploads/people.csv")


def test_a_large_file_streams_through_and_large_fields_are_refused(s3: Any) -> None:
    body = os.urandom(3 * 1024 * 1024 + 17)  # several of the form parser's read chunks
    assert _post(s3, key="big.bin", body=body).status_code == 204
    assert s3.get_object(Bucket=BUCKET, Key="big.bin")["Body"].read() == body
    padded = _post(s3, key="padded.bin", extra={"x-ignore-padding": "p" * 30_000})
    assert _error(padded)[:2] == (400, "MaxPostPreDataLengthExceeded")


def test_success_action_status_201_answers_a_post_response(s3: Any) -> None:
    response = _post(s3, key="report.txt", Fields={"success_action_status": "201"},
                     Conditions=[{"success_action_status": "201"}])
    assert response.status_code == 201
    root = ElementTree.fromstring(response.content)
    assert (root.tag, root.findtext("Bucket"), root.findtext("Key")) == ("PostResponse", BUCKET, "report.txt")
    assert root.findtext("ETag") == s3.head_object(Bucket=BUCKET, Key="report.txt")["ETag"]
    ok = _post(s3, key="second.txt", Fields={"success_action_status": "200"},
               Conditions=[{"success_action_status": "200"}])
    assert (ok.status_code, ok.content) == (200, b"")


def test_success_action_redirect_answers_303_with_bucket_key_and_etag(s3: Any) -> None:
    target = "http://localhost:3000/done?from=form"
    response = _post(s3, key="r.txt", Fields={"success_action_redirect": target},
                     Conditions=[{"success_action_redirect": target}])
    assert response.status_code == 303
    etag = s3.head_object(Bucket=BUCKET, Key="r.txt")["ETag"]
    assert response.headers["Location"] == requests.Request(
        "GET", "http://localhost:3000/done", params=[("from", "form"), ("bucket", BUCKET), ("key", "r.txt"),
                                                     ("etag", etag)]).prepare().url


def test_form_fields_set_content_type_and_metadata(s3: Any) -> None:
    tagging = "<Tagging><TagSet><Tag><Key>team</Key><Value>bi</Value></Tag></TagSet></Tagging>"
    fields = {"Content-Type": "text/csv", "x-amz-meta-owner": "data-team", "tagging": tagging}
    response = _post(s3, key="typed.csv", Fields=fields, Conditions=[
        {"Content-Type": "text/csv"}, ["starts-with", "$x-amz-meta-owner", ""], {"tagging": tagging}])
    assert response.status_code == 204
    head = s3.head_object(Bucket=BUCKET, Key="typed.csv")
    assert (head["ContentType"], head["Metadata"]) == ("text/csv", {"owner": "data-team"})
    assert s3.get_object_tagging(Bucket=BUCKET, Key="typed.csv")["TagSet"] == [{"Key": "team", "Value": "bi"}]


def test_policy_conditions_are_enforced(s3: Any) -> None:
    too_big = _post(s3, key="big.bin", body=b"x" * 2048, Conditions=[["content-length-range", 1, 1024]])
    assert _error(too_big)[:2] == (400, "EntityTooLarge")
    tampered = _post(s3, key="a.txt", extra={"key": "elsewhere.txt"})
    assert _error(tampered) == (403, "AccessDenied", ('Invalid according to Policy: Policy Condition failed: '
                                                     '["eq", "$key", "a.txt"]'))
    extra = _post(s3, key="b.txt", extra={"Content-Type": "text/html"})
    assert _error(extra) == (403, "AccessDenied", "Invalid according to Policy: Extra input fields: content-type")
    expired = _post(s3, key="c.txt", ExpiresIn=-60)
    assert _error(expired) == (403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    ignored = _post(s3, key="d.txt", extra={"x-ignore-tracking": "1"})  # x-ignore-* needs no condition
    assert ignored.status_code == 204
    names = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert names == ["d.txt"]


def test_a_form_without_key_or_file_is_invalid(s3: Any) -> None:
    url = s3.generate_presigned_post(BUCKET, "k")["url"]
    no_key = requests.post(url, files={"file": ("f.txt", b"data")}, timeout=30)
    assert _error(no_key)[:2] == (400, "InvalidArgument")
    no_file = requests.post(url, data={"key": "k"}, files={"other": ("", b"")}, timeout=30)
    assert _error(no_file)[:2] == (400, "InvalidArgument")


@pytest.mark.parametrize("policy", [
    "not base64!",
    base64.b64encode(b"{not json").decode(),
    base64.b64encode(json.dumps({"conditions": []}).encode()).decode(),  # no expiration
    base64.b64encode(json.dumps({"expiration": "2999-01-01T00:00:00Z", "conditions": [
        ["content-length-range", "one", 10]]}).encode()).decode(),
    base64.b64encode(json.dumps({"expiration": "2999-01-01T00:00:00Z", "conditions": [
        ["matches", "$key", "k"]]}).encode()).decode(),
    base64.b64encode(json.dumps({"expiration": "2999-01-01T00:00:00Z", "conditions": [
        ["starts-with", "$key", 5]]}).encode()).decode(),
])
def test_a_malformed_policy_is_invalid_policy_document(s3: Any, glue_emulator: Any, policy: str) -> None:
    response = requests.post(f"{glue_emulator.endpoint}/{BUCKET}", data={"key": "k", "policy": policy},
                             files={"file": ("f.txt", b"data")}, timeout=30)
    assert _error(response)[:2] == (400, "InvalidPolicyDocument")
    assert _keys(s3) == []


def test_a_form_posted_by_another_site_is_refused_by_the_gate(s3: Any) -> None:
    refused = _post(s3, key="evil.txt", headers={"Origin": "http://attacker.example"})
    assert _error(refused)[:2] == (403, "AccessDenied")
    allowed = _post(s3, key="page.txt", headers={"Origin": PAGE})
    assert allowed.status_code == 204
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["page.txt"]


# -- CORS -------------------------------------------------------------------------------------------


def _preflight(endpoint: str, path: str, origin: str, method: str, headers: str | None = None) -> Any:
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        sent["Access-Control-Request-Headers"] = headers
    return requests.options(f"{endpoint}/{BUCKET}/{path}", headers=sent, timeout=30)


def test_put_get_delete_bucket_cors(s3: Any) -> None:
    with pytest.raises(ClientError) as none:
        s3.get_bucket_cors(Bucket=BUCKET)
    assert (none.value.response["Error"]["Code"], none.value.response["ResponseMetadata"]["HTTPStatusCode"]) == \
        ("NoSuchCORSConfiguration", 404)
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration=RULES)
    assert s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"] == RULES["CORSRules"]
    with pytest.raises(ClientError) as bad:
        s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration={"CORSRules": [
            {"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]})
    assert bad.value.response["Error"]["Code"] == "InvalidRequest"
    s3.delete_bucket_cors(Bucket=BUCKET)
    with pytest.raises(ClientError):
        s3.get_bucket_cors(Bucket=BUCKET)


def test_preflight_answers_from_the_rules(glue_emulator: Any, s3: Any) -> None:
    endpoint = glue_emulator.endpoint
    off = _preflight(endpoint, "a.csv", PAGE, "PUT")
    assert _error(off) == (403, "AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.")
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration=RULES)
    allowed = _preflight(endpoint, "a.csv", PAGE, "PUT", "Content-Type, X-Amz-Date")
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == PAGE
    assert allowed.headers["Access-Control-Allow-Methods"] == "GET, PUT"
    assert allowed.headers["Access-Control-Allow-Headers"] == "content-type, x-amz-date"
    assert (allowed.headers["Access-Control-Max-Age"], allowed.headers["Access-Control-Expose-Headers"]) == \
        ("600", "ETag")
    assert allowed.headers["Access-Control-Allow-Credentials"] == "true"
    head = _preflight(endpoint, "a.csv", PAGE, "HEAD")  # the second rule: any origin
    assert head.headers["Access-Control-Allow-Origin"] == "*"
    for method, headers in (("DELETE", None), ("PUT", "authorization-extra")):
        denied = _preflight(endpoint, "a.csv", PAGE, method, headers)
        status, code, message = _error(denied)
        assert (status, code) == (403, "AccessForbidden")
        assert message.startswith("CORSResponse: This CORS request is not allowed.")
        assert "Access-Control-Allow-Origin" not in denied.headers
    assert _error(requests.options(f"{endpoint}/{BUCKET}/a.csv", headers={"Origin": PAGE}, timeout=30))[:2] == \
        (400, "BadRequest")


def test_actual_requests_carry_cors_headers_for_matching_origins(glue_emulator: Any, s3: Any) -> None:
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration=RULES)
    s3.put_object(Bucket=BUCKET, Key="a.csv", Body=b"1")
    url = f"{glue_emulator.endpoint}/{BUCKET}/a.csv"
    got = requests.get(url, headers={"Origin": PAGE}, timeout=30)
    assert (got.status_code, got.headers["Access-Control-Allow-Origin"]) == (200, PAGE)
    assert got.headers["Access-Control-Expose-Headers"] == "ETag"
    missing = requests.get(url + ".gone", headers={"Origin": PAGE}, timeout=30)  # errors too: the page reads them
    assert (missing.status_code, missing.headers["Access-Control-Allow-Origin"]) == (404, PAGE)
    other_port = requests.get(url, headers={"Origin": "http://127.0.0.1:3000"}, timeout=30)  # no rule matches
    assert other_port.status_code == 200 and "Access-Control-Allow-Origin" not in other_port.headers
    plain = requests.get(url, timeout=30)
    assert "Access-Control-Allow-Origin" not in plain.headers


def test_a_preflight_from_a_site_the_user_did_not_allow_is_refused_whatever_the_rules(glue_emulator: Any,
                                                                                        s3: Any) -> None:
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration={"CORSRules": [
        {"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "PUT", "POST", "DELETE"], "AllowedHeaders": ["*"]}]})
    refused = _preflight(glue_emulator.endpoint, "a.csv", "https://attacker.example", "PUT", "content-type")
    assert _error(refused)[:2] == (403, "AccessDenied")
    assert "Access-Control-Allow-Origin" not in refused.headers


# -- with SigV4 verification and an allowed web origin --------------------------------------------


@pytest.fixture(scope="module")
def verifying(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    env = {"GLUE_EMULATOR_VERIFY_SIGV4": "1", "GLUE_EMULATOR_CREDENTIALS": f"{KEY}:{SECRET}",
           "GLUE_EMULATOR_ALLOWED_HOSTS": "app.example", "GLUE_EMULATOR_SPARK_PREWARM": "0"}
    server = EmulatorServer(Path(tmp_path_factory.mktemp("post-cors")) / "data", env=env).start(300)
    yield server
    server.stop()


def _sigv4_client(server: EmulatorServer, key: str = KEY) -> Any:
    return boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=SECRET, config=Config(signature_version="s3v4"))


def test_with_sigv4_the_policy_signature_is_verified(verifying: EmulatorServer) -> None:
    s3 = _sigv4_client(verifying)
    s3.create_bucket(Bucket=BUCKET)
    assert _post(s3, key="signed.txt").status_code == 204
    sigv2 = verifying.client("s3")  # boto3's default for presigning: SigV2 fields, refused as S3 refuses them
    assert _error(_post(sigv2, key="v2.txt"))[:2] == (400, "InvalidRequest")
    form = s3.generate_presigned_post(BUCKET, "forged.txt")
    forged = {**form["fields"], "x-amz-signature": "0" * 64}
    response = requests.post(form["url"], data=forged, files={"file": ("f", b"x")}, timeout=30)
    assert _error(response)[:2] == (403, "SignatureDoesNotMatch")
    unsigned = requests.post(form["url"], data={"key": "anon.txt"}, files={"file": ("f", b"x")}, timeout=30)
    assert _error(unsigned)[:2] == (403, "AccessDenied")
    stranger = _sigv4_client(verifying, key="AKIDUNKNOWN")
    assert _error(_post(stranger, key="stranger.txt"))[:2] == (403, "InvalidAccessKeyId")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["signed.txt"]


def test_an_allowed_origin_gets_preflights_answered_unsigned(verifying: EmulatorServer) -> None:
    s3 = verifying.client("s3")
    s3.create_bucket(Bucket="site")
    s3.put_bucket_cors(Bucket="site", CORSConfiguration={"CORSRules": [
        {"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["PUT"]}]})
    sent = {"Origin": "https://app.example", "Access-Control-Request-Method": "PUT"}
    answered = requests.options(f"{verifying.endpoint}/site/k", headers=sent, timeout=30)
    assert (answered.status_code, answered.headers["Access-Control-Allow-Origin"]) == (200, "https://app.example")
    other = requests.options(f"{verifying.endpoint}/site/k", headers={**sent, "Origin": "https://other.example"},
                             timeout=30)
    assert _error(other)[:2] == (403, "AccessDenied")
    # The preflight only answers; the actual request must still be signed.
    unsigned_put = requests.put(f"{verifying.endpoint}/site/k", data=b"x", headers={"Origin": "https://app.example"},
                                timeout=30)
    assert unsigned_put.status_code == 403


# -- in a real browser ------------------------------------------------------------------------------

CHROMIUM = os.environ.get("GLUE_EMULATOR_CHROMIUM", "/usr/bin/chromium")
# What the page runs: a PUT through a presigned URL with a Content-Type (so the browser sends a preflight), then
# the presigned POST form as FormData (a "simple" request: no preflight). `no-cors` sends the POST even when
# the answer may not be read, as a hostile page would.
PAGE_SCRIPT = """async ([putUrl, form, mode]) => {
  const out = {};
  try {
    const put = await fetch(putUrl, {method: "PUT", headers: {"Content-Type": "text/plain"}, body: "from page"});
    out.put = put.status; out.etag = put.headers.get("ETag");
  } catch (error) { out.put = "blocked"; }
  const data = new FormData();
  for (const [name, value] of Object.entries(form.fields)) data.append(name, value);
  data.append("file", new Blob(["posted"]), "page.txt");
  try { out.post = (await fetch(form.url, {method: "POST", body: data, mode})).status; }
  catch (error) { out.post = "blocked"; }
  return out;
}"""


class _Blank(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>page</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture(scope="module")
def browser() -> Iterator[tuple[Any, int]]:
    """(a headless Chromium resolving attacker.test to 127.0.0.1, the port of a blank page served on loopback)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    pages = ThreadingHTTPServer(("127.0.0.1", 0), _Blank)
    threading.Thread(target=pages.serve_forever, daemon=True).start()
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
            "--host-resolver-rules=MAP attacker.test 127.0.0.1"])
        yield chromium, pages.server_address[1]
        chromium.close()
    pages.shutdown()


def _from_page(browser: tuple[Any, int], host: str, s3: Any, key: str, mode: str = "cors") -> dict[str, Any]:
    chromium, port = browser
    page = chromium.new_page()
    try:
        page.goto(f"http://{host}:{port}/")
        put_url = s3.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": f"{key}-put",
                                                                  "ContentType": "text/plain"})
        form = s3.generate_presigned_post(BUCKET, f"{key}-post")
        return page.evaluate(PAGE_SCRIPT, [put_url, form, mode])
    finally:
        page.close()


def _keys(s3: Any) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_browser_page_uploads_as_the_bucket_cors_rules_allow(s3: Any, browser: tuple[Any, int]) -> None:
    denied = _from_page(browser, "localhost", s3, "before")  # no CORS rules yet: the preflight is refused
    assert denied["put"] == "blocked"
    assert "before-put" not in _keys(s3)
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration={"CORSRules": [
        {"AllowedOrigins": ["http://localhost:*"], "AllowedMethods": ["PUT", "POST"], "AllowedHeaders": ["*"],
         "ExposeHeaders": ["ETag"]}]})
    done = _from_page(browser, "localhost", s3, "after")
    assert done == {"put": 200, "etag": s3.head_object(Bucket=BUCKET, Key="after-put")["ETag"], "post": 204}
    assert s3.get_object(Bucket=BUCKET, Key="after-post")["Body"].read() == b"posted"


def test_a_page_on_another_site_cannot_upload_whatever_the_rules(s3: Any, browser: tuple[Any, int]) -> None:
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration={"CORSRules": [
        {"AllowedOrigins": ["*"], "AllowedMethods": ["PUT", "POST"], "AllowedHeaders": ["*"]}]})
    attempt = _from_page(browser, "attacker.test", s3, "evil", mode="no-cors")
    assert attempt["put"] == "blocked"
    assert attempt["post"] == 0  # an opaque answer: the page learns nothing, and the gate refused the form
    assert _keys(s3) == []
