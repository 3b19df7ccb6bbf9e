from __future__ import annotations

from typing import Any

from awsglue.transforms.transform import GlueTransform


class ErrorsAsDynamicFrame(GlueTransform):
    """The error records of every transform that led to a frame, as a frame."""

    def __call__(self, frame: Any) -> Any:
        return frame.errorsAsDynamicFrame()
