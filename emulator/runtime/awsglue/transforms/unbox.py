from __future__ import annotations

from typing import Any

from awsglue.transforms.transform import GlueTransform


class Unbox(GlueTransform):
    """Parses a string field (json or csv) into structured data."""

    def __call__(self, frame: Any, path: str, format: str, transformation_ctx: str = "", info: str = "",
                 stageThreshold: int = 0, totalThreshold: int = 0, **options: Any) -> Any:
        return frame.unbox(path, format, transformation_ctx, info, stageThreshold, totalThreshold, **options)
