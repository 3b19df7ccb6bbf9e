from __future__ import annotations

from typing import Any

from awsglue.transforms.transform import GlueTransform


class Repartition(GlueTransform):
    """Redistributes a frame's records into a number of partitions."""

    def __call__(self, frame: Any, num_partitions: int, transformation_ctx: str = "", info: str = "",
                 stageThreshold: int = 0, totalThreshold: int = 0) -> Any:
        return frame.repartition(num_partitions, transformation_ctx, info, stageThreshold, totalThreshold)
