from __future__ import annotations

from typing import Any

from awsglue.transforms.transform import GlueTransform


class Coalesce(GlueTransform):
    """Reduces the number of partitions of a frame."""

    def __call__(self, frame: Any, num_partitions: int, shuffle: bool = False, transformation_ctx: str = "",
                 info: str = "", stageThreshold: int = 0, totalThreshold: int = 0) -> Any:
        return frame.coalesce(num_partitions, shuffle, transformation_ctx, info, stageThreshold, totalThreshold)
