"""JDBC sources and sinks of job scripts: PostgreSQL, MySQL, Redshift (served by PostgreSQL), SQL Server, Oracle.

What Glue documents ("JDBC connection option reference", "Redshift connections", "Reading from JDBC tables in
parallel", "Job bookmarks"):
- `connection_options` give `url`, `dbtable`, `user`, `password`, or `connectionName` (with
  `useConnectionProperties: "true"`) to take them from a catalog connection, whose SECRET_ID property or
  AuthenticationConfiguration.SecretArn names a Secrets Manager secret with `username`/`password`; `secretId`
  names one directly. `database` replaces the database of the connection's URL.
- `hashfield` (a column) or `hashexpression` (a SQL expression giving a whole number) with `hashpartitions`
  (default 7) read the table in that many parallel queries; `sampleQuery` reads the rows of a SQL query instead
  of the whole table (with `enablePartitioningForSampleQuery` the hash condition is appended to it, so it ends
  in WHERE or AND).
- Bookmarks: with `jobBookmarkKeys` (else the table's primary key) and `jobBookmarkKeysSortOrder` (asc, the
  default, or desc), a bookmarked source reads only rows past the last value the committed state holds.
- Writes append to `dbtable` (created when missing); `preactions`/`postactions` (SQL separated by `;`) run
  before and after, as Glue's Redshift sink runs them.
- Redshift URLs (`jdbc:redshift://`) are read and written through PostgreSQL's driver on the same host and port:
  the emulator serves Redshift with a PostgreSQL database. `redshiftTmpDir` (redshift_tmp_dir) is accepted and
  not used: rows go over JDBC directly, not through an UNLOAD/COPY staging folder on S3.
"""

from __future__ import annotations

import json
import re
from typing import Any

DRIVERS = {
    "postgresql": "org.postgresql.Driver",
    "redshift": "org.postgresql.Driver",
    "mysql": "com.mysql.cj.jdbc.Driver",
    "mariadb": "org.mariadb.jdbc.Driver",
    "sqlserver": "com.microsoft.sqlserver.jdbc.SQLServerDriver",
    "oracle": "oracle.jdbc.OracleDriver",
}
CONNECTION_TYPES = frozenset(DRIVERS) | {"jdbc"}
DEFAULT_HASH_PARTITIONS = 7
STATE_CLASS = "JDBCJobBookmarkState"
# Options this module consumes; the others go to Spark's JDBC source as they are (fetchsize, batchsize, ...).
_OWN = {"url", "dbtable", "user", "password", "connectionName", "useConnectionProperties", "secretId", "database",
        "hashfield", "hashexpression", "hashpartitions", "sampleQuery", "enablePartitioningForSampleQuery",
        "jobBookmarkKeys", "jobBookmarkKeysSortOrder", "redshiftTmpDir", "redshift_tmp_dir", "aws_iam_role",
        "preactions", "postactions", "extracopyoptions", "vendor", "customJdbcDriverS3Path",
        "customJdbcDriverClassName", "JDBC_CONNECTION_URL", "USERNAME", "PASSWORD", "SECRET_ID",
        "JDBC_ENFORCE_SSL", "JDBC_DRIVER_JAR_URI", "JDBC_DRIVER_CLASS_NAME", "bulkSize", "filterPredicate",
        "catalogTablePath"}
_URL = re.compile(r"^jdbc:(?P<vendor>[a-z0-9]+):(?P<rest>//[^/?;]*)(?P<path>/[^?;]*)?(?P<query>.*)$", re.IGNORECASE)


def is_jdbc(connection_type: str) -> bool:
    return connection_type.lower() in CONNECTION_TYPES


def _flag(value: Any) -> bool:
    return str(value).strip().lower() == "true"


