"""Bucket notifications: PutBucketNotificationConfiguration, GetBucketNotificationConfiguration.

The emulator delivers a bucket's events through Amazon EventBridge, as S3 does when the configuration holds
an `EventBridgeConfiguration` element (https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html):
every object change is then sent to the default event bus of the bucket owner's account, in the bucket's
region, where rules route it (events/s3.py builds the events). Direct destinations (TopicConfiguration,
QueueConfiguration, CloudFunctionConfiguration) are not delivered by the emulator and are refused with
NotImplemented rather than stored and silently ignored; an empty configuration turns notifications off.
The configuration is kept in the bucket's document, so it goes with the bucket.
"""

from __future__ import annotations

from ..context import RequestContext
from ..protocol.s3xml import S3Reply, S3Request, parse_xml, xml_reply
from .errors import S3NotImplemented
from .storage import BUCKET, SCOPE, storage

EVENTBRIDGE = "EventBridgeConfiguration"
_DIRECT = ("TopicConfiguration", "QueueConfiguration", "CloudFunctionConfiguration")


def put_bucket_notification_configuration(ctx: RequestContext, req: S3Request) -> S3Reply:
    store = storage(ctx)
    name = req.bucket or ""
    with store.store.transaction():
        doc = store.require_bucket(name)
        configuration = parse_xml(req.body.read(1024 * 1024), "NotificationConfiguration")
        direct = [child.tag for child in configuration if child.tag in _DIRECT]
        if direct:
            raise S3NotImplemented(f"glue-emulator delivers bucket notifications through EventBridge only "
                                   f"(EventBridgeConfiguration); {direct[0]} is not implemented")
        doc["EventBridgeEnabled"] = configuration.find(EVENTBRIDGE) is not None
        store.store.put(SCOPE, BUCKET, "", name, doc)
    return S3Reply(200)


def get_bucket_notification_configuration(ctx: RequestContext, req: S3Request) -> S3Reply:
    doc = storage(ctx).require_bucket(req.bucket or "")
    return xml_reply("NotificationConfiguration", {EVENTBRIDGE: {}} if doc.get("EventBridgeEnabled") else {})
