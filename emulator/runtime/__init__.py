"""The emulator's own `awsglue` library: Glue's Python ETL API on plain PySpark.

This folder (not the `emulator` package) is what a job run gets on its sys.path, so `import awsglue`
works in scripts. The library never imports `emulator.*`. To unit-test your own Glue scripts without
a server, one line makes it importable:

    import emulator.runtime; emulator.runtime.install()      # or: sys.path.insert(0, emulator.runtime.PATH)

and one call gives your own SparkSession the `s3://` (s3a, s3n) paths of job runs:

    emulator.runtime.use_local_s3(spark, data_dir)            # data_dir: the emulator's --data-dir
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

PATH = os.path.dirname(os.path.abspath(__file__))


def install() -> str:
    """Put the runtime folder first on sys.path (once) so `import awsglue` finds this library."""
    if PATH not in sys.path:
        sys.path.insert(0, PATH)
    return PATH


def use_local_s3(spark: Any, data_dir: str | os.PathLike[str]) -> list[str]:
    """Make `s3://bucket/key` (and s3a://, s3n://) in `spark` (a SparkSession, or a SparkContext) read
    and write the emulator's buckets under `<data_dir>/s3`, as in job runs; the buckets mounted.

    Also installs the awsglue library (see install()), and sets the session's Spark SQL settings these
    file systems need (_local_s3.SQL_SETTINGS; sessions made later get them too). Buckets created later
    are mounted when awsglue's readers and writers first touch them; plain `spark.read` needs this call again.
    """
    install()
    from awsglue import _local_s3

    context = getattr(spark, "sparkContext", spark)
    for key, value in _local_s3.SQL_SETTINGS.items():
        context._jsc.sc().conf().set(key, value)  # the default of sessions made from now on
        if context is not spark:
            spark.conf.set(key, value)
    conf = context._jsc.hadoopConfiguration()
    root = Path(data_dir) / "s3"
    for key, value in _local_s3.hadoop_settings(root).items():
        conf.set(key, value)
    return _local_s3.mount_all(conf, root.resolve())
