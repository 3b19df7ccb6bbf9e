"""The console's S3 pages: buckets, folders, object metadata and download, through the S3 handlers themselves.

Each page calls the handler of the S3 operation a client would (ListBuckets, ListObjectsV2 with
Delimiter "/", HeadObject, GetObject) with the request it would send, and reads the reply: the XML
document S3 answers for listings, the headers for metadata, the streamed file for a download.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree

from werkzeug.wrappers import Request, Response

from ..context import RequestContext
from ..protocol import s3xml
from ..s3 import handlers

FOLDER_PAGE = 200  # keys and folders per page of a folder listing


def _call(ctx: RequestContext, operation: str, bucket: str | None = None, key: str | None = None,
          query: dict[str, str] | None = None) -> s3xml.S3Reply:
    request = s3xml.S3Request(method="HEAD" if operation == "HeadObject" else "GET", bucket=bucket, key=key,
                              query=query or {}, headers={}, body=io.BytesIO(), length=0)
    return handlers()[operation](ctx, request)


def _document(reply: s3xml.S3Reply) -> ElementTree.Element:
    """The reply's XML without its namespace, so elements are found by their plain names."""
    root = ElementTree.fromstring(reply.xml or b"<empty/>")
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
    return root


def buckets(ctx: RequestContext) -> list[dict[str, str]]:
    """[{"Name", "CreationDate", "BucketRegion"}] of the account's buckets, by name."""
    root = _document(_call(ctx, "ListBuckets"))
    return [{child.tag: child.text or "" for child in bucket} for bucket in root.iter("Bucket")]


def folder(ctx: RequestContext, bucket: str, prefix: str, token: str | None) -> dict[str, Any]:
    """One page of a folder: its sub-folders (common prefixes) and objects, and the next page's token."""
    query = {"list-type": "2", "delimiter": "/", "prefix": prefix, "max-keys": str(FOLDER_PAGE)}
    if token:
        query["continuation-token"] = token
    root = _document(_call(ctx, "ListObjectsV2", bucket, query=query))
    folders = [(p.findtext("Prefix") or "") for p in root.iter("CommonPrefixes")]
    objects = [{child.tag: child.text or "" for child in item} for item in root.iter("Contents")]
    return {"bucket": bucket, "prefix": prefix, "folders": folders, "objects": objects,
            "next": root.findtext("NextContinuationToken")}


def metadata(ctx: RequestContext, bucket: str, key: str) -> dict[str, str]:
    """The headers HeadObject answers for the object (content type, ETag, user metadata, ...)."""
    reply = _call(ctx, "HeadObject", bucket, key)
    return dict(sorted(reply.headers.items()))


def download(ctx: RequestContext, request: Request, bucket: str, key: str) -> Response:
    """The object's bytes as GetObject streams them, offered to the browser as a file to save."""
    response = s3xml.to_response(_call(ctx, "GetObject", bucket, key), request, ctx.request_id)
    filename = key.rpartition("/")[2] or "object"
    response.headers["Content-Disposition"] = _attachment(filename)
    return response


def _attachment(filename: str) -> str:
    """A Content-Disposition naming the file (RFC 6266: an ASCII fallback and the UTF-8 name)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
