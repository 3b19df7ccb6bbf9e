"""serving.SocketBody and StreamSlots on a real socket pair: a body read from the connection as it arrives."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from werkzeug.exceptions import ClientDisconnected, RequestTimeout

from emulator.serving import SocketBody, StreamSlots


@pytest.fixture
def pair():
    server, client = socket.socketpair()
    server.setblocking(False)  # as waitress keeps its connections
    yield server, client
    server.close()
    client.close()


def _body(sock: socket.socket, first: bytes, length: int, timeout: float = 5.0) -> tuple[SocketBody, list[int]]:
    closed: list[int] = []
    return SocketBody(sock, first, length, timeout, lambda: closed.append(1)), closed


def _send_later(client: socket.socket, *pieces: bytes, pause: float = 0.05) -> threading.Thread:
    def send() -> None:
        for piece in pieces:
            time.sleep(pause)
            client.sendall(piece)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def test_reads_fill_what_is_asked_and_stop_at_the_body_end(pair):
    server, client = pair
    body, _ = _body(server, b"head-", 5 + 12)
    # The body's last bytes arrive in pieces, followed by the next request's: never read.
    sender = _send_later(client, b"abc", b"defghi", b"jklGET / HTTP/1.1\r\n")
    assert body.read(8) == b"head-abc"  # the bytes that came with the headers, then the socket's
    assert body.read(100) == b"defghijkl"  # a short read only at the body's end
    assert body.read(10) == b""
    assert body.remaining == 0
    sender.join()
    assert server.recv(100) == b"GET / HTTP/1.1\r\n"


def test_readinto_and_readline_share_the_buffer(pair):
    server, client = pair
    payload = b"10;chunk-signature=x\r\n" + b"y" * 16 + b"\r\n0\r\n\r\n"
    body, _ = _body(server, payload[:4], len(payload))
    _send_later(client, payload[4:10], payload[10:])
    assert body.readline(4096) == b"10;chunk-signature=x\r\n"
    target = bytearray(16)
    assert body.readinto(target) == 16 and bytes(target) == b"y" * 16
    assert body.readline() == b"\r\n"
    assert body.readline(1) == b"0"
    assert body.readall() == b"\r\n\r\n"


def test_a_client_that_goes_away_is_client_disconnected(pair):
    server, client = pair
    body, _ = _body(server, b"", 100)
    client.sendall(b"only part")
    client.close()
    with pytest.raises(ClientDisconnected):
        body.read(100)
    assert body.broken
    assert body.drain() is False  # the connection must close rather than wait for the rest


def test_a_client_that_stops_sending_times_out(pair):
    server, client = pair
    body, _ = _body(server, b"", 100, timeout=0.3)
    client.sendall(b"x")
    started = time.monotonic()
    with pytest.raises(RequestTimeout):
        body.read(100)
    assert 0.3 <= time.monotonic() - started < 3
    assert body.broken


def test_drain_reads_the_rest_and_close_runs_its_callback_once(pair):
    server, client = pair
    body, closed = _body(server, b"ab", 2 + 3 * 1024 * 1024)
    sender = _send_later(client, b"z" * (3 * 1024 * 1024), b"NEXT")
    assert body.read(1) == b"a"
    assert body.drain() is True
    assert body.remaining == 0
    sender.join()
    assert server.recv(10) == b"NEXT"  # the connection is in step for the next request
    body.close()
    body.close()
    assert closed == [1]


def test_stream_slots_are_bounded_and_given_back():
    slots = StreamSlots(2)
    assert slots.take() and slots.take()
    assert not slots.take()
    slots.give()
    assert slots.take()
    assert slots.used == 2
