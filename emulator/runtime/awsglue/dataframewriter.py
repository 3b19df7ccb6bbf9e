"""`glueContext.write_data_frame`: the catalog writer for Spark DataFrames."""

from __future__ import annotations

from typing import Any


class DataFrameWriter:
    def __init__(self, glue_context: Any):
        self._glue_context = glue_context

    def from_catalog(self, frame: Any, database: str | None = None, table_name: str | None = None,
                     redshift_tmp_dir: str = "", transformation_ctx: str = "", additional_options: dict = {},
                     catalog_id: str | None = None, **kwargs: Any) -> Any:
        return self._glue_context.write_data_frame_from_catalog(
            frame, database, table_name, redshift_tmp_dir, transformation_ctx, additional_options, catalog_id,
            **kwargs)