def _secret(secret_id: str) -> tuple[str | None, str | None]:
    """(username, password) of a Secrets Manager secret (the emulator's, through AWS_ENDPOINT_URL)."""
    import boto3

    value = json.loads(boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"])
    return value.get("username"), value.get("password")


def _connection_options(glue_ctx: Any, name: str) -> dict[str, Any]:
    connection = glue_ctx._glue_client().get_connection(Name=name, HidePassword=False)["Connection"]
    props = connection.get("ConnectionProperties") or {}
    options: dict[str, Any] = {"url": props.get("JDBC_CONNECTION_URL"), "user": props.get("USERNAME"),
                               "password": props.get("PASSWORD")}
    secret = props.get("SECRET_ID") or (connection.get("AuthenticationConfiguration") or {}).get("SecretArn")
    if secret:
        options["secretId"] = secret
    return {k: v for k, v in options.items() if v is not None}


def spark_url(url: str, database: str | None = None) -> tuple[str, str]:
    """(URL for Spark, vendor): Redshift's URL becomes PostgreSQL's; `database` replaces the URL's database."""
    match = _URL.match(url or "")
    if match is None:
        raise ValueError(f"Invalid JDBC URL {url!r}: expected jdbc:<engine>://<host>:<port>/<database>")
    vendor = match.group("vendor").lower()
    path = f"/{database}" if database else (match.group("path") or "")
    engine = "postgresql" if vendor == "redshift" else vendor
    return f"jdbc:{engine}:{match.group('rest')}{path}{match.group('query')}", vendor


def resolve(glue_ctx: Any, connection_type: str, options: dict) -> dict[str, Any]:
    """The options with url (Spark's), user, password and driver filled in from the connection or secret."""
    resolved = dict(options)
    name = resolved.get("connectionName")
    if name and (connection_type.lower() == "jdbc" or _flag(resolved.get("useConnectionProperties"))
                 or not resolved.get("url")):
        resolved = {**_connection_options(glue_ctx, name), **{k: v for k, v in resolved.items() if v is not None}}
    if resolved.get("secretId") and not resolved.get("password"):
        user, password = _secret(resolved["secretId"])
        resolved.setdefault("user", user)
        resolved["password"] = password
    if not resolved.get("url"):
        raise ValueError(f"connection_options must contain 'url' (or 'connectionName') for a {connection_type} "
                         "connection")
    resolved["url"], vendor = spark_url(resolved["url"], resolved.get("database"))
    resolved["vendor"] = vendor
    resolved["driver"] = resolved.get("driver") or DRIVERS.get(vendor, "")
    path = resolved.get("catalogTablePath")
    if path and resolved.get("dbtable") == ".".join(path):  # a crawled table's name, not one the script gave
        resolved["dbtable"] = ".".join(quote_identifier(vendor, part) for part in path)
    return resolved


def quote_identifier(vendor: str, name: str) -> str:
    """`name` as a quoted identifier of the vendor's SQL: the exact name, whatever its case or characters."""
    if vendor in ("mysql", "mariadb"):
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def _spark_options(resolved: dict[str, Any]) -> dict[str, str]:
    spark = {k: str(v) for k, v in resolved.items() if k not in _OWN and v is not None}
    spark["url"] = resolved["url"]
    for key in ("user", "password"):
        if resolved.get(key) is not None:
            spark[key] = str(resolved[key])
    if not spark.get("driver"):
        spark.pop("driver", None)
    return spark


def _hash_condition(resolved: dict[str, Any], count: int, index: int) -> str | None:
    """The condition that picks hash partition `index` of `count` (hashfield / hashexpression)."""
    if resolved.get("hashexpression"):
        return f"MOD(ABS({resolved['hashexpression']}), {count}) = {index}"
    field = resolved.get("hashfield")
    if not field:
        return None
    if resolved["vendor"] in ("mysql", "mariadb"):
        return f"MOD(CRC32({field}), {count}) = {index}"
    return f"MOD(ABS(hashtext(CAST({field} AS text))::bigint), {count}) = {index}"


def read_frame(glue_ctx: Any, connection_type: str, options: dict, transformation_ctx: str, name: str) -> Any:
    """A DynamicFrame of the table (or sampleQuery), hash-partitioned and bookmarked as the options say."""
    from awsglue.dynamicframe import DynamicFrame

    resolved = resolve(glue_ctx, connection_type, options)
    spark = glue_ctx.spark_session
    base = _spark_options(resolved)
    count = int(resolved.get("hashpartitions") or DEFAULT_HASH_PARTITIONS)
    partitioned = bool(resolved.get("hashfield") or resolved.get("hashexpression"))
    sample = resolved.get("sampleQuery")
    if sample:
        if partitioned and _flag(resolved.get("enablePartitioningForSampleQuery")):
            frames = [spark.read.format("jdbc").options(**base, query=f"{sample} {_hash_condition(resolved, count, i)}")
                      .load() for i in range(count)]
            df = frames[0]
            for other in frames[1:]:
                df = df.unionByName(other)
        else:
            df = spark.read.format("jdbc").options(**base, query=sample).load()
    else:
        table = resolved.get("dbtable")
        if not table:
            raise ValueError(f"connection_options must contain 'dbtable' (or 'sampleQuery') for a {connection_type} "
                             "source")
        if partitioned:
            url = base.pop("url")
            predicates = [_hash_condition(resolved, count, i) for i in range(count)]
            df = spark.read.jdbc(url, table, predicates=predicates, properties=base)
        else:
            df = spark.read.format("jdbc").options(**base, dbtable=table).load()
    df = _bookmarked(glue_ctx, transformation_ctx, resolved, df)
    return DynamicFrame.fromDF(df, glue_ctx, name)


def _primary_key(glue_ctx: Any, resolved: dict[str, Any]) -> list[str]:
    """The primary key columns of `dbtable` (PostgreSQL's catalog), the default bookmark keys."""
    table = resolved.get("dbtable") or ""
    if resolved["vendor"] not in ("postgresql", "redshift") or not table:
        return []
    query = ("SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
             f"AND a.attnum = ANY(i.indkey) WHERE i.indisprimary AND i.indrelid = '{table}'::regclass "
             "ORDER BY array_position(i.indkey, a.attnum)")
    rows = glue_ctx.spark_session.read.format("jdbc").options(**_spark_options(resolved), query=query).load().collect()
    return [row["name"] for row in rows]


def _bookmarked(glue_ctx: Any, transformation_ctx: str, resolved: dict[str, Any], df: Any) -> Any:
    """Rows past the committed bookmark value (lexicographic over the keys); the new last value is kept for
    Job.commit. Without job.init, a transformation_ctx or active bookmarks, every row."""
    from pyspark.sql import functions as F

    job = glue_ctx._job
    if job is None or not transformation_ctx or not job.bookmarks.active:
        return df
    keys = resolved.get("jobBookmarkKeys") or _primary_key(glue_ctx, resolved)
    keys = [keys] if isinstance(keys, str) else list(keys)
    if not keys:
        raise ValueError(f"Job bookmarks on {resolved.get('dbtable')} need jobBookmarkKeys (the table has no "
                         "primary key)")
    descending = str(resolved.get("jobBookmarkKeysSortOrder", "asc")).lower() == "desc"
    state = job.bookmarks.baseline.get(transformation_ctx) or {}
    last = state.get("values") if state.get("keys") == keys else None
    if last is not None:
        condition = None
        for i in reversed(range(len(keys))):
            past = F.col(keys[i]) < F.lit(last[i]) if descending else F.col(keys[i]) > F.lit(last[i])
            condition = past if condition is None else past | ((F.col(keys[i]) == F.lit(last[i])) & condition)
        df = df.filter(condition)
    df = df.cache()
    order = [F.col(k).asc() if descending else F.col(k).desc() for k in keys]
    edge = df.orderBy(*order).select(*keys).first()
    if edge is not None:
        values = [v.isoformat(sep=" ") if hasattr(v, "isoformat") else v for v in edge]
        values = [str(v) if not isinstance(v, (int, float, str, bool)) else v for v in values]
        run = int((state.get("timestamps") or {}).get("RUN", "0")) + 1
        job.bookmarks.pending_states[transformation_ctx] = {"jsonClass": STATE_CLASS, "keys": keys,
                                                            "values": values, "timestamps": {"RUN": str(run)}}
    return df


def _run_sql(glue_ctx: Any, resolved: dict[str, Any], statements: str) -> None:
    """preactions / postactions: `;`-separated SQL run over one JDBC session of the driver JVM."""
    sql = [s.strip() for s in (statements or "").split(";") if s.strip()]
    if not sql:
        return
    jvm = glue_ctx.spark_session.sparkContext._jvm
    properties = jvm.java.util.Properties()
    for key in ("user", "password"):
        if resolved.get(key) is not None:
            properties.setProperty(key, str(resolved[key]))
    # The driver class itself, from the loader that holds spark.jars: DriverManager would refuse a driver its
    # caller's (Py4J's) class loader cannot see.
    loader = jvm.java.lang.Thread.currentThread().getContextClassLoader()
    session = jvm.java.lang.Class.forName(resolved["driver"], True, loader).newInstance().connect(
        resolved["url"], properties)
    try:
        for statement in sql:
            session.createStatement().execute(statement)
    finally:
        session.close()


def write_frame(glue_ctx: Any, frame: Any, connection_type: str, options: dict) -> None:
    """Append the frame's rows to `dbtable` (Spark creates the table when it is missing)."""
    resolved = resolve(glue_ctx, connection_type, options)
    table = resolved.get("dbtable")
    if not table:
        raise ValueError(f"connection_options must contain 'dbtable' for a {connection_type} sink")
    _run_sql(glue_ctx, resolved, resolved.get("preactions", ""))
    frame.toDF().write.format("jdbc").options(**_spark_options(resolved), dbtable=table).mode("append").save()
    _run_sql(glue_ctx, resolved, resolved.get("postactions", ""))


def catalog_options(glue_ctx: Any, database: str, table_name: str, catalog_id: str | None) -> dict[str, Any]:
    """The options of a crawled JDBC table: its connection, and `database`/`dbtable` from its Location
    (`<database>.<schema>.<table>`, as JDBC crawlers record it). The Location holds the names as the database
    stores them ("Orders", created quoted in PostgreSQL), so `resolve` quotes them (`catalogTablePath`) for a
    database that would fold them otherwise; a `dbtable` of the script's additional_options is used as given."""
    kwargs = {"DatabaseName": database, "Name": table_name, **({"CatalogId": catalog_id} if catalog_id else {})}
    table = glue_ctx._glue_client().get_table(**kwargs)["Table"]
    params = {**((table.get("StorageDescriptor") or {}).get("Parameters") or {}), **(table.get("Parameters") or {})}
    location = (table.get("StorageDescriptor") or {}).get("Location") or ""
    parts = location.split(".")
    if not params.get("connectionName") or len(parts) < 2:
        raise ValueError(f"Table {database}.{table_name} is not a JDBC table (no connectionName or "
                         "<database>.<schema>.<table> Location)")
    path = parts[1:] if len(parts) > 2 else parts[-1:]
    options: dict[str, Any] = {"connectionName": params["connectionName"], "useConnectionProperties": "true",
                               "dbtable": ".".join(path), "catalogTablePath": path}
    if len(parts) > 2:
        options["database"] = parts[0]
    return options


def is_catalog_jdbc(table_format: str) -> bool:
    """Whether a catalog table's classification is a JDBC engine's."""
    return table_format.lower() in DRIVERS
