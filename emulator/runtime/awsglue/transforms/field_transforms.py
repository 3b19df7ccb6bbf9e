from __future__ import annotations

from typing import Any

from awsglue.transforms.transform import GlueTransform


class RenameField(GlueTransform):
    """Renames a field (a full path; a new parent path moves it)."""

    def __call__(self, frame: Any, old_name: str, new_name: str, transformation_ctx: str = "", info: str = "",
                 stageThreshold: int = 0, totalThreshold: int = 0) -> Any:
        return frame.rename_field(old_name, new_name, transformation_ctx, info, stageThreshold, totalThreshold)


class DropFields(GlueTransform):
    """Drops the fields at the given paths."""

    def __call__(self, frame: Any, paths: Any, transformation_ctx: str = "", info: str = "", stageThreshold: int = 0,
                 totalThreshold: int = 0) -> Any:
        return frame.drop_fields(paths, transformation_ctx, info, stageThreshold, totalThreshold)


class SelectFields(GlueTransform):
    """Keeps only the fields at the given paths."""

    def __call__(self, frame: Any, paths: Any, transformation_ctx: str = "", info: str = "", stageThreshold: int = 0,
                 totalThreshold: int = 0) -> Any:
        return frame.select_fields(paths, transformation_ctx, info, stageThreshold, totalThreshold)


class SplitFields(GlueTransform):
    """Splits a frame's fields into two frames (the given paths, and the rest)."""

    _returns = ("DynamicFrameCollection", "The selected fields, then the remaining ones")

    def __call__(self, frame: Any, paths: Any, name1: str | None = None, name2: str | None = None,
                 transformation_ctx: str = "", info: str = "", stageThreshold: int = 0,
                 totalThreshold: int = 0) -> Any:
        base = frame.name or "frame"
        return frame.split_fields(paths, name1 or base + "1", name2 or base + "2", transformation_ctx, info,
                                  stageThreshold, totalThreshold)


class SplitRows(GlueTransform):
    """Splits a frame's records into two frames by comparisons on fields."""

    _returns = ("DynamicFrameCollection", "The records meeting the comparisons, then the others")

    def __call__(self, frame: Any, comparison_dict: dict, name1: str = "frame1", name2: str = "frame2",
                 transformation_ctx: str = "", info: str | None = None, stageThreshold: int = 0,
                 totalThreshold: int = 0) -> Any:
        return frame.split_rows(comparison_dict, name1, name2, transformation_ctx, info or "", stageThreshold,
                                totalThreshold)


class Join(GlueTransform):
    """Equality join of two frames on key fields (both frames' keys are kept)."""

    def __call__(self, frame1: Any, frame2: Any, keys1: Any, keys2: Any, transformation_ctx: str = "") -> Any:
        return frame1.join(keys1, keys2, frame2)


class Spigot(GlueTransform):
    """Writes a sample of the records to a path and passes the frame on."""

    def __call__(self, frame: Any, path: str, options: dict, transformation_ctx: str = "") -> Any:
        return frame.spigot(path, options, transformation_ctx)
