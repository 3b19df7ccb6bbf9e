"""`awsglue.context.GlueContext`: the entry point of Glue scripts, a SQLContext with Glue's readers/writers.

Calls to the Glue API (the Data Catalog) go through boto3 with the standard environment: inside a job
run the emulator sets AWS_ENDPOINT_URL and AWS_REGION, so the client reaches the emulator itself.
"""

from __future__ import annotations

import os
import re
import sys
import time
import uuid
import warnings
from typing import Any, ClassVar

from awsglue import _metastore, _s3
from awsglue import gluetypes as G
from awsglue.data_sink import DataSink
from awsglue.data_source import DataSource
from awsglue.dataframereader import DataFrameReader
from awsglue.dataframewriter import DataFrameWriter
from awsglue.dynamicframe import DynamicFrame, DynamicFrameCollection, DynamicFrameReader, DynamicFrameWriter
from pyspark import SparkContext
from pyspark.sql import DataFrame, SparkSession, SQLContext

__all__ = ["DataFrame", "GlueContext"]

# The folder holding the `awsglue` package: Spark's Python workers need it on their path to unpickle
# the library's functions and types that map/filter/JSON reading ship to them.
_RUNTIME_PATH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_DEFAULT_RETENTION_HOURS = 168


class GlueLogger:
    """`glueContext.get_logger()`: messages go to the driver's log4j logger, as on Glue."""

    def __init__(self, sc: SparkContext):
        self._log = sc._jvm.org.apache.log4j.LogManager.getLogger("GlueLogger")

    def info(self, message: Any) -> None:
        self._log.info(str(message))

    def warn(self, message: Any) -> None:
        self._log.warn(str(message))

    def error(self, message: Any) -> None:
        self._log.error(str(message))

    def debug(self, message: Any) -> None:
        self._log.debug(str(message))

    def trace(self, message: Any) -> None:
        self._log.trace(str(message))


