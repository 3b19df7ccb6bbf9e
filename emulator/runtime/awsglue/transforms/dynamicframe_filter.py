from __future__ import annotations

from collections.abc import Callable
from typing import Any

from awsglue.transforms.transform import GlueTransform


class Filter(GlueTransform):
    """Keeps the records for which a function returns true."""

    def __call__(self, frame: Any, f: Callable, transformation_ctx: str = "", info: str = "", stageThreshold: int = 0,
                 totalThreshold: int = 0) -> Any:
        return frame.filter(f, transformation_ctx, info, stageThreshold, totalThreshold)
