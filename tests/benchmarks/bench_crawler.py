"""Crawler planning speed: 10,000 small objects in 1,000 partitions, planned into one table.

Run by hand:  python tests/benchmarks/bench_crawler.py [--objects 10000] [--partitions 1000]
The data is generated under a temporary data directory (CSV and JSON halves in two datasets, Hive-style
`year=/month=/day=` partitions), then `plan_s3_target` plans each dataset; the target is <= 10 s in all.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from emulator.crawlers.planner import plan_s3_target

BUDGET_SECONDS = 10.0


def generate(data_dir: Path, dataset: str, objects: int, partitions: int, fmt: str) -> None:
    root = data_dir / "s3" / "bench" / dataset
    per_partition = max(objects // partitions, 1)
    for p in range(partitions):
        folder = root / f"year={2000 + p // 100}" / f"month={p // 10 % 10 + 1}" / f"day={p % 10 + 1}"
        folder.mkdir(parents=True)
        for i in range(per_partition):
            if fmt == "csv":
                body = "id,name,amount,ok\n" + "".join(f"{i * 10 + r},name {r},{r * 1.5},true\n" for r in range(5))
            else:
                body = "".join(f'{{"id": {i * 10 + r}, "name": "n{r}", "tags": ["a"], "pos": {{"x": {r}}}}}\n'
                               for r in range(5))
            (folder / f"part-{i:05d}.{fmt}").write_text(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--partitions", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        half_objects, half_partitions = args.objects // 2, args.partitions // 2
        generate(data_dir, "sales_csv", half_objects, half_partitions, "csv")
        generate(data_dir, "events_json", half_objects, half_partitions, "json")
        messages: list[str] = []
        started = time.perf_counter()
        plans = []
        for dataset in ("sales_csv", "events_json"):
            plans += plan_s3_target(data_dir, {"Path": f"s3://bench/{dataset}/"}, [], {}, "", messages.append)
        elapsed = time.perf_counter() - started
    objects = sum(int(p.table_input["Parameters"]["objectCount"]) for p in plans)
    partitions = sum(len(p.partitions) for p in plans)
    print(f"planned {objects} objects in {partitions} partitions into {len(plans)} tables in {elapsed:.2f} s"
          f" (budget {BUDGET_SECONDS:.0f} s); {len(messages)} log lines")
    ok = elapsed <= BUDGET_SECONDS and objects == args.objects and partitions == args.partitions and len(plans) == 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
