"""DynamicFrameCollection and the reader/writer objects of a GlueContext (`create_dynamic_frame`,
`write_dynamic_frame`); awsglue.dynamicframe re-exports them, as Amazon's module holds them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from pyspark.sql import types as T

if TYPE_CHECKING:
    from awsglue.dynamicframe import DynamicFrame


class DynamicFrameCollection:
    def __init__(self, dynamic_frames: Any, glue_ctx: Any):
        if isinstance(dynamic_frames, list):
            self._df_dict = {frame.name: frame for frame in dynamic_frames}
        elif isinstance(dynamic_frames, dict):
            self._df_dict = dict(dynamic_frames)
        else:
            raise TypeError("dynamic_frames must be list or dict.")
        self._glue_ctx = glue_ctx

    def __getitem__(self, key: str) -> DynamicFrame:
        return self._df_dict[key]

    def __len__(self) -> int:
        return len(self._df_dict)

    def __iter__(self) -> Iterator[str]:
        return iter(self._df_dict)

    def keys(self) -> Any:
        return self._df_dict.keys()

    def values(self) -> Any:
        return self._df_dict.values()

    def select(self, key: str, transformation_ctx: str = "") -> DynamicFrame:
        """The frame named `key`; an unknown key gives an empty frame of that name, as on Glue."""
        from awsglue.dynamicframe import DynamicFrame

        if key in self._df_dict:
            return self._df_dict[key]
        spark = self._glue_ctx.spark_session
        return DynamicFrame(spark.createDataFrame([], T.StructType([])), self._glue_ctx, key)

    def map(self, callable: Callable[[DynamicFrame, str], DynamicFrame], transformation_ctx: str = ""
            ) -> DynamicFrameCollection:
        from awsglue.dynamicframe import DynamicFrame

        result = {}
        for key, frame in self._df_dict.items():
            mapped = callable(frame, transformation_ctx + ":" + key)
            if not isinstance(mapped, DynamicFrame):
                raise TypeError("callable must return a DynamicFrame. Got " + str(type(mapped)))
            result[key] = mapped
        return DynamicFrameCollection(result, self._glue_ctx)

    def flatmap(self, f: Callable[[DynamicFrame, str], Any], transformation_ctx: str = ""
                ) -> DynamicFrameCollection:
        from awsglue.dynamicframe import DynamicFrame

        result: dict[str, DynamicFrame] = {}
        for frame in self._df_dict.values():
            mapped = f(frame, transformation_ctx + ":" + frame.name)
            if isinstance(mapped, DynamicFrameCollection):  # keyed as aws-glue-libs does: by its own keys,
                result.update(mapped._df_dict)
            elif isinstance(mapped, DynamicFrame):  # ... and a frame by its name
                result[mapped.name] = mapped
            else:
                raise TypeError("Function argument to flatmap must return DynamicFrame or DynamicFrameCollection."
                                " Got " + str(type(mapped)))
        return DynamicFrameCollection(result, self._glue_ctx)

    def __repr__(self) -> str:
        return f"<DynamicFrameCollection {list(self._df_dict)}>"


class DynamicFrameReader:
    """`glueContext.create_dynamic_frame`; unit-test templates patch these methods on the class."""

    def __init__(self, glue_context: Any):
        self._glue_context = glue_context

    def from_rdd(self, data: Any, name: str, schema: Any = None, sampleRatio: float | None = None) -> DynamicFrame:
        return self._glue_context.create_dynamic_frame_from_rdd(data, name, schema, sampleRatio)

    def from_options(self, connection_type: str, connection_options: dict = {}, format: str | None = None,
                     format_options: dict = {}, transformation_ctx: str = "", push_down_predicate: str = "",
                     **kwargs: Any) -> DynamicFrame:
        return self._glue_context.create_dynamic_frame_from_options(
            connection_type, connection_options, format, format_options, transformation_ctx, push_down_predicate,
            **kwargs)

    def from_catalog(self, database: str | None = None, table_name: str | None = None, redshift_tmp_dir: str = "",
                     transformation_ctx: str = "", push_down_predicate: str = "", additional_options: dict = {},
                     catalog_id: str | None = None, **kwargs: Any) -> DynamicFrame:
        return self._glue_context.create_dynamic_frame_from_catalog(
            database, table_name, redshift_tmp_dir, transformation_ctx, push_down_predicate, additional_options,
            catalog_id, **kwargs)


class DynamicFrameWriter:
    """`glueContext.write_dynamic_frame`; unit-test templates patch these methods on the class."""

    def __init__(self, glue_context: Any):
        self._glue_context = glue_context

    def from_options(self, frame: DynamicFrame, connection_type: str, connection_options: dict = {},
                     format: str | None = None, format_options: dict = {}, transformation_ctx: str = ""
                     ) -> DynamicFrame:
        return self._glue_context.write_dynamic_frame_from_options(
            frame, connection_type, connection_options, format, format_options, transformation_ctx)

    def from_catalog(self, frame: DynamicFrame, database: str | None = None, table_name: str | None = None,
                     redshift_tmp_dir: str = "", transformation_ctx: str = "", additional_options: dict = {},
                     catalog_id: str | None = None, **kwargs: Any) -> DynamicFrame:
        return self._glue_context.write_dynamic_frame_from_catalog(
            frame, database, table_name, redshift_tmp_dir, transformation_ctx, additional_options, catalog_id,
            **kwargs)

    def from_jdbc_conf(self, frame: DynamicFrame, catalog_connection: str, connection_options: dict = {},
                       redshift_tmp_dir: str = "", transformation_ctx: str = "") -> DynamicFrame:
        return self._glue_context.write_dynamic_frame_from_jdbc_conf(
            frame, catalog_connection, connection_options, redshift_tmp_dir, transformation_ctx)
