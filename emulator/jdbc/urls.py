"""JDBC connection URLs as Glue connections and job options give them.

`jdbc:<vendor>://<host>[:<port>]/<database>[?<params>]` for PostgreSQL, Redshift and MySQL/MariaDB; AWS's
documented forms also allow `;`-separated parameters (SQL Server) which are kept as given. A Redshift URL is
served by PostgreSQL here: `spark_url` rewrites it so PostgreSQL's driver accepts it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

# Default ports of the engines (AWS's console fills them in the same way).
DEFAULT_PORTS = {"postgresql": 5432, "redshift": 5439, "mysql": 3306, "mariadb": 3306, "sqlserver": 1433,
                 "oracle": 1521}
# Engines served by PostgreSQL's wire protocol (Redshift is a PostgreSQL 8.0 dialect on the wire).
POSTGRES_VENDORS = ("postgresql", "redshift")
_URL = re.compile(r"^jdbc:(?P<vendor>[a-z0-9]+):(?://)?(?P<host>\[[^\]]+\]|[^:/?;]+)?(?::(?P<port>\d+))?"
                  r"(?:/(?P<database>[^?;]*))?(?P<rest>[?;].*)?$", re.IGNORECASE)


class InvalidJdbcUrl(ValueError):
    """The text is not a JDBC URL of the form above."""


@dataclass(frozen=True)
class JdbcUrl:
    """A parsed URL: `vendor` lower case (postgresql, redshift, mysql, ...), `port` defaulted per vendor."""

    vendor: str
    host: str
    port: int
    database: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def speaks_postgres(self) -> bool:
        return self.vendor in POSTGRES_VENDORS

    def spark_url(self) -> str:
        """The URL for Spark's JDBC source: a Redshift URL becomes the PostgreSQL URL of the same server."""
        vendor = "postgresql" if self.vendor == "redshift" else self.vendor
        query = "&".join(f"{k}={v}" for k, v in self.params.items())
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"jdbc:{vendor}://{host}:{self.port}/{self.database}" + (f"?{query}" if query else "")


def parse(url: str) -> JdbcUrl:
    """InvalidJdbcUrl when `url` is not `jdbc:<vendor>://host[:port][/database]`."""
    match = _URL.match(url.strip()) if isinstance(url, str) else None
    if match is None or not match.group("host"):
        raise InvalidJdbcUrl(f"Invalid JDBC URL: {url!r} (expected jdbc:<engine>://<host>:<port>/<database>)")
    vendor = match.group("vendor").lower()
    rest = match.group("rest") or ""
    params = dict(parse_qsl(rest[1:], keep_blank_values=True)) if rest.startswith("?") else {}
    port = int(match.group("port")) if match.group("port") else DEFAULT_PORTS.get(vendor, 0)
    return JdbcUrl(vendor, match.group("host").strip("[]"), port, match.group("database") or "", params)
