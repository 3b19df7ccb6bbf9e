"""`GlueContext.forEachBatch`: Glue's entry point for streaming ETL, on Spark Structured Streaming.

As Glue documents and does it: `options` must hold `windowSize` (the trigger's processing time, e.g.
"100 seconds") and `checkpointLocation`; `batch_function(df, batch_id)` is called for each non-empty
micro-batch, with the batch persisted first (`persistDataFrame` "false" skips it, `storageLevel` picks
the level, MEMORY_AND_DISK by default) and retried up to `batchMaxRetries` times (0-100, default 3)
after 1, 2, then 5 seconds. The call starts the query and blocks until it ends: a streaming job
runs until it is stopped or times out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import DataFrame

_BACKOFF_SECONDS = (1, 2, 5)
_MAX_RETRIES = 100


def for_each_batch(frame: DataFrame, batch_function: Callable[[DataFrame, int], Any], options: dict) -> None:
    """Run `batch_function` over each micro-batch of the streaming `frame` until the query ends."""
    window, checkpoint = options.get("windowSize"), options.get("checkpointLocation")
    if window is None:
        raise Exception("Missing windowSize argument")
    if checkpoint is None:
        raise Exception("Missing checkpointLocation argument")
    retries = int(options.get("batchMaxRetries", 3))
    if not 0 <= retries <= _MAX_RETRIES:
        raise ValueError(f"batchMaxRetries must be between 0 and {_MAX_RETRIES}, not {retries}")
    persist = str(options.get("persistDataFrame", "true")).lower() != "false"
    level = getattr(StorageLevel, str(options.get("storageLevel", "MEMORY_AND_DISK")))

    def each(batch: DataFrame, batch_id: int) -> None:
        if batch.isEmpty():
            return
        if persist:
            batch.persist(level)
        try:
            for attempt in range(retries + 1):
                try:
                    batch_function(batch, batch_id)
                    return
                except Exception:
                    if attempt == retries:
                        raise
                    time.sleep(_BACKOFF_SECONDS[min(attempt, len(_BACKOFF_SECONDS) - 1)])
        finally:
            if persist:
                batch.unpersist()

    query = (frame.writeStream.foreachBatch(each).trigger(processingTime=window)
             .option("checkpointLocation", checkpoint).start())
    query.awaitTermination()
