"""`awsglue.utils`: getResolvedOptions with the exact argparse behaviour of Glue 5.x, plus helpers.

Pure Python on purpose: Python shell jobs import only this module.
"""

from __future__ import annotations

import argparse
import inspect
import os
from collections.abc import Iterable
from typing import Any

__all__ = [
    "GlueArgumentError",
    "GlueArgumentParser",
    "callsite",
    "getResolvedOptions",
    "iteritems",
    "iterkeys",
    "itervalues",
    "makeOptions",
]

# The last resolved arguments: Relationalize falls back to their TempDir when given no staging path.
_global_args: dict[str, Any] = {}

_CONTINUATION_TO_BOOKMARK = {
    "continuation-enabled": "job-bookmark-enable",
    "continuation-readonly": "job-bookmark-pause",
    "continuation-ignore": "job-bookmark-disable",
}


class GlueArgumentError(Exception):
    pass


class GlueArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser that raises instead of printing usage and exiting the script."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise GlueArgumentError(message)


def getResolvedOptions(args: list[str], options: Iterable[str]) -> dict[str, Any]:
    """The job arguments named in `options` (without their `--`), from an argv like sys.argv.

    As on Glue: every named option is required and takes one value, unknown arguments are ignored,
    argv[0] (the script) is skipped, dashes in names become underscores, and the reserved keys
    (bookmark options, run ids, TempDir...) are always in the result, None when not given.
    """
    from awsglue.job import Job

    parser = GlueArgumentParser()
    reserved = (Job.continuation_options()[0], Job.job_bookmark_options()[0], *Job.job_bookmark_range_options())
    for option in reserved:
        if option[2:] in options:
            raise RuntimeError("Using reserved arguments " + option[2:])
    parser.add_argument(Job.job_bookmark_options()[0], choices=Job.job_bookmark_options()[1:], required=False)
    parser.add_argument(Job.continuation_options()[0], choices=Job.continuation_options()[1:], required=False)
    for option in Job.job_bookmark_range_options():
        parser.add_argument(option, required=False)
    for option in Job.id_params()[1:]:
        parser.add_argument(option, required=False)
    parser.add_argument(Job.encryption_type_options()[0], choices=Job.encryption_type_options()[1:])
    parser.add_argument(Job.data_lineage_options()[0], required=False)
    parser.add_argument("--RedshiftTempDir", required=False)
    parser.add_argument("--TempDir", required=False)
    for option in [o for o in options if o not in ("TempDir", "RedshiftTempDir")]:
        parser.add_argument("--" + option, required=True)

    parsed, _ = parser.parse_known_args(args[1:])
    resolved = vars(parsed)
    if resolved["TempDir"] is None:
        resolved["TempDir"] = resolved["RedshiftTempDir"]
    elif resolved["RedshiftTempDir"] is None:
        resolved["RedshiftTempDir"] = resolved["TempDir"]
    continuation = resolved.pop("continuation_option")
    if continuation is not None:
        resolved["job_bookmark_option"] = _CONTINUATION_TO_BOOKMARK[continuation]
    if resolved["job_bookmark_option"] is None:
        resolved["job_bookmark_option"] = "job-bookmark-disable"
    start, end = resolved["job_bookmark_from"], resolved["job_bookmark_to"]
    if resolved["job_bookmark_option"] == "job-bookmark-pause":
        if start is not None and end is None:
            raise RuntimeError("Missing option or value for --job-bookmark-to")
        if end is not None and start is None:
            raise RuntimeError("Missing option or value for --job-bookmark-from")
    elif start is not None and end is not None:
        raise RuntimeError("Invalid option(s)--job-bookmark-from --job-bookmark-to")
    _global_args.clear()
    _global_args.update(resolved)
    return resolved


def makeOptions(sc: Any, py_obj: dict | None) -> dict:
    """Options as the library passes them on: here a plain copy (Amazon's builds a JVM map)."""
    return dict(py_obj or {})


def callsite() -> str:
    """Where the user's code called into the library: `file:line`, used in error records."""
    here = os.path.dirname(os.path.abspath(__file__))
    for frame in inspect.stack()[1:]:
        if not os.path.abspath(frame.filename).startswith(here):
            return f"{frame.filename}:{frame.lineno}"
    return ""


def iteritems(d: dict) -> Any:
    return iter(d.items())


def iterkeys(d: dict) -> Any:
    return iter(d.keys())


def itervalues(d: dict) -> Any:
    return iter(d.values())
