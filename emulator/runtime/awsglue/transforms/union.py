from __future__ import annotations

from typing import Any

from awsglue.transforms.transform import GlueTransform


class Union(GlueTransform):
    """All records of two frames (Amazon's Union.apply raises NameError; this one works)."""

    def __call__(self, frame1: Any, frame2: Any, transformation_ctx: str = "", info: str = "",
                 stageThreshold: int = 0, totalThreshold: int = 0) -> Any:
        return frame1.union(frame2, transformation_ctx, info, stageThreshold, totalThreshold)
