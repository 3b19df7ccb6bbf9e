"""How `glue-emulator serve` runs waitress: connections, idle timeouts, and how large bodies travel.

Clients that open connections and stall (half-sent requests, leaked keep-alive sockets) must not hold
every slot: a connection with nothing in flight is closed after IDLE_TIMEOUT seconds without a byte.
A response still being sent (an S3 object streamed to a reader that pauses) keeps its connection for
STALLED_READER_TIMEOUT seconds, and a request being served is never timed out. waitress has a single
timeout for both (`channel_timeout`), so its idle sweep is replaced.

Large bodies (StreamingChannel, StreamingTask; waitress has no option for either):
- waitress reads a whole request body before calling the app, and spools one over `inbuf_overflow` to a
  temporary file: a 256 MB PutObject was written to disk twice and hashed only once it had all arrived.
  A body larger than that is instead handed to the app as it arrives (SocketBody): the thread serving the
  request reads it from the socket while it hashes and writes it. The app sees the same complete, EOF
  terminated `wsgi.input`; a client that stops sending for IDLE_TIMEOUT seconds ends the read with
  werkzeug's RequestTimeout, one that disconnects with ClientDisconnected. What the app leaves unread is
  read and dropped after the response, so the connection stays in step for its next request.
  A streamed body holds a request thread while it arrives (a buffered one holds none), so at most half the
  threads stream at once: slow uploads cannot take every thread; the next large bodies are buffered.
- waitress sends a `wsgi.file_wrapper` body by reading the file SO_SNDBUF bytes (16 KB) at a time into
  Python and sending those; the kernel sends it instead (os.sendfile), without copies.
"""

from __future__ import annotations

import functools
import io
import os
import resource
import select
import threading
import time
from collections.abc import Callable
from typing import Any

from waitress import wasyncore
from waitress.buffers import ReadOnlyFileBasedBuffer
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.receiver import FixedStreamReceiver
from waitress.task import WSGITask
from werkzeug.exceptions import ClientDisconnected, RequestTimeout

IDLE_TIMEOUT = 10.0
STALLED_READER_TIMEOUT = 300.0
MAX_CONNECTIONS = 4096
ACCEPT_BATCH = 64
# Bytes handed to the kernel per sendfile call: large enough to keep a fast reader busy, small enough that one
# connection does not hold the server's loop for long.
SENDFILE_BYTES = 8 << 20
_DRAIN_BYTES = 1 << 20
# The environ key saying the request body came with `Transfer-Encoding: chunked`: waitress decodes such a body
# and drops the header, and S3 refuses those bodies (protocol/s3xml.py).
CHUNKED_BODY = "glue_emulator.chunked_body"
_LINE_BYTES = 64 << 10
# File descriptors kept for other uses than connections: SQLite, logs, pipes to job workers.
_RESERVED_FILES = 256


def connection_limit() -> int:
    """Connections served at once: MAX_CONNECTIONS, fewer when the process may not open that many files.

    The soft file limit is raised toward the hard one first (many systems start processes at 1024).
    """
    wanted = MAX_CONNECTIONS + _RESERVED_FILES
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else max(soft, min(hard, wanted))
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return MAX_CONNECTIONS if soft == resource.RLIM_INFINITY else max(64, min(MAX_CONNECTIONS, soft - _RESERVED_FILES))


def waitress_options() -> dict[str, Any]:
    """The options of `waitress.create_server` that bound connections (see the module docstring)."""
    return {
        "channel_timeout": STALLED_READER_TIMEOUT,
        "cleanup_interval": 1,  # seconds between idle sweeps
        "connection_limit": connection_limit(),
        "asyncore_use_poll": True,  # select() cannot watch file descriptors above 1023
    }


def idle_channels(channels: Any, now: float) -> list[Any]:
    """The waitress channels to close at `now` (seconds since the epoch, as waitress keeps time)."""
    closing = []
    for channel in channels:
        if channel.requests:  # a request being served
            continue
        limit = STALLED_READER_TIMEOUT if channel.total_outbufs_len else IDLE_TIMEOUT
        if now - channel.last_activity > limit:
            closing.append(channel)
    return closing


def close_idle_connections(server: Any) -> None:
    """Adapt a waitress server: an idle sweep that tells idle from slow (see the module docstring), and
    accepts in batches.

    waitress accepts one connection per turn of its loop, and each turn polls every open connection:
    a burst of N connections costs N turns over up to N sockets, seconds for N = 1,000, during which a
    new client waits. Accepting up to ACCEPT_BATCH per turn makes that a few turns.
    """

    def maintenance(now: float) -> None:
        for channel in idle_channels(list(server.active_channels.values()), now):
            channel.will_close = True

    accept_one = server.handle_accept

    def handle_accept() -> None:
        for _ in range(ACCEPT_BATCH):
            open_before = len(server._map)
            accept_one()
            if len(server._map) == open_before or len(server._map) >= server.adj.connection_limit:
                return  # nothing was waiting (or it failed), or the slots are full

    server.maintenance = maintenance
    server.handle_accept = handle_accept


