"""Keep-alive after answers without a body, on a real server over one raw socket (found breaking session 6's
serving changes): a 204 (DeleteObject) or a 304 (a GET whose If-None-Match holds) leaves the connection open
for the next request, as S3 does; a request asking `Connection: close` still gets it closed.
"""

from __future__ import annotations

import socket

BUCKET = "breaker6-keepalive"


def _response(sock: socket.socket, pending: bytearray) -> tuple[int, dict[str, str], bytes]:
    """One response read off `sock` (extra bytes stay in `pending`): status, headers (lower-case names), body."""
    while b"\r\n\r\n" not in pending:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("the server closed the connection")
        pending += data
    head, _, rest = bytes(pending).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    status = int(lines[0].split()[1])
    length = 0 if status in (204, 304) else int(headers.get("content-length", "0"))
    while len(rest) < length:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("the server closed the connection inside a body")
        rest += data
    del pending[:]
    pending += rest[length:]
    return status, headers, rest[:length]


def _send(sock: socket.socket, method: str, path: str, port: int, headers: str = "") -> None:
    sock.sendall(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}\r\n".encode())


def test_a_204_and_a_304_keep_the_connection(glue_emulator, s3):
    port = glue_emulator.server.port
    etag = s3.put_object(Bucket=BUCKET, Key="kept", Body=b"kept")["ETag"]
    s3.put_object(Bucket=BUCKET, Key="gone", Body=b"gone")
    pending = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        _send(sock, "DELETE", f"/{BUCKET}/gone", port)
        status, headers, _ = _response(sock, pending)
        assert (status, headers.get("connection")) == (204, None)
        _send(sock, "GET", f"/{BUCKET}/kept", port, f"If-None-Match: {etag}\r\n")
        status, headers, _ = _response(sock, pending)
        assert (status, headers.get("connection")) == (304, None)
        _send(sock, "GET", f"/{BUCKET}/kept", port)
        assert _response(sock, pending)[::2] == (200, b"kept")
        _send(sock, "DELETE", f"/{BUCKET}/kept", port, "Connection: close\r\n")
        status, headers, _ = _response(sock, pending)
        assert (status, headers.get("connection")) == (204, "close")
        assert sock.recv(1) == b""
