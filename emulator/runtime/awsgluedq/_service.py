"""The emulator's own endpoints a job's EvaluateDataQuality calls (see emulator/dataquality/publishing.py).

Requests are signed with SigV4 as the job's boto3 clients sign theirs (same credentials, account and region), so
they pass the emulator's security gate. Outside a job run (no AWS_ENDPOINT_URL, no --JOB_RUN_ID) nothing is
published: `job_identity()` answers None.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from typing import Any

_TIMEOUT_SECONDS = 30


def job_identity(argv: list[str] | None = None) -> tuple[str, str] | None:
    """(JOB_NAME, JOB_RUN_ID) of the running job from sys.argv as Glue passes them, or None outside a job run."""
    argv = sys.argv if argv is None else argv
    values = {}
    for flag in ("--JOB_NAME", "--JOB_RUN_ID"):
        if flag in argv[:-1]:
            values[flag] = argv[argv.index(flag) + 1]
    if len(values) < 2 or not os.environ.get("AWS_ENDPOINT_URL"):
        return None
    return values["--JOB_NAME"], values["--JOB_RUN_ID"]


def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST a JSON body to the emulator's `path` (signed); the JSON answer. RuntimeError with AWS's error code and
    message when the emulator refuses it."""
    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    session = boto3.Session()
    url = os.environ["AWS_ENDPOINT_URL"].rstrip("/") + path
    data = json.dumps(body).encode()
    request = AWSRequest(method="POST", url=url, data=data, headers={"Content-Type": "application/json"})
    SigV4Auth(session.get_credentials().get_frozen_credentials(), "glue", session.region_name).add_auth(request)
    prepared = urllib.request.Request(url, data=data, headers=dict(request.headers.items()), method="POST")
    try:
        with urllib.request.urlopen(prepared, timeout=_TIMEOUT_SECONDS) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        detail = json.loads(exc.read() or b"{}")
        raise RuntimeError(f"{detail.get('__type')}: {detail.get('Message')}") from None
