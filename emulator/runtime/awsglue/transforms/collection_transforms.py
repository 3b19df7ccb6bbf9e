from __future__ import annotations

from collections.abc import Callable
from typing import Any

from awsglue.transforms.transform import GlueTransform


class SelectFromCollection(GlueTransform):
    """One frame of a DynamicFrameCollection, by key."""

    def __call__(self, dfc: Any, key: str, transformation_ctx: str = "") -> Any:
        return dfc.select(key, transformation_ctx)


class MapToCollection(GlueTransform):
    """Applies a function to every frame of a collection."""

    _returns = ("DynamicFrameCollection", "The mapped frames")

    def __call__(self, dfc: Any, callable: Callable, transformation_ctx: str = "") -> Any:
        return dfc.map(callable, transformation_ctx)


class FlatMap(GlueTransform):
    """Applies a transform to every frame of a collection, flattening collections it returns."""

    _returns = ("DynamicFrameCollection", "The transformed frames")

    def __call__(self, dfc: Any, BaseTransform: Any, frame_name: str, transformation_ctx: str = "",
                 **base_kwargs: Any) -> Any:
        def apply(frame: Any, ctx: str) -> Any:
            return BaseTransform.apply(**{**base_kwargs, frame_name: frame}, transformation_ctx=ctx)

        return dfc.flatmap(apply, transformation_ctx)