# -- large bodies (see the module docstring) ---------------------------------------------------------------


class SocketBody(io.RawIOBase):
    """A request body the serving thread reads from the connection as the app asks for it.

    `first`: the body's bytes that arrived with the headers; the other `length - len(first)` bytes are
    read from `sock` (non-blocking, shared with waitress' loop, which does not read it meanwhile), never
    a byte past the body. Reads fill what they are asked for unless the body ends (file semantics).
    Errors: werkzeug's RequestTimeout after `timeout` seconds without a byte, ClientDisconnected when the
    connection ends early; either leaves the body `broken`.

    It also stands in for waitress' body receiver (`completed`, `error`, `getfile`, `getbuf`); waitress
    closes that when the request is done, and `on_close` runs then (once).
    """

    completed = True
    error = None

    def __init__(self, sock: Any, first: bytes, length: int, timeout: float, on_close: Callable[[], None]):
        super().__init__()
        self._sock = sock
        self._buffered = bytearray(first)
        self._unreceived = length - len(first)
        self._timeout_ms = int(timeout * 1000)
        self._on_close: Callable[[], None] | None = on_close
        self.broken = False

    def close(self) -> None:
        on_close, self._on_close = self._on_close, None
        if on_close is not None:
            on_close()
        super().close()

    @property
    def remaining(self) -> int:
        """Bytes of the body not read yet."""
        return len(self._buffered) + self._unreceived

    def readable(self) -> bool:
        return True

    def getfile(self) -> SocketBody:
        return self

    def getbuf(self) -> SocketBody:
        return self

    def _receive_into(self, view: memoryview) -> int:
        """One recv into `view` (at most what is left of the body), waiting for the client; > 0."""
        wanted = min(len(view), self._unreceived)
        while True:
            try:
                received = self._sock.recv_into(view, wanted)
            except BlockingIOError:
                poller = select.poll()
                poller.register(self._sock.fileno(), select.POLLIN)
                if not poller.poll(self._timeout_ms):
                    self.broken = True
                    raise RequestTimeout("The client sent no part of the request body for too long") from None
                continue
            except OSError as exc:  # reset, or closed by the server's loop
                self.broken = True
                raise ClientDisconnected() from exc
            if received == 0:
                self.broken = True
                raise ClientDisconnected()
            self._unreceived -= received
            return received

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        filled = min(len(view), len(self._buffered))
        if filled:
            view[:filled] = self._buffered[:filled]
            del self._buffered[:filled]
        while filled < len(view) and self._unreceived:
            filled += self._receive_into(view[filled:])
        return filled

    def read(self, size: int | None = -1) -> bytes:
        wanted = self.remaining if size is None or size < 0 else min(size, self.remaining)
        buffer = bytearray(wanted)
        return bytes(memoryview(buffer)[: self.readinto(buffer)])

    def readall(self) -> bytes:
        return self.read()

    def readline(self, size: int | None = -1) -> bytes:
        limit = self.remaining if size is None or size < 0 else min(size, self.remaining)
        while True:
            end = self._buffered.find(b"\n", 0, limit)
            if end >= 0 or len(self._buffered) >= limit or not self._unreceived:
                taken = end + 1 if end >= 0 else min(limit, len(self._buffered))
                line = bytes(self._buffered[:taken])
                del self._buffered[:taken]
                return line
            more = bytearray(min(_LINE_BYTES, self._unreceived))
            self._buffered += memoryview(more)[: self._receive_into(memoryview(more))]

    def drain(self) -> bool:
        """Read and drop the rest of the body; False when it cannot be (the connection must close)."""
        if self.broken:
            return False
        scratch = bytearray(min(_DRAIN_BYTES, self.remaining))
        try:
            while self.remaining:
                self.readinto(memoryview(scratch)[: min(len(scratch), self.remaining)])
        except (RequestTimeout, ClientDisconnected):
            return False
        return True


