"""Table storage as Athena reads and writes it: s3:// locations on the local S3, file formats from SerDes.

A table's format comes from its SerDe library (Parquet, ORC, Avro, the JSON SerDes, OpenCSVSerde, and
LazySimpleSerDe's delimited text with its `field.delim`, `escape.delim` and `serialization.null.format`), as
Athena picks its reader. Athena reads every file under a table's (or partition's) location, in sub-folders
too, except names starting with `_` or `.` (Athena user guide, "Table location in Amazon S3").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..context import RequestContext
from ..s3.layout import RESERVED, segment_problem, valid_bucket_name
from ..s3.storage import storage
from .common import invalid_request

SERDES = {
    "parquet": ("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"),
    "orc": ("org.apache.hadoop.hive.ql.io.orc.OrcSerde", "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
            "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat"),
    "avro": ("org.apache.hadoop.hive.serde2.avro.AvroSerDe",
             "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
             "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat"),
    "json": ("org.openx.data.jsonserde.JsonSerDe", "org.apache.hadoop.mapred.TextInputFormat",
             "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"),
    "text": ("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", "org.apache.hadoop.mapred.TextInputFormat",
             "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"),
}


@dataclass(frozen=True)
class Format:
    """How a table's files are read: kind (parquet, orc, avro, json, csv or text) and the text options."""

    kind: str
    delimiter: str = ","
    quote: str = ""
    escape: str = ""
    null: str = "\\N"
    skip_header: int = 0
    ignore_malformed: bool = False  # the JSON SerDes' `ignore.malformed.json`: a bad line reads as a NULL row


def table_format(doc: dict[str, Any]) -> Format:
    """The format of a Glue table (or partition) document from its SerDe, formats and parameters."""
    sd = doc.get("StorageDescriptor") or {}
    serde = sd.get("SerdeInfo") or {}
    lib = (serde.get("SerializationLibrary") or "").lower()
    described = " ".join([lib, (sd.get("InputFormat") or "").lower(),
                          str((doc.get("Parameters") or {}).get("classification", "")).lower()])
    skip = int((doc.get("Parameters") or {}).get("skip.header.line.count", "0") or 0)
    params = serde.get("Parameters") or {}
    for kind in ("parquet", "orc", "avro", "json"):
        if kind in described:
            return Format(kind, ignore_malformed=str(params.get("ignore.malformed.json", "")).lower() == "true")
    if "opencsvserde" in lib:
        return Format("csv", params.get("separatorChar", ","), params.get("quoteChar", '"'),
                      params.get("escapeChar", "\\"), "", skip)
    delimiter = params.get("field.delim", params.get("separatorChar", "," if "csv" in described else "\x01"))
    return Format("text", delimiter, "", params.get("escape.delim", ""),
                  params.get("serialization.null.format", "\\N"), skip)


def local_dir(ctx: RequestContext, location: str) -> Path:
    """The folder under the data dir's S3 of an s3:// location; InvalidRequestException for another scheme."""
    bucket, _, key = location.removeprefix("s3://").removeprefix("s3a://").partition("/")
    if "://" in location and not location.startswith(("s3://", "s3a://")) or not valid_bucket_name(bucket):
        raise invalid_request(f"Invalid S3 location: {location}")
    segments = [s for s in key.split("/") if s]
    if any(segment_problem(s) for s in segments):
        raise invalid_request(f"Invalid S3 location: {location}")
    return storage(ctx).layout.bucket_dir(bucket).joinpath(*segments)


def bucket_exists(ctx: RequestContext, location: str) -> bool:
    bucket = location.removeprefix("s3://").partition("/")[0]
    return storage(ctx).bucket(bucket) is not None


def data_files(folder: Path) -> list[str]:
    """The files Athena would read under a folder, in name order (hidden `_`/`.` names skipped)."""
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(("_", ".")))
        found += [os.path.join(root, f) for f in sorted(files)
                  if not f.startswith(("_", ".", RESERVED)) and os.path.getsize(os.path.join(root, f)) > 0]
    return found


def write_bytes(ctx: RequestContext, location: str, data: bytes) -> None:
    """Write one object at an s3:// URI (the file on disk; S3 describes it on first read)."""
    path = local_dir(ctx, location)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{RESERVED}-tmp-{path.name}")
    temp.write_bytes(data)
    os.replace(temp, path)
