"""The emulator's own `awsglue` library: Glue's Python ETL API on plain PySpark.

This folder (not the `emulator` package) is what a job run gets on its sys.path, so `import awsglue`
works in scripts. The library never imports `emulator.*`. To unit-test your own Glue scripts without
a server, one line makes it importable:

    import emulator.runtime; emulator.runtime.install()      # or: sys.path.insert(0, emulator.runtime.PATH)
"""

from __future__ import annotations

import os
import sys

PATH = os.path.dirname(os.path.abspath(__file__))


def install() -> str:
    """Put the runtime folder first on sys.path (once) so `import awsglue` finds this library."""
    if PATH not in sys.path:
        sys.path.insert(0, PATH)
    return PATH
