"""Every setting of the emulator in one place; each flag can also come from an environment variable."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


def _env(name: str, default: str) -> str:
    return os.environ.get(f"GLUE_EMULATOR_{name}", default)


def _env_number(name: str, default: str, kind: type[int | float] = int) -> Any:
    """An integer (or float) setting; ValueError naming the variable when it is not one."""
    value = _env(name, default)
    try:
        return kind(value)
    except ValueError:
        what = "an integer" if kind is int else "a number"
        raise ValueError(f"GLUE_EMULATOR_{name} must be {what}, not {value!r}") from None


PORTS = range(65536)  # 0 asks the system for a free port


def _env_port() -> int:
    port = _env_number("PORT", "4566")
    if port not in PORTS:
        raise ValueError(f"GLUE_EMULATOR_PORT must be between 0 and 65535 (0 picks a free port), not {port}")
    return port


def _env_bool(name: str, default: bool) -> bool:
    return _env(name, "1" if default else "0").strip().lower() in ("1", "true", "yes", "on")


def _env_path(name: str) -> Path | None:
    """A folder setting; None when the variable is unset or empty."""
    value = _env(name, "").strip()
    return Path(value) if value else None


def _env_list(name: str, default: str = "") -> tuple[str, ...]:
    return tuple(item.strip() for item in _env(name, default).split(",") if item.strip())


class Credentials(dict[str, str]):
    """Accepted key pairs, access key id -> secret access key; printed without the secrets."""

    @classmethod
    def parse(cls, text: str) -> Credentials:
        """`AKID:SECRET,AKID2:SECRET2` (secrets may contain `:`); ValueError names a malformed item."""
        pairs = cls()
        for item in filter(None, (part.strip() for part in text.split(","))):
            key, colon, secret = item.partition(":")
            if not colon or not key or not secret:
                raise ValueError(f"GLUE_EMULATOR_CREDENTIALS: expected ACCESS_KEY_ID:SECRET, got {key!r}...")
            pairs[key] = secret
        return pairs

    def __repr__(self) -> str:
        return f"Credentials({sorted(self)})"

    __str__ = __repr__


@dataclass
class Settings:
    """Runtime configuration; `from_env` gives the defaults a user sees, overridable by CLI flags.

    `data_dir` is made absolute (against the current directory) when the settings are created.
    """

    host: str = "127.0.0.1"
    port: int = 4566
    data_dir: Path = field(default_factory=lambda: Path(".glue-emulator"))
    threads: int = 16
    # fsync every commit (SQLite synchronous=FULL): an acknowledged write survives power loss too.
    durable: bool = True
    # Check every response against the model's output shape (tests turn this on).
    validate_responses: bool = False
    # Largest JSON request body accepted, in bytes.
    max_json_body: int = 10 * 1024 * 1024
    # Emulated seconds per real second (tests speed up AWS's minute-granular timeouts with it).
    time_scale: float = 1.0
    # Spark for glueetl runs: the master URL, how many warm drivers, whether to warm them at start.
    spark_master: str = "local[*]"
    spark_pool_size: int = 2
    spark_prewarm: bool = True
    # Record the drivers' JVM class-data sharing archive in the data dir once, and start drivers with it.
    spark_class_archive: bool = True
    # Where that archive is kept instead of <data_dir>/spark: one folder serves every data dir (a test suite's
    # fresh data dirs record it once); None: the data dir's.
    spark_class_archive_dir: Path | None = None
    # Host names (besides loopback names, IP addresses and *.localhost) the Host and Origin headers may
    # carry; `*.example` allows subdomains, `*` allows any (see emulator/security/hosts.py).
    allowed_hosts: tuple[str, ...] = ()
    # Verify SigV4 signatures against these key pairs (see emulator/security/signatures.py).
    verify_sigv4: bool = False
    credentials: Credentials = field(default_factory=Credentials)
    # Services other than Glue, S3 and Logs that moto answers (moto backend names); None: the default list.
    passthrough_services: tuple[str, ...] | None = None
    # The secret job runs sign their boto3 calls with (access key id = the run's account): made afresh
    # by each server, so only its own runs know it.
    run_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    # Total bytes of log event messages kept (all groups); past it the oldest events are dropped. 0: no cap.
    logs_max_bytes: int = 256 * 1024**2
    # JDBC driver jars (files or folders, comma-separated) besides those found in /usr/share/java; the
    # Spark workers read GLUE_EMULATOR_JDBC_DRIVERS themselves when they start (emulator/jdbc/drivers.py).
    jdbc_drivers: str = ""

    def __post_init__(self) -> None:
        # Absolute from the start: the Spark workers and job runs work in their own folders, where a
        # relative data dir would name somewhere else (their output would be lost).
        self.data_dir = Path(self.data_dir).expanduser().resolve()
        if self.spark_class_archive_dir is not None:
            self.spark_class_archive_dir = Path(self.spark_class_archive_dir).expanduser().resolve()

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            host=_env("HOST", "127.0.0.1"),
            port=_env_port(),
            data_dir=Path(_env("DATA_DIR", ".glue-emulator")),
            threads=_env_number("THREADS", "16"),
            durable=_env_bool("DURABLE", True),
            validate_responses=_env_bool("VALIDATE_RESPONSES", False),
            max_json_body=_env_number("MAX_JSON_BODY", str(10 * 1024 * 1024)),
            time_scale=_env_number("TIME_SCALE", "1.0", float),
            spark_master=_env("SPARK_MASTER", "local[*]"),
            spark_pool_size=_env_number("SPARK_POOL_SIZE", "2"),
            spark_prewarm=_env_bool("SPARK_PREWARM", True),
            spark_class_archive=_env_bool("SPARK_CLASS_ARCHIVE", True),
            spark_class_archive_dir=_env_path("SPARK_CLASS_ARCHIVE_DIR"),
            allowed_hosts=_env_list("ALLOWED_HOSTS"),
            verify_sigv4=_env_bool("VERIFY_SIGV4", False),
            credentials=Credentials.parse(_env("CREDENTIALS", "")),
            passthrough_services=_env_list("PASSTHROUGH_SERVICES") or None,
            logs_max_bytes=_env_number("LOGS_MAX_BYTES", str(256 * 1024**2)),
            jdbc_drivers=_env("JDBC_DRIVERS", ""),
        )

    @property
    def endpoint(self) -> str:
        """Where clients (and job scripts) reach this emulator."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"

    def describe(self) -> dict[str, str]:
        """The settings as strings, for the health endpoint and start-up log."""
        return {f.name: str(getattr(self, f.name)) for f in fields(self) if f.repr}
