"""Time as the emulator sees it: epoch seconds, as awsJson carries timestamps."""

from __future__ import annotations

import time


def now() -> float:
    """The current time in epoch seconds, rounded to milliseconds as AWS reports it."""
    return round(time.time(), 3)
