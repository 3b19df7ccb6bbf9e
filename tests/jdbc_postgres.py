"""A throwaway PostgreSQL for the JDBC tests, started by pytest-postgresql's executor from the system binaries.

Tests that need it take the `postgres` fixture (session scope: one server for the run) and skip, saying why,
only when PostgreSQL's binaries are absent. PostgreSQL refuses to run as root, and CI runs as root: there
pg_ctl is run as the `postgres` user (Debian's package creates it) through `runuser`, with the data folder
owned by that user. Logins over TCP need a password (scram-sha-256), so a wrong one really fails.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "glue-pw"
USER = "postgres"
_HBA = "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n"


def _pg_ctl() -> str | None:
    found = shutil.which("pg_ctl") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                                                      reverse=True)), None)
    return str(Path(found).resolve()) if found else None


@dataclass
class Postgres:
    """The running server: its port, the superuser's login and a way to open sessions."""

    host: str
    port: int
    user: str
    password: str

    def url(self, database: str = "postgres", vendor: str = "postgresql") -> str:
        return f"jdbc:{vendor}://{self.host}:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> Any:
        import pg8000.dbapi

        session = pg8000.dbapi.connect(user=self.user, password=self.password, host=self.host, port=self.port,
                                       database=database)
        session.autocommit = True
        return session

    def create_database(self, name: str) -> None:
        """A fresh, empty database (dropped first if a previous test left it)."""
        with self.connect() as session:
            session.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            session.cursor().execute(f'CREATE DATABASE "{name}"')

    def execute(self, database: str, *statements: str) -> None:
        with self.connect(database) as session:
            for sql in statements:
                session.cursor().execute(sql)


def _as_postgres_user(folder: Path, pg_ctl: str) -> str:
    """A pg_ctl that runs as the `postgres` user (needed when the tests run as root)."""
    shim = folder / "pg_ctl"
    shim.write_text(f'#!/bin/sh\ncd /\nexec runuser -u {USER} -- "{pg_ctl}" "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    owner = pwd.getpwnam(USER)
    os.chown(folder, owner.pw_uid, owner.pw_gid)
    return str(shim)


def _first_session(socket: Path, timeout: float = 120.0) -> Any:
    """A superuser session over the Unix socket, once the server accepts one.

    The executor returns when `pg_ctl status` sees a postmaster, which can be before the server accepts sessions
    ("the database system is starting up", SQLSTATE 57P03, or a refused socket): seen on a loaded CI machine.
    """
    import pg8000.dbapi
    import pg8000.exceptions

    deadline = time.monotonic() + timeout
    while True:
        try:
            return pg8000.dbapi.connect(user=USER, unix_sock=str(socket))
        except (pg8000.exceptions.InterfaceError, pg8000.exceptions.DatabaseError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _start(folder: Path, executable: str, attempts: int = 5) -> tuple[Any, int]:
    """The started executor and its port. PostgreSQL cannot choose its own port (0): a port found free is taken
    by another process now and then before the server binds it, so a start that fails on its port is retried on
    another one."""
    from mirakuru.exceptions import AlreadyRunning, ExecutorError
    from port_for import get_port
    from pytest_postgresql.executors.proc import PostgreSQLExecutor

    log = folder / "postgresql.log"
    attempt = 0
    while True:
        attempt += 1
        port = get_port(None)
        logged = log.stat().st_size if log.exists() else 0
        executor = PostgreSQLExecutor(
            executable=executable, host="127.0.0.1", port=port, datadir=str(folder / "data"),
            unixsocketdir=str(folder), logfile=str(log), startparams="-w", dbname="postgres",
            user=USER, postgres_options=f"-c hba_file={folder / 'pg_hba.conf'}")
        try:
            return executor.start(), port
        except ExecutorError as exc:
            # AlreadyRunning: something answered on the port before the start; else the server's log says why.
            if attempt == attempts or not (isinstance(exc, AlreadyRunning) or _port_taken(log, logged)):
                raise


def _port_taken(log: Path, offset: int) -> bool:
    """Whether the server's log, from `offset` on, says its port was in use."""
    with open(log, "rb") as text:
        text.seek(offset)
        return b"Address already in use" in text.read()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    pg_ctl = _pg_ctl()
    if pg_ctl is None:
        pytest.skip("PostgreSQL is not installed (no pg_ctl on PATH or under /usr/lib/postgresql/*/bin)")
    folder = Path(tempfile.mkdtemp(prefix="glue-emulator-pg-"))
    folder.chmod(0o755)
    executable = _as_postgres_user(folder, pg_ctl) if os.geteuid() == 0 else pg_ctl
    (folder / "pg_hba.conf").write_text(_HBA)
    executor, port = _start(folder, executable)
    try:
        with _first_session(folder / f".s.PGSQL.{port}") as admin:
            admin.autocommit = True
            admin.cursor().execute(f"ALTER USER {USER} PASSWORD '{PASSWORD}'")
        yield Postgres("127.0.0.1", port, USER, PASSWORD)
    finally:
        executor.stop()
        shutil.rmtree(folder, ignore_errors=True)
