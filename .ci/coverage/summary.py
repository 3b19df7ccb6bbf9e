"""Print coverage per package of emulator/ and in total, from `coverage json` output (.ci/run's coverage step).

Usage: python summary.py coverage.json. One line per package (emulator/<package>/, runtime/<library>/, and the
top-level modules together), then the total: statements and branches covered, as counts and percentages.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import PurePosixPath

_TOP_LEVEL = "(top-level modules)"


def package_of(path: str) -> str:
    """emulator/catalog/tables.py -> catalog; emulator/runtime/awsglue/x.py -> runtime/awsglue; emulator/app.py ->
    the top-level group."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    inside = parts[parts.index("emulator") + 1 :] if "emulator" in parts else parts
    if len(inside) <= 1:
        return _TOP_LEVEL
    if inside[0] == "runtime" and len(inside) > 2:
        return f"runtime/{inside[1]}"
    return inside[0]


def _percent(covered: int, total: int) -> str:
    return f"{100 * covered / total:5.1f}%" if total else "    -"


def summarize(report: dict) -> list[str]:
    """The lines to print for a `coverage json` report."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for path, data in report["files"].items():
        summary = data["summary"]
        row = sums[package_of(path)]
        row[0] += summary["covered_lines"]
        row[1] += summary["num_statements"]
        row[2] += summary.get("covered_branches", 0)
        row[3] += summary.get("num_branches", 0)
    lines = [f"{'package':<22} {'lines':>17} {'branches':>17}"]
    for name, (lines_hit, lines_all, branches_hit, branches_all) in sorted(sums.items()):
        lines.append(f"{name:<22} {lines_hit:>5}/{lines_all:<5} {_percent(lines_hit, lines_all)} "
                     f"{branches_hit:>5}/{branches_all:<5} {_percent(branches_hit, branches_all)}")
    totals = report["totals"]
    lines_hit, lines_all = totals["covered_lines"], totals["num_statements"]
    branches_hit, branches_all = totals.get("covered_branches", 0), totals.get("num_branches", 0)
    lines.append(f"{'total':<22} {lines_hit:>5}/{lines_all:<5} {_percent(lines_hit, lines_all)} "
                 f"{branches_hit:>5}/{branches_all:<5} {_percent(branches_hit, branches_all)}")
    return lines


if __name__ == "__main__":
    with open(sys.argv[1]) as handle:
        print("\n".join(summarize(json.load(handle))))
