"""Job bookmarks in the run: which S3 files a transformation_ctx has already processed.

`Job.init` loads the job's committed state (GetJobBookmark), sources narrow their file lists
through `Bookmarks.select`, and `Job.commit` saves the new state through the emulator's endpoint
(`POST /_emulator/jobs/<job>/bookmark`, see emulator/jobs/bookmarks.py). The state of a
transformation_ctx keeps Glue's envelope (`jsonClass`, `timestamps`) and, instead of Glue's
timestamp window and md5 include list, the processed files with their modification times: a file
is new when its path is unknown, changed when its time differs, and both are read again.

Options (Glue's): `job-bookmark-enable` reads new files and saves; `job-bookmark-pause` reads the
files new since the last commit (or, with `--job-bookmark-from`/`--job-bookmark-to`, those the run
`to` committed beyond the run `from`) and saves nothing; `job-bookmark-disable` reads everything.
A source without transformation_ctx is never bookmarked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

ENABLE, PAUSE, DISABLE = "job-bookmark-enable", "job-bookmark-pause", "job-bookmark-disable"
STATE_CLASS = "HadoopDataSourceJobBookmarkState"
_SAVE_TIMEOUT_SECONDS = 30


class Bookmarks:
    """One run's bookmark state: what was committed, and what this run has read since."""

    def __init__(self, option: str, committed: dict[str, Any], baseline: dict[str, Any] | None = None):
        self.option = option
        self.committed = committed  # transformation_ctx -> state
        # pause with from/to: files the `from` run had committed count as processed
        self.baseline = committed if baseline is None else baseline
        self.pending: dict[str, dict[str, int]] = {}  # transformation_ctx -> files read by this run
        self.pending_states: dict[str, dict[str, Any]] = {}  # transformation_ctx -> a JDBC source's state (_jdbc.py)
        self.run_start = datetime.now(UTC)

    @property
    def active(self) -> bool:
        return self.option in (ENABLE, PAUSE)

    def select(self, transformation_ctx: str, files: list[Any]) -> list[Any]:
        """The files a source reads: all of them, or (bookmarked) the new and changed ones."""
        if not self.active or not transformation_ctx:
            return files
        done = (self.baseline.get(transformation_ctx) or {}).get("files") or {}
        if self.option == PAUSE and self.baseline is not self.committed:
            upto = (self.committed.get(transformation_ctx) or {}).get("files") or {}
            chosen = [f for f in files if f.path in upto and done.get(f.path) != upto[f.path]]
        else:
            chosen = [f for f in files if done.get(f.path) != f.modified]
        self.pending.setdefault(transformation_ctx, {}).update({f.path: f.modified for f in chosen})
        return chosen

    def state_to_save(self) -> dict[str, Any]:
        """The committed state with this run's files added (contexts not read this run keep theirs)."""
        state = {k: v for k, v in self.committed.items()}
        for ctx, files in self.pending.items():
            previous = (state.get(ctx) or {}).get("files") or {}
            run = int(((state.get(ctx) or {}).get("timestamps") or {}).get("RUN", "0")) + 1
            state[ctx] = {
                "jsonClass": STATE_CLASS,
                "timestamps": {"RUN": str(run),
                               "CURR_RUN_START_TIME": self.run_start.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"},
                "files": {**previous, **files},
            }
        state.update(self.pending_states)
        return state


def option_of(args: dict[str, Any], argv: Iterable[str]) -> dict[str, str | None]:
    """The run's bookmark option and range: from the resolved arguments, else from sys.argv (Glue
    reads them from the job's configuration, not from what the script passes to job.init)."""
    found: dict[str, str | None] = {"job_bookmark_option": None, "job_bookmark_from": None,
                                    "job_bookmark_to": None, "JOB_RUN_ID": None}
    items = list(argv)
    for i, item in enumerate(items[:-1]):
        key = item[2:].replace("-", "_") if item.startswith("--") else None
        if key in found and found[key] is None:
            found[key] = items[i + 1]
        if key == "continuation_option" and found["job_bookmark_option"] is None:
            found["job_bookmark_option"] = items[i + 1].replace("continuation-enabled", ENABLE) \
                .replace("continuation-readonly", PAUSE).replace("continuation-ignore", DISABLE)
    for key in found:
        if args.get(key):
            found[key] = args[key]
    found["job_bookmark_option"] = found["job_bookmark_option"] or DISABLE
    return found


def load(glue_client: Any, job_name: str, option: str, range_from: str | None, range_to: str | None) -> Bookmarks:
    """The committed state (GetJobBookmark); nothing is asked when bookmarks are disabled."""
    if option not in (ENABLE, PAUSE):
        return Bookmarks(option, {})
    if option == PAUSE and range_from and range_to:
        return Bookmarks(option, _state(glue_client, job_name, range_to), _state(glue_client, job_name, range_from))
    return Bookmarks(option, _state(glue_client, job_name, None))


def _state(glue_client: Any, job_name: str, run_id: str | None) -> dict[str, Any]:
    kwargs = {"JobName": job_name, **({"RunId": run_id} if run_id else {})}
    try:
        entry = glue_client.get_job_bookmark(**kwargs)["JobBookmarkEntry"]
    except glue_client.exceptions.EntityNotFoundException:
        if run_id:
            raise
        return {}
    return json.loads(entry.get("JobBookmark") or "{}")


def save(glue_client: Any, job_name: str, run_id: str, state: dict[str, Any]) -> dict[str, Any]:
    """POST the state to the emulator (signed like the client's own requests: same account/region)."""
    import urllib.error
    import urllib.parse
    import urllib.request

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    endpoint = glue_client.meta.endpoint_url.rstrip("/")
    url = f"{endpoint}/_emulator/jobs/{urllib.parse.quote(job_name, safe='')}/bookmark"
    body = json.dumps({"RunId": run_id, "JobBookmark": json.dumps(state)}).encode()
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/json"})
    credentials = glue_client._request_signer._credentials
    SigV4Auth(credentials.get_frozen_credentials(), "glue", glue_client.meta.region_name).add_auth(request)
    prepared = urllib.request.Request(url, data=body, headers=dict(request.headers.items()), method="POST")
    try:
        with urllib.request.urlopen(prepared, timeout=_SAVE_TIMEOUT_SECONDS) as response:
            return json.loads(response.read())["JobBookmarkEntry"]
    except urllib.error.HTTPError as exc:
        detail = json.loads(exc.read() or b"{}")
        raise RuntimeError(f"Saving the job bookmark failed: {detail.get('__type')}: {detail.get('Message')}") \
            from None
