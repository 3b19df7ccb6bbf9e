"""Buckets: CreateBucket, HeadBucket, ListBuckets, DeleteBucket, GetBucketLocation, GetBucketVersioning.

A bucket is a folder `<data-dir>/s3/<name>` (a folder made by hand with a valid name is a bucket
too); its document records region, owner and creation date. The namespace is global, as in S3.
"""

from __future__ import annotations

import base64
import binascii
import os

from ..clock import now
from ..config import DEFAULT_REGION
from ..context import RequestContext
from ..protocol.s3xml import S3Reply, S3Request, child_text, iso8601, parse_xml, xml_reply
from .errors import (
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    IllegalLocationConstraintException,
    InvalidArgument,
    InvalidLocationConstraint,
)
from .listing import Walk
from .storage import BUCKET, OBJECT, PART, SCOPE, UPLOAD, canonical_id, storage


def _region_of_request(ctx: RequestContext, req: S3Request) -> str:
    """The bucket's region: the LocationConstraint, which must match the endpoint's region (S3's rule)."""
    data = req.body.read(64 * 1024)
    constraint = None
    if data.strip():
        constraint = child_text(parse_xml(data, "CreateBucketConfiguration"), "LocationConstraint") or None
    if constraint is None:
        if ctx.region != DEFAULT_REGION:
            raise IllegalLocationConstraintException()
        return DEFAULT_REGION
    if constraint == DEFAULT_REGION:
        raise InvalidLocationConstraint(LocationConstraint=constraint)
    if constraint != ctx.region:
        raise IllegalLocationConstraintException(
            f"The {constraint} location constraint is incompatible for the region specific endpoint this request"
            " was sent to."
        )
    return constraint


def create_bucket(ctx: RequestContext, req: S3Request) -> S3Reply:
    store = storage(ctx)
    name = req.bucket or ""
    bucket_dir = store.layout.bucket_dir(name)
    region = _region_of_request(ctx, req)
    try:
        os.mkdir(bucket_dir)
    except FileExistsError:
        existing = store.require_bucket(name)
        if existing["Owner"] != ctx.account:
            raise BucketAlreadyExists(BucketName=name) from None
        if existing["BucketRegion"] != DEFAULT_REGION:
            raise BucketAlreadyOwnedByYou(BucketName=name) from None
        # us-east-1 answers 200 to its owner creating the bucket again (S3's legacy behaviour).
        return S3Reply(headers={"Location": f"/{name}"})
    store.store.put(SCOPE, BUCKET, "", name, {"Name": name, "CreationDate": now(), "BucketRegion": region,
                                             "Owner": ctx.account})
    return S3Reply(headers={"Location": f"/{name}"})


def head_bucket(ctx: RequestContext, req: S3Request) -> S3Reply:
    doc = storage(ctx).require_bucket(req.bucket or "")
    return S3Reply(headers={"x-amz-bucket-region": doc["BucketRegion"], "x-amz-access-point-alias": "false"})


def _token(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode()


def list_buckets(ctx: RequestContext, req: S3Request) -> S3Reply:
    """The caller's buckets in name order, with S3's optional prefix, region and pagination."""
    store = storage(ctx)
    query = req.query
    prefix, region = query.get("prefix", ""), query.get("bucket-region")
    after = ""
    if query.get("continuation-token"):
        try:
            after = base64.b64decode(query["continuation-token"].encode(), altchars=b"-_", validate=True).decode()
        except (binascii.Error, UnicodeError, ValueError):
            raise InvalidArgument("The continuation token provided is incorrect", ArgumentName="continuation-token",
                                  ArgumentValue=query["continuation-token"]) from None
    limit = int(query["max-buckets"]) if query.get("max-buckets", "").isdigit() else 10000
    if not 1 <= limit <= 10000:
        raise InvalidArgument("Argument max-buckets must be an integer between 1 and 10000", ArgumentName="max-buckets",
                              ArgumentValue=query["max-buckets"])
    buckets = []
    for name in store.layout.bucket_names():
        doc = store.bucket(name)
        if doc is None or doc["Owner"] != ctx.account or not name.startswith(prefix) or name <= after:
            continue
        if region and doc["BucketRegion"] != region:
            continue
        buckets.append(doc)
    page = buckets[:limit]
    return xml_reply("ListAllMyBucketsResult", {
        "Buckets": {"Bucket": [{"Name": d["Name"], "CreationDate": iso8601(d["CreationDate"]),
                                "BucketRegion": d["BucketRegion"]} for d in page]},
        "Owner": {"ID": canonical_id(ctx.account)},
        "ContinuationToken": _token(page[-1]["Name"]) if len(buckets) > limit else None,
        "Prefix": prefix or None,
    })


def delete_bucket(ctx: RequestContext, req: S3Request) -> S3Reply:
    """Delete an empty bucket. Hadoop side files do not make it non-empty; pending uploads are aborted."""
    store = storage(ctx)
    name = req.bucket or ""
    store.require_bucket(name)
    if next(iter(Walk(store, name)), None) is not None:
        raise BucketNotEmpty(BucketName=name)
    with store.store.transaction():
        uploads = [upload_id for upload_id, _ in store.store.list(SCOPE, UPLOAD, name)]
        for kind in (OBJECT, UPLOAD, PART):
            store.store.delete_under(SCOPE, kind, name)
        store.store.delete(SCOPE, BUCKET, "", name)
        store.layout.remove_bucket(name)
    for upload_id in uploads:
        store.layout.remove_upload(upload_id)
    return S3Reply(204)


def get_bucket_location(ctx: RequestContext, req: S3Request) -> S3Reply:
    region = storage(ctx).require_bucket(req.bucket or "")["BucketRegion"]
    # us-east-1 is reported as an empty constraint, as S3 does.
    return xml_reply("LocationConstraint", "" if region == DEFAULT_REGION else region)


def get_bucket_versioning(ctx: RequestContext, req: S3Request) -> S3Reply:
    """Never versioned: S3 answers an empty configuration (no Status) for such buckets."""
    storage(ctx).require_bucket(req.bucket or "")
    return xml_reply("VersioningConfiguration", {})
