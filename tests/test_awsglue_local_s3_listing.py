"""Listing the emulator's S3 through `s3://` while objects arrive (the cause of the streaming pickup bug,
issue #10 follow-up): each upload is a temporary file beside its key, renamed over the key when complete
(s3/layout.py). Spark lists `s3://` folders through Hadoop's ViewFileSystem; a listing that met such a file
and then looked for it after the rename failed as a whole (`ls: cannot access ...`), which ended a running
streaming query. A user's own session (emulator.runtime.use_local_s3) and job runs share the settings.
"""

from __future__ import annotations

import threading
from typing import Any

from support import wait_until

import emulator.runtime

emulator.runtime.install()

from awsglue import _local_s3

# Listings while uploads run: without the fix 26 of 60 failed (a loaded machine), so 20 cannot all pass by luck.
LISTINGS = 20
UPLOADERS = 3


def test_listing_a_folder_while_objects_are_uploaded_into_it_never_fails(spark: Any, glue_emulator: Any) -> None:
    s3 = glue_emulator.s3
    s3.create_bucket(Bucket="arrivals")
    for n in range(8):
        s3.put_object(Bucket="arrivals", Key=f"in/{n}.txt", Body=f"{n}\n".encode())
    hadoop = spark.sparkContext._jsc.hadoopConfiguration()
    stop = threading.Event()
    uploaded = [0] * UPLOADERS

    def upload(worker: int) -> None:
        client = glue_emulator.server.client("s3")
        while not stop.is_set():
            client.put_object(Bucket="arrivals", Key=f"in/new-{worker}-{uploaded[worker] % 4}.txt", Body=b"x\n")
            uploaded[worker] += 1

    uploaders = [threading.Thread(target=upload, args=(n,), daemon=True) for n in range(UPLOADERS)]
    failures: list[str] = []
    try:
        emulator.runtime.use_local_s3(spark, glue_emulator.server.data_dir)
        for thread in uploaders:
            thread.start()
        # Each thread's first request makes its client first: listings begun before would meet no upload.
        wait_until(lambda: sum(uploaded), "the uploads under way", until=lambda count: count >= UPLOADERS)
        for _ in range(LISTINGS):
            try:
                spark.read.text("s3://arrivals/in/")  # lists the folder (Spark's InMemoryFileIndex), reads nothing
            except Exception as exc:
                failures.append(str(exc)[:500])
    finally:
        stop.set()
        for thread in uploaders:
            thread.join(timeout=30)
        for key in [*_local_s3.hadoop_settings(glue_emulator.server.data_dir), _local_s3.mount_key("arrivals")]:
            hadoop.unset(key)
    assert sum(uploaded) >= LISTINGS // 2, uploaded  # the uploads did run alongside the listings
    assert failures == []
