"""How `glue-emulator serve` runs waitress: how many connections, and when an idle one is closed.

Clients that open connections and stall (half-sent requests, leaked keep-alive sockets) must not hold
every slot: a connection with nothing in flight is closed after IDLE_TIMEOUT seconds without a byte.
A response still being sent (an S3 object streamed to a reader that pauses) keeps its connection for
STALLED_READER_TIMEOUT seconds, and a request being served is never timed out. waitress has a single
timeout for both (`channel_timeout`), so its idle sweep is replaced.
"""

from __future__ import annotations

import resource
from typing import Any

IDLE_TIMEOUT = 10.0
STALLED_READER_TIMEOUT = 300.0
MAX_CONNECTIONS = 4096
ACCEPT_BATCH = 64
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
