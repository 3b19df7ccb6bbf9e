from __future__ import annotations

from typing import Any

from awsglue.transforms.transform import GlueTransform


class UnnestFrame(GlueTransform):
    """Flattens nested structs into top-level fields named `parent.child`."""

    def __call__(self, frame: Any, transformation_ctx: str = "", info: str = "", stageThreshold: int = 0,
                 totalThreshold: int = 0) -> Any:
        return frame.unnest(transformation_ctx, info, stageThreshold, totalThreshold)
