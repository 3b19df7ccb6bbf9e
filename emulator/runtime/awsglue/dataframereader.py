"""`glueContext.create_data_frame`: the DynamicFrame readers, returning Spark DataFrames."""

from __future__ import annotations

from typing import Any


class DataFrameReader:
    def __init__(self, glue_context: Any):
        self._glue_context = glue_context

    def from_catalog(self, database: str | None = None, table_name: str | None = None, redshift_tmp_dir: str = "",
                     transformation_ctx: str = "", push_down_predicate: str = "", additional_options: dict = {},
                     catalog_id: str | None = None, **kwargs: Any) -> Any:
        return self._glue_context.create_data_frame_from_catalog(
            database, table_name, redshift_tmp_dir, transformation_ctx, push_down_predicate, additional_options,
            catalog_id, **kwargs)

    def from_options(self, connection_type: str, connection_options: dict = {}, format: str | None = None,
                     format_options: dict = {}, transformation_ctx: str = "", push_down_predicate: str = "",
                     **kwargs: Any) -> Any:
        return self._glue_context.create_data_frame_from_options(
            connection_type, connection_options, format, format_options, transformation_ctx, push_down_predicate,
            **kwargs)
