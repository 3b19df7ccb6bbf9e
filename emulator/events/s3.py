"""S3's EventBridge events for buckets with EventBridge notifications on (s3/notifications.py).

Shapes as documented in "Amazon S3 Event Notifications with EventBridge"
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html): source "aws.s3", detail-type
"Object Created" (reason PutObject, CopyObject or CompleteMultipartUpload) or "Object Deleted" (reason
DeleteObject; deletion-type "Permanently Deleted", buckets here being unversioned), resources the bucket's ARN,
detail {version, bucket: {name}, object: {key, size, etag, sequencer}, request-id, requester, reason}, on the
default bus of the bucket owner's account in the bucket's region. The detail's `source-ip-address` is left
out: the S3 handlers do not see the client's address.
"""

from __future__ import annotations

import time
from typing import Any

from ..context import RequestContext
from .bus import emit, listening


def _sequencer() -> str:
    """S3's sequencer: a hexadecimal value that orders the events of one key (here: nanoseconds)."""
    return f"{time.time_ns():016X}"


def object_changed(ctx: RequestContext, bucket: str, key: str, reason: str, size: int | None = None,
                   etag: str | None = None) -> None:
    """An object was written (`size` bytes, `etag` as S3 answers it) or, without a size, deleted."""
    if not listening():  # nobody has a rule yet: skip even reading the bucket's configuration
        return
    from ..s3.storage import storage

    doc = storage(ctx).bucket(bucket)
    if doc is None or not doc.get("EventBridgeEnabled"):
        return
    obj: dict[str, Any] = {"key": key}
    if size is not None:
        obj.update(size=size, etag=(etag or "").strip('"'))
    obj["sequencer"] = _sequencer()
    detail: dict[str, Any] = {"version": "0", "bucket": {"name": bucket}, "object": obj,
                              "request-id": ctx.request_id, "requester": ctx.account, "reason": reason}
    if size is None:
        detail["deletion-type"] = "Permanently Deleted"
    scope = f"{doc['Owner']}/{doc['BucketRegion']}"
    emit(scope, "Object Created" if size is not None else "Object Deleted", detail,
         [f"arn:aws:s3:::{bucket}"], source="aws.s3")
