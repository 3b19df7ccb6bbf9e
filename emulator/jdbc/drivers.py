"""JDBC driver jars: where they are found and which database each one serves.

Nothing is downloaded: the jars come from the standard system folder (Debian's libpostgresql-jdbc-java,
libmariadb-java and friends install into /usr/share/java) and from the paths of GLUE_EMULATOR_JDBC_DRIVERS
(jar files or folders of jars, separated by commas or the OS path separator). The warm Spark drivers put
every jar found on their classpath (spark.jars) when they start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SYSTEM_FOLDERS = (Path("/usr/share/java"),)
SETTING = "GLUE_EMULATOR_JDBC_DRIVERS"

# File name starts of the drivers Glue ships for its JDBC connection types -> (database, driver class).
KNOWN_DRIVERS: dict[str, tuple[str, str]] = {
    "postgresql": ("PostgreSQL", "org.postgresql.Driver"),
    "mysql-connector": ("MySQL", "com.mysql.cj.jdbc.Driver"),
    "mariadb-java-client": ("MariaDB", "org.mariadb.jdbc.Driver"),
    "mssql-jdbc": ("SQL Server", "com.microsoft.sqlserver.jdbc.SQLServerDriver"),
    "ojdbc": ("Oracle", "oracle.jdbc.OracleDriver"),
    "redshift-jdbc": ("Redshift", "com.amazon.redshift.jdbc.Driver"),
    "snowflake-jdbc": ("Snowflake", "net.snowflake.client.jdbc.SnowflakeDriver"),
}


@dataclass(frozen=True)
class Driver:
    """One jar: `database` and `driver_class` are None for a jar of the setting no known prefix names."""

    path: Path
    database: str | None
    driver_class: str | None


def _known(path: Path) -> tuple[str | None, str | None]:
    for prefix, (database, driver_class) in KNOWN_DRIVERS.items():
        if path.name.startswith(prefix):
            return database, driver_class
    return None, None


def configured_paths(value: str | None = None) -> list[Path]:
    """The paths of the setting (`value`, else the environment variable), in order."""
    text = os.environ.get(SETTING, "") if value is None else value
    parts = text.replace(os.pathsep, ",").split(",")
    return [Path(p.strip()).expanduser() for p in parts if p.strip()]


def find_drivers(setting: str | None = None) -> list[Driver]:
    """Every driver jar: the setting's (all of them, known or not) then the known ones of the system folders.

    A system folder gives one jar per database, by its resolved path (Debian's versioned names such as
    postgresql-42.5.5.jar are links to postgresql.jar).
    """
    found: dict[Path, Driver] = {}
    for path in configured_paths(setting):
        jars = sorted(path.glob("*.jar")) if path.is_dir() else [path] if path.suffix == ".jar" else []
        for jar in jars:
            if jar.is_file():
                found.setdefault(jar.resolve(), Driver(jar, *_known(jar)))
    seen = {d.database for d in found.values() if d.database}
    for folder in SYSTEM_FOLDERS:
        for jar in sorted(folder.glob("*.jar")) if folder.is_dir() else []:
            database, driver_class = _known(jar)
            if database is None or database in seen or not jar.is_file():
                continue
            seen.add(database)
            found.setdefault(jar.resolve(), Driver(jar.resolve(), database, driver_class))
    return list(found.values())


def classpath(setting: str | None = None) -> list[str]:
    """The jar paths for spark.jars (comma-joined by the caller)."""
    return [str(d.path) for d in find_drivers(setting)]
