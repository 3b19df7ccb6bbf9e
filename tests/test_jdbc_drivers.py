"""JDBC drivers: found in /usr/share/java and through GLUE_EMULATOR_JDBC_DRIVERS, reported by doctor, put on
the Spark drivers' classpath; JDBC URLs parsed as Glue connections give them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from emulator.jdbc import drivers, urls
from emulator.jobs.spark_worker import spark_settings

SYSTEM_JAR = Path("/usr/share/java/postgresql.jar")
needs_system_jar = pytest.mark.skipif(not SYSTEM_JAR.is_file(), reason="Debian's libpostgresql-jdbc-java is absent")


@needs_system_jar
def test_the_system_postgresql_driver_is_found_once_by_its_real_path():
    found = drivers.find_drivers("")
    postgres = [d for d in found if d.database == "PostgreSQL"]
    assert [d.path for d in postgres] == [SYSTEM_JAR]  # not again as postgresql-42.x.jar / -jdbc4.jar
    assert postgres[0].driver_class == "org.postgresql.Driver"


def test_the_setting_adds_jars_and_folders_of_jars(tmp_path: Path):
    single = tmp_path / "mysql-connector-j-8.4.0.jar"
    single.write_bytes(b"PK")
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "vendor-driver.jar").write_bytes(b"PK")
    (folder / "notes.txt").write_text("not a jar")
    found = drivers.find_drivers(f"{single},{folder}{os.pathsep}{tmp_path / 'missing.jar'}")
    by_name = {d.path.name: d for d in found}
    assert by_name["mysql-connector-j-8.4.0.jar"].driver_class == "com.mysql.cj.jdbc.Driver"
    assert by_name["vendor-driver.jar"].database is None
    assert "notes.txt" not in by_name and "missing.jar" not in by_name


def test_a_configured_postgresql_driver_replaces_the_system_one(tmp_path: Path):
    mine = tmp_path / "postgresql-42.7.4.jar"
    mine.write_bytes(b"PK")
    postgres = [d.path for d in drivers.find_drivers(str(mine)) if d.database == "PostgreSQL"]
    assert postgres == [mine]


def test_spark_drivers_start_with_the_jars_on_their_classpath(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    jar = tmp_path / "custom.jar"
    jar.write_bytes(b"PK")
    monkeypatch.setenv(drivers.SETTING, str(jar))
    jars = spark_settings("local[1]", tmp_path)["spark.jars"].split(",")
    assert str(jar) in jars
    if SYSTEM_JAR.is_file():
        assert str(SYSTEM_JAR) in jars


def test_doctor_reports_the_drivers(tmp_path: Path):
    jar = tmp_path / "snowflake-jdbc-3.16.jar"
    jar.write_bytes(b"PK")
    env = {**os.environ, drivers.SETTING: str(jar), "GLUE_EMULATOR_DATA_DIR": str(tmp_path / "data"),
           "GLUE_EMULATOR_PORT": "0"}
    out = subprocess.run([sys.executable, "-m", "emulator", "doctor", "--skip-spark"], check=False, env=env,
                         capture_output=True, text=True, timeout=120).stdout
    line = next(x for x in out.splitlines() if "jdbc drivers" in x)
    assert f"Snowflake ({jar})" in line
    assert line.split()[0] == "OK"


@pytest.mark.parametrize(("url", "vendor", "host", "port", "database", "spark"), [
    ("jdbc:postgresql://db.local:5433/sales", "postgresql", "db.local", 5433, "sales",
     "jdbc:postgresql://db.local:5433/sales"),
    ("jdbc:redshift://cluster.abc.us-east-1.redshift.amazonaws.com:5439/dev?ssl=true", "redshift",
     "cluster.abc.us-east-1.redshift.amazonaws.com", 5439, "dev",
     "jdbc:postgresql://cluster.abc.us-east-1.redshift.amazonaws.com:5439/dev?ssl=true"),
    ("jdbc:mysql://mysql.local/shop", "mysql", "mysql.local", 3306, "shop", "jdbc:mysql://mysql.local:3306/shop"),
    ("jdbc:postgresql://[::1]/db", "postgresql", "::1", 5432, "db", "jdbc:postgresql://[::1]:5432/db"),
])
def test_jdbc_urls(url, vendor, host, port, database, spark):
    parsed = urls.parse(url)
    assert (parsed.vendor, parsed.host, parsed.port, parsed.database) == (vendor, host, port, database)
    assert parsed.spark_url() == spark


@pytest.mark.parametrize("bad", ["", "postgresql://h/db", "jdbc:postgresql://", "jdbc:", 42])
def test_bad_jdbc_urls(bad):
    with pytest.raises(urls.InvalidJdbcUrl):
        urls.parse(bad)
