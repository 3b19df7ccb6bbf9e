from __future__ import annotations

from typing import Any

from awsglue import utils
from awsglue.transforms.transform import GlueTransform


class Relationalize(GlueTransform):
    """Flattens a nested frame into a collection of flat tables (one per array)."""

    _returns = ("DynamicFrameCollection", "The root table and one table per array")

    def __call__(self, frame: Any, staging_path: str | None = None, name: str = "roottable",
                 options: dict | None = None, transformation_ctx: str = "", info: str = "", stageThreshold: int = 0,
                 totalThreshold: int = 0) -> Any:
        if staging_path is None:
            staging_path = utils._global_args.get("TempDir")
            if staging_path is None:
                raise RuntimeError("Unable to set staging_path using args " + str(utils._global_args))
        return frame.relationalize(name, staging_path, options or {}, transformation_ctx, info, stageThreshold,
                                   totalThreshold)