class GlueContext(SQLContext):
    Spark_SQL_Formats: ClassVar[set[str]] = {"parquet", "orc"}

    def __init__(self, sparkContext: Any = None, **options: Any):
        if isinstance(sparkContext, SparkSession):
            session = sparkContext
        else:
            session = SparkSession.builder.getOrCreate()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # SQLContext is deprecated, but Glue's is one
            super().__init__(session.sparkContext, session)
        self.spark_session = session
        self._ensure_worker_path()
        min_partitions = options.get("minPartitions", options.get("targetPartitions"))
        self._min_partitions = min_partitions
        self._target_partitions = options.get("targetPartitions", min_partitions)
        self._job: Any = None
        self._glue_logger = GlueLogger(self._sc)
        self._glue_client_instance: Any = None
        self.create_dynamic_frame = DynamicFrameReader(self)
        self.create_data_frame = DataFrameReader(self)
        self.write_dynamic_frame = DynamicFrameWriter(self)
        self.write_data_frame = DataFrameWriter(self)
        if _metastore.enabled(sys.argv):
            _metastore.install(session, self._glue_client())

    def _ensure_worker_path(self) -> None:
        includes = self._sc._python_includes
        if includes is not None and _RUNTIME_PATH not in includes:
            includes.append(_RUNTIME_PATH)

    # -- the Glue API --------------------------------------------------------------------------------

    def _glue_client(self) -> Any:
        """A boto3 Glue client for the Data Catalog (endpoint and region from the environment)."""
        if self._glue_client_instance is None:
            import boto3

            self._glue_client_instance = boto3.client("glue")
        return self._glue_client_instance

    def _catalog_schema(self, database: str, table_name: str, catalog_id: str | None = None) -> G.StructType:
        """A catalog table's columns (partition keys last) as a Glue schema."""
        from awsglue import _catalog

        return _catalog.load_table(self._glue_client(), database, table_name, catalog_id).schema

    def get_catalog_schema_as_spark_schema(self, database: str | None = None, table_name: str | None = None,
                                           catalog_id: str | None = None) -> Any:
        from awsglue import _columns

        return _columns.to_spark(self._catalog_schema(database, table_name, catalog_id))

    def extract_jdbc_conf(self, connection_name: str, catalog_id: str | None = None) -> dict:
        """`user`, `password`, `vendor`, `url` (and the rest of the properties) of a catalog connection."""
        kwargs = {"Name": connection_name, "HidePassword": False}
        if catalog_id:
            kwargs["CatalogId"] = catalog_id
        props = self._glue_client().get_connection(**kwargs)["Connection"].get("ConnectionProperties", {})
        url = props.get("JDBC_CONNECTION_URL", "")
        match = re.match(r"jdbc:([^:]+):", url)
        conf = {"user": props.get("USERNAME"), "password": props.get("PASSWORD"),
                "vendor": match.group(1) if match else None, "url": url}
        return {**{k: v for k, v in props.items()}, **conf}

    # -- sources ---------------------------------------------------------------------------------------

    def getSource(self, connection_type: str, format: str | None = None, transformation_ctx: str = "",
                  push_down_predicate: str = "", **options: Any) -> DataSource:
        source = DataSource(self, connection_type, options, transformation_ctx, push_down_predicate)
        if format:
            source.setFormat(format)
        return source

    def create_dynamic_frame_from_rdd(self, data: Any, name: str, schema: Any = None, sample_ratio: Any = None,
                                      transformation_ctx: str = "") -> DynamicFrame:
        df = self.spark_session.createDataFrame(data, schema, sample_ratio)
        return DynamicFrame.fromDF(df, self, name)

    def create_dynamic_frame_from_options(self, connection_type: str, connection_options: dict = {},
                                          format: str | None = None, format_options: dict = {},
                                          transformation_ctx: str = "", push_down_predicate: str = "",
                                          **kwargs: Any) -> DynamicFrame:
        source = self.getSource(connection_type, format, transformation_ctx, push_down_predicate,
                                **connection_options)
        if format:
            source.setFormat(format, **format_options)
        return source.getFrame(**kwargs)

    def create_sample_dynamic_frame_from_options(self, connection_type: str, connection_options: dict = {},
                                                 num: int | None = None, sample_options: dict = {},
                                                 format: str | None = None, format_options: dict = {},
                                                 transformation_ctx: str = "", push_down_predicate: str = "",
                                                 **kwargs: Any) -> DynamicFrame:
        source = self.getSource(connection_type, format, transformation_ctx, push_down_predicate,
                                **connection_options)
        if format:
            source.setFormat(format, **format_options)
        return source.getSampleFrame(num, **sample_options)

    def create_data_frame_from_options(self, connection_type: str, connection_options: dict = {},
                                       format: str | None = None, format_options: dict = {},
                                       transformation_ctx: str = "", push_down_predicate: str = "",
                                       **kwargs: Any) -> DataFrame:
        return self.create_dynamic_frame_from_options(connection_type, connection_options, format, format_options,
                                                      transformation_ctx, push_down_predicate, **kwargs).toDF()

    def create_dynamic_frame_from_catalog(self, database: str | None = None, table_name: str | None = None,
                                          redshift_tmp_dir: str = "", transformation_ctx: str = "",
                                          push_down_predicate: str = "", additional_options: dict = {},
                                          catalog_id: str | None = None, **kwargs: Any) -> DynamicFrame:
        database = _database_argument(database, kwargs)
        if table_name is None:
            raise Exception("Parameter table_name is missing.")
        from awsglue import _catalog

        return _catalog.read_table(self, database, table_name, catalog_id, transformation_ctx, push_down_predicate,
                                   additional_options)

    def create_sample_dynamic_frame_from_catalog(self, database: str | None = None, table_name: str | None = None,
                                                 num: int | None = None, redshift_tmp_dir: str = "",
                                                 transformation_ctx: str = "", push_down_predicate: str = "",
                                                 additional_options: dict = {}, sample_options: dict = {},
                                                 catalog_id: str | None = None, **kwargs: Any) -> DynamicFrame:
        frame = self.create_dynamic_frame_from_catalog(database, table_name, redshift_tmp_dir, transformation_ctx,
                                                       push_down_predicate, additional_options, catalog_id,
                                                       **kwargs)
        return DynamicFrame(frame.toDF().limit(num), self, frame.name, frame.schema()) if num else frame

    def create_data_frame_from_catalog(self, database: str | None = None, table_name: str | None = None,
                                       redshift_tmp_dir: str = "", transformation_ctx: str = "",
                                       push_down_predicate: str = "", additional_options: dict = {},
                                       catalog_id: str | None = None, **kwargs: Any) -> DataFrame:
        return self.create_dynamic_frame_from_catalog(database, table_name, redshift_tmp_dir, transformation_ctx,
                                                      push_down_predicate, additional_options, catalog_id,
                                                      **kwargs).toDF()

    # -- sinks -------------------------------------------------------------------------------------------

    def getSink(self, connection_type: str, format: str | None = None, transformation_ctx: str = "",
                **options: Any) -> DataSink:
        sink = DataSink(self, connection_type, options, transformation_ctx)
        if format:
            sink.setFormat(format)
        return sink

    def write_dynamic_frame_from_options(self, frame: DynamicFrame, connection_type: str,
                                         connection_options: dict = {}, format: str | None = None,
                                         format_options: dict = {}, transformation_ctx: str = "") -> Any:
        return self.write_from_options(frame, connection_type, connection_options, format, format_options,
                                       transformation_ctx)

    def write_from_options(self, frame_or_dfc: Any, connection_type: str, connection_options: dict = {},
                           format: Any = {}, format_options: dict = {}, transformation_ctx: str = "",
                           **kwargs: Any) -> Any:
        if isinstance(frame_or_dfc, DynamicFrameCollection):
            connection_options = {**connection_options, "useFrameName": True}
        elif not isinstance(frame_or_dfc, DynamicFrame):
            raise TypeError(f"frame_or_dfc must be DynamicFrame or DynamicFrameCollection. Got {type(frame_or_dfc)}")
        sink = self.getSink(connection_type, format or None, transformation_ctx, **connection_options)
        if format:
            sink.setFormat(format, **format_options)
        if "accumulator_size" in kwargs:
            sink.setAccumulableSize(kwargs["accumulator_size"])
        return sink.write(frame_or_dfc)

    def write_dynamic_frame_from_catalog(self, frame: DynamicFrame, database: str | None = None,
                                         table_name: str | None = None, redshift_tmp_dir: str = "",
                                         transformation_ctx: str = "", additional_options: dict = {},
                                         catalog_id: str | None = None, **kwargs: Any) -> DynamicFrame:
        database = _database_argument(database, kwargs)
        if table_name is None:
            raise Exception("Parameter table_name is missing.")
        from awsglue import _catalog

        return _catalog.write_table(self, frame, database, table_name, catalog_id, transformation_ctx,
                                    additional_options)

    def write_data_frame_from_catalog(self, frame: DataFrame, database: str | None = None,
                                      table_name: str | None = None, redshift_tmp_dir: str = "",
                                      transformation_ctx: str = "", additional_options: dict = {},
                                      catalog_id: str | None = None, **kwargs: Any) -> DynamicFrame:
        return self.write_dynamic_frame_from_catalog(DynamicFrame.fromDF(frame, self, table_name or ""), database,
                                                     table_name, redshift_tmp_dir, transformation_ctx,
                                                     additional_options, catalog_id, **kwargs)

    def write_dynamic_frame_from_jdbc_conf(self, frame: DynamicFrame, catalog_connection: str,
                                           connection_options: dict = {}, redshift_tmp_dir: str = "",
                                           transformation_ctx: str = "", catalog_id: str | None = None) -> None:
        self.write_from_jdbc_conf(frame, catalog_connection, connection_options, redshift_tmp_dir,
                                  transformation_ctx, catalog_id)

    def write_from_jdbc_conf(self, frame_or_dfc: Any, catalog_connection: str, connection_options: dict = {},
                             redshift_tmp_dir: str = "", transformation_ctx: str = "",
                             catalog_id: str | None = None) -> Any:
        # The sink reads the connection itself (its secret too): see _jdbc.resolve.
        options = {"connectionName": catalog_connection, "redshiftTmpDir": redshift_tmp_dir, **connection_options}
        return self.getSink("jdbc", None, transformation_ctx, **options).write(frame_or_dfc)

    # -- S3 housekeeping and misc ------------------------------------------------------------------------

    def purge_s3_path(self, s3_path: str, options: dict = {}, transformation_ctx: str = "") -> None:
        """Delete every file under the path older than `retentionPeriod` hours (default 168)."""
        retention = float(options.get("retentionPeriod", _DEFAULT_RETENTION_HOURS))
        _s3.purge(self.spark_session, s3_path, retention, options.get("manifestFilePath"))

    def purge_table(self, database: str, table_name: str, options: dict = {}, transformation_ctx: str = "",
                    catalog_id: str | None = None) -> None:
        """purge_s3_path on the table's location (partitionPredicate is not applied here)."""
        from awsglue import _catalog

        table = _catalog.load_table(self._glue_client(), database, table_name, catalog_id)
        self.purge_s3_path(table.location, options, transformation_ctx)

    def get_logger(self) -> GlueLogger:
        return self._glue_logger

    def convert_resolve_option(self, path: str, action: str, target: Any) -> Any:
        from awsglue.dynamicframe import ResolveOption

        if action not in ("KeepAsStruct", "Project"):
            raise ValueError(f"Invalid resolve action {action}, only KeepAsStruct and Project are accepted")
        return ResolveOption(path, action, target)

    def add_ingestion_time_columns(self, frame: DataFrame, time_granularity: str) -> DataFrame:
        """ingest_year..ingest_minute columns (down to `time_granularity`) of the current time."""
        from pyspark.sql import functions as F

        names = ["year", "month", "day", "hour", "minute"]
        if time_granularity not in names:
            raise ValueError(f"time_granularity must be one of {names}")
        now = F.current_timestamp()
        parts = {"year": F.year(now), "month": F.month(now), "day": F.dayofmonth(now), "hour": F.hour(now),
                 "minute": F.minute(now)}
        for name in names[:names.index(time_granularity) + 1]:
            frame = frame.withColumn("ingest_" + name, F.lpad(parts[name].cast("string"), 4 if name == "year" else 2,
                                                               "0"))
        return frame

    def currentTimeMillis(self) -> int:
        return int(time.time() * 1000)

    def forEachBatch(self, frame: DataFrame, batch_function: Any, options: dict = {}) -> None:
        """Streaming ETL: `batch_function(df, batch_id)` over each micro-batch until the query ends (_streaming.py)."""
        from awsglue import _streaming

        _streaming.for_each_batch(frame, batch_function, options)


def _database_argument(database: str | None, kwargs: dict) -> str:
    """`name_space=` is Glue's older spelling of `database=`."""
    if "name_space" in kwargs:
        if database is not None:
            raise Exception("Parameter name_space and database are both specified, choose one.")
        database = kwargs.pop("name_space")
    if database is None:
        raise Exception("Parameter name_space or database is missing.")
    return database


def frame_name(paths: list[str]) -> str:
    """Glue names a source frame after the common prefix of its paths (without `:`, `/`, `.`)."""
    prefix = os.path.commonprefix(list(paths)) if paths else ""
    return re.sub(r"[:/.]", "", prefix) or str(uuid.uuid4())
