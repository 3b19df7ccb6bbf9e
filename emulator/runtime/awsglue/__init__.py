"""Glue's `awsglue` package, reimplemented on plain PySpark (see README.md beside this file).

`from awsglue import DynamicFrame` works as with Amazon's package, but the import is lazy so that
Python shell scripts importing only `awsglue.utils` do not load PySpark.
"""

from typing import Any

__all__ = ["DynamicFrame"]


def __getattr__(name: str) -> Any:
    if name == "DynamicFrame":
        from awsglue.dynamicframe import DynamicFrame

        return DynamicFrame
    raise AttributeError(f"module 'awsglue' has no attribute {name!r}")
