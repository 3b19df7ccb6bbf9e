"""A body sent with `Transfer-Encoding: chunked` (no Content-Length), on a real server driven by `requests` with a
generator body, as a presigned upload from Go or a Node stream sends it (found breaking session 6's streamed
bodies): S3 refuses it with 501 NotImplemented naming the header (aws-sdk-go#4944, aws-sdk-js-v3#3383,
botocore#35), so an upload that works here works on AWS; SigV4 streaming (aws-chunked) is not affected.
"""

from __future__ import annotations

from xml.etree import ElementTree

import requests

BUCKET = "breaker6-chunked"


def _pieces(total: int, size: int):
    for start in range(0, total, size):
        yield b"x" * min(size, total - start)


def test_a_transfer_encoding_chunked_upload_is_refused_as_s3_does(glue_emulator, s3):
    url = s3.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": "chunked"}, ExpiresIn=600)
    with requests.Session() as session:
        for total in (5, 2_000_000):  # under and over the size at which bodies are streamed from the socket
            response = session.put(url, data=_pieces(total, 65_537))
            assert response.status_code == 501, response.text
            error = ElementTree.fromstring(response.content)
            assert (error.findtext("Code"), error.findtext("Header")) == ("NotImplemented", "Transfer-Encoding")
        assert session.put(url, data=b"kept").status_code == 200  # the same connection goes on
    assert s3.get_object(Bucket=BUCKET, Key="chunked")["Body"].read() == b"kept"
