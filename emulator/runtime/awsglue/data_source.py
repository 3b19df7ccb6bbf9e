"""`awsglue.data_source.DataSource`: what getSource returns; S3 sources read with Glue's options.

The file list (`files()`) is computed in one place so that job bookmarks can narrow it per
transformation_ctx (README.md).
"""

from __future__ import annotations

from typing import Any

from awsglue import _formats, _jdbc, _s3

# Connection types that reach outside services through connectors this emulator does not have.
_S3_TYPES = ("s3",)


class DataSource:
    def __init__(self, glue_context: Any, connection_type: str, options: dict, transformation_ctx: str = "",
                 push_down_predicate: str = ""):
        self._glue_context = glue_context
        self._connection_type = connection_type.lower()
        self._options = dict(options)
        self._transformation_ctx = transformation_ctx
        self._push_down_predicate = push_down_predicate
        self._format: str | None = None
        self._format_options: dict = {}
        self.name: str | None = None

    def setFormat(self, format: str, **options: Any) -> None:
        self._format = format
        self._format_options = dict(options)

    def _paths(self) -> list[str]:
        paths = self._options.get("paths", self._options.get("path"))
        if paths is None:
            raise ValueError("connection_options must contain 'paths' for an S3 source")
        return [paths] if isinstance(paths, str) else list(paths)

    def files(self) -> list[_s3.InputFile]:
        """The data files this source reads, after recurse/exclusions and the push-down predicate."""
        files = _s3.list_files(self._glue_context.spark_session, self._paths(),
                               recurse=_formats.flag(self._options, "recurse"),
                               exclusions=self._options.get("exclusions"))
        if self._push_down_predicate:
            files = prune_partitions(self._glue_context.spark_session, files, self._push_down_predicate)
        return bookmarked(self._glue_context, self._transformation_ctx, files)

    def getFrame(self, **options: Any) -> Any:
        if _jdbc.is_jdbc(self._connection_type):
            return _jdbc.read_frame(self._glue_context, self._connection_type, self._options,
                                    self._transformation_ctx, self.name or self._options.get("dbtable") or "jdbc")
        if self._connection_type not in _S3_TYPES:
            raise ValueError(f"Connection type '{self._connection_type}' is not supported by the glue-emulator's "
                             "awsglue library (only S3 paths, JDBC databases and the Data Catalog are)")
        from awsglue.context import frame_name

        name = self.name or frame_name(self._paths())
        frame = _formats.read(self._glue_context, self.files(), self._format, self._format_options, name)
        frame.name = name
        return frame

    def getSampleFrame(self, num: int | None, **options: Any) -> Any:
        frame = self.getFrame()
        if not num:
            return frame
        from awsglue.dynamicframe import DynamicFrame

        return DynamicFrame(frame.toDF().limit(int(num)), self._glue_context, frame.name, frame.schema())

    def getDataFrame(self, **options: Any) -> Any:
        return self.getFrame(**options).toDF()


def bookmarked(glue_context: Any, transformation_ctx: str, files: list[_s3.InputFile]) -> list[_s3.InputFile]:
    """The files a bookmarked source still has to read (all of them without job.init or bookmarks)."""
    job = glue_context._job
    return job.bookmarks.select(transformation_ctx, files) if job is not None else files


def prune_partitions(spark: Any, files: list[_s3.InputFile], predicate: str) -> list[_s3.InputFile]:
    """Keep the files whose Hive partition values satisfy a Spark SQL predicate over partition columns
    (values are strings, as Glue compares them)."""
    keys = _s3.partition_keys(files)
    if not keys or not files:
        return files
    kept = satisfying(spark, [dict(f.partitions) for f in files], keys, predicate)
    return [f for i, f in enumerate(files) if i in kept]


def satisfying(spark: Any, values: list[dict[str, str]], keys: list[str], predicate: str) -> set[int]:
    """The indexes of the partition value sets (strings) for which a Spark SQL predicate holds."""
    if not values:
        return set()
    rows = [tuple([i] + [v.get(k) for k in keys]) for i, v in enumerate(values)]
    schema = "__file_index int, " + ", ".join(f"`{k.replace('`', '``')}` string" for k in keys)
    return {r[0] for r in spark.createDataFrame(rows, schema).filter(predicate).collect()}
