from __future__ import annotations

from collections.abc import Callable
from typing import Any

from awsglue.transforms.transform import GlueTransform


class Map(GlueTransform):
    """Replaces each record by the result of a function."""

    def __call__(self, frame: Any, f: Callable, preservesPartitioning: bool = False, transformation_ctx: str = "",
                 info: str = "", stageThreshold: int = 0, totalThreshold: int = 0) -> Any:
        return frame.map(f, preservesPartitioning, transformation_ctx, info, stageThreshold, totalThreshold)
