"""A warm Spark worker's output: everything written to fds 1 and 2 (Python's and the JVM's) goes to the
current run's log files, and between runs to the worker's own log (see spark_worker.py).

The JVM inherits the pipes once, when it starts, so the switch between runs happens behind them, in
one pump thread per pipe.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

# Written into the run's stdout and stderr after the script ends: the pump that copies the pipes to
# the log files switches back to the worker's own log when it reads it, so output produced before
# the end of the run (by Python or the JVM) lands in the run's log and nothing later does.
END_OF_RUN = b"\x1e\x1dglue-emulator:end-of-run\x1d\x1e"
# Per stream and run, as the Python shell executor keeps them.
LOG_CAP_BYTES = 64 * 1024 * 1024


def _partial_suffix(data: bytes, marker: bytes) -> int:
    """How many trailing bytes of `data` could be the start of `marker` (kept back until more arrives)."""
    start = data.rfind(marker[:1], max(0, len(data) - len(marker) + 1))
    while start != -1:
        if marker.startswith(data[start:]):
            return len(data) - start
        start = data.find(marker[:1], start + 1)
    return 0


class Pump:
    """Copies one pipe (the process's fd 1 or 2, shared with the JVM) to the current run's log.

    Between runs the output goes to the worker's own log. A run's log stops growing at `cap` bytes
    (one line says so), so a script printing without end cannot fill the disk through its logs.
    """

    def __init__(self, read_fd: int, idle_fd: int, cap: int):
        self.read_fd = read_fd
        self.idle_fd = idle_fd
        self.cap = cap
        self.target_fd = idle_fd
        self.written = 0
        self.lock = threading.Lock()
        self.ended = threading.Event()
        threading.Thread(target=self._loop, name=f"pump-{read_fd}", daemon=True).start()

    def start_run(self, fd: int) -> None:
        self.ended.clear()
        self._switch(fd)

    def end_run(self) -> None:
        self._switch(self.idle_fd)

    def _loop(self) -> None:
        pending = b""
        while True:
            data = os.read(self.read_fd, 65536)
            if not data:
                return
            buffer = pending + data
            while (index := buffer.find(END_OF_RUN)) >= 0:
                self._write(buffer[:index])
                buffer = buffer[index + len(END_OF_RUN) :]
                self.end_run()
                self.ended.set()
            keep = _partial_suffix(buffer, END_OF_RUN)
            self._write(buffer[: len(buffer) - keep])
            pending = buffer[len(buffer) - keep :]

    def _write(self, data: bytes) -> None:
        with self.lock:
            if self.target_fd != self.idle_fd:
                room = self.cap - self.written
                if room <= 0:
                    return
                if len(data) > room:
                    data = data[:room] + f"\n[glue-emulator: output beyond {self.cap} bytes dropped]\n".encode()
                self.written += len(data)
            view = memoryview(data)
            try:
                while view:
                    view = view[os.write(self.target_fd, view) :]
            except OSError:
                pass  # a full disk must not stop the pump (the pipe would fill and block the run)

    def _switch(self, fd: int) -> None:
        with self.lock:
            if self.target_fd != self.idle_fd:
                os.close(self.target_fd)
            self.target_fd = fd
            self.written = 0


class OutputRouter:
    """Sends everything written to fds 1 and 2 (Python's and the JVM's) to the current run's logs.

    Must be created before the JVM starts, which then inherits the pipes as its stdout and stderr.
    """

    def __init__(self) -> None:
        self._pumps = []
        for fd in (1, 2):
            read_fd, write_fd = os.pipe()
            idle_fd = os.dup(fd)
            os.dup2(write_fd, fd)
            os.close(write_fd)
            self._pumps.append(Pump(read_fd, idle_fd, LOG_CAP_BYTES))
        sys.stdout.reconfigure(line_buffering=True)
        sys.stderr.reconfigure(line_buffering=True)

    def begin(self, log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        for pump, name in zip(self._pumps, ("output", "error")):
            pump.start_run(os.open(log_dir / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644))

    def end(self, timeout: float = 5.0) -> None:
        """Flush Python's buffers, then wait until each pump has copied everything written so far."""
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        for fd, pump in zip((1, 2), self._pumps):
            try:
                os.write(fd, END_OF_RUN)
            except OSError:  # the script closed it
                pump.end_run()
                continue
            if not pump.ended.wait(timeout):
                pump.end_run()
