from __future__ import annotations

from typing import Any

from awsglue.transforms.transform import GlueTransform


class ResolveChoice(GlueTransform):
    """Resolves choice types by cast, project, make_cols, make_struct or match_catalog."""

    def __call__(self, frame: Any, specs: Any = None, choice: str = "", database: str | None = None,
                 table_name: str | None = None, transformation_ctx: str = "", info: str = "",
                 stageThreshold: int = 0, totalThreshold: int = 0, catalog_id: str | None = None) -> Any:
        return frame.resolveChoice(specs, choice, database, table_name, transformation_ctx, info, stageThreshold,
                                   totalThreshold, catalog_id)