class StreamSlots:
    """How many request bodies may stream at once (each holds a request thread while it arrives)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.used >= self.limit:
                return False
            self.used += 1
            return True

    def give(self) -> None:
        with self._lock:
            self.used -= 1


class StreamingParser(HTTPRequestParser):  # type: ignore[misc]
    """waitress' request parser, that ends a request at its headers when its body is to be streamed.

    Streamed: a Content-Length body (not chunked) larger than `inbuf_overflow`, not all here yet, on a
    connection serving no other request (so the serving thread is alone to read the socket, and answers
    stay in order), while a stream slot is free; the body then reaches the app as a SocketBody.
    """

    def __init__(self, channel: HTTPChannel, adj: Any):
        super().__init__(adj)
        self.channel = channel

    def received(self, data: bytes) -> int:
        if self.headers_finished or self.completed:
            return int(super().received(data))
        consumed = int(super().received(data))
        arrived = len(data) - consumed
        if (
            self.headers_finished
            and not self.completed
            and isinstance(self.body_rcv, FixedStreamReceiver)
            and self.content_length > self.adj.inbuf_overflow
            and arrived < self.content_length
            and not self.channel.requests
            and self.adj.channel_request_lookahead == 0  # waitress then never reads while a request is served
            and self.channel.slots.take()
        ):
            slots = self.channel.slots
            self.body_rcv = SocketBody(self.channel.socket, data[consumed:], self.content_length, IDLE_TIMEOUT,
                                       slots.give)
            self.completed = True
            return len(data)
        return consumed


class StreamingTask(WSGITask):  # type: ignore[misc]
    """A WSGI task that reads and drops what the app left of a streamed body (see SocketBody), and keeps the
    connection after a 204 or 304.

    waitress 3.0 closes an HTTP/1.1 connection after every response it sends without Content-Length, and drops
    that header from a 204 or 304, so each of them closed its connection: 300 DeleteObject calls of boto3 opened
    299 connections. Those answers have no body to delimit (RFC 9110 section 6.4.1), so the connection can go on.
    """

    _bodiless_kept = False

    def build_response_header(self) -> bytes:
        self._bodiless_kept = (not self.has_body and self.version == "1.1"
                               and self.request.headers.get("CONNECTION", "").lower() != "close")
        try:
            return bytes(super().build_response_header())
        finally:
            self._bodiless_kept = False

    def get_environment(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environment()
        environ[CHUNKED_BODY] = bool(self.request.chunked)
        return environ

    def set_close_on_finish(self) -> None:
        if not self._bodiless_kept:  # waitress asks only because no Content-Length was sent (see the class doc)
            super().set_close_on_finish()

    def service(self) -> None:
        try:
            super().service()
        finally:
            body = self.request.body_rcv
            if isinstance(body, SocketBody) and body.remaining and not body.drain():
                self.close_on_finish = True


class StreamingChannel(HTTPChannel):  # type: ignore[misc]
    """A waitress channel that streams large request bodies and sends files with the kernel."""

    task_class = StreamingTask

    def __init__(self, server: Any, sock: Any, addr: Any, adj: Any, map: Any = None):
        super().__init__(server, sock, addr, adj, map)
        self.parser_class = functools.partial(StreamingParser, self)
        # Channels are made on the server's loop thread only, so this runs once per server.
        if not hasattr(server, "stream_slots"):
            server.stream_slots = StreamSlots(max(1, adj.threads // 2))
        self.slots: StreamSlots = server.stream_slots

    def send_continue(self) -> None:
        streamed = isinstance(self.request.body_rcv, SocketBody)
        super().send_continue()
        if streamed:  # waitress marks a request incomplete once told to continue: this one is complete
            self.request.completed = True

    def _flush_some(self, do_close: bool = True) -> bool:
        """waitress' own loop over the output buffers, a file's bytes sent by the kernel."""
        sent = 0
        while True:
            outbuf = self.outbufs[0]
            left = outbuf.__len__()  # as waitress: len() overflows on huge buffers on 32-bit builds
            while left > 0:
                if isinstance(outbuf, ReadOnlyFileBasedBuffer):
                    count = self._send_file(outbuf, left, do_close)
                else:
                    count = self.send(outbuf.get(self.sendbuf_len), do_close=do_close)
                if not count:
                    break
                outbuf.skip(count, True)
                left -= count
                sent += count
                self.total_outbufs_len -= count
            else:
                if len(self.outbufs) > 1:
                    self.outbufs.pop(0).close()
                    continue
            break
        if sent:
            self.last_activity = time.time()
        return bool(sent)

    def _send_file(self, outbuf: ReadOnlyFileBasedBuffer, left: int, do_close: bool) -> int:
        """Bytes of a file buffer the kernel took (0: the socket is full, or closed)."""
        try:
            source = outbuf.file.fileno()
        except (AttributeError, OSError, io.UnsupportedOperation):  # not a real file: waitress' way
            return int(self.send(outbuf.get(self.sendbuf_len), do_close=do_close))
        try:
            count = os.sendfile(self.socket.fileno(), source, outbuf.file.tell(), min(left, SENDFILE_BYTES))
        except BlockingIOError:
            return 0
        except OSError as exc:
            if exc.errno not in wasyncore._DISCONNECTED:
                raise
            if do_close:
                self.handle_close()
            return 0
        if count == 0:  # the file is shorter than the Content-Length sent: only closing tells the client
            self.will_close = True
        return count
