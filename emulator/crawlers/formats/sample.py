"""The part of a file that inference reads: its head, decompressed, as text — never the whole file.

Glue's classifiers read "the first 1,000 records or the first megabyte of each file" (JSON up to 10 MB in
1 MB steps until a record is complete), so a 1 GB single-line file costs at most that much.
"""

from __future__ import annotations

import bz2
import gzip
import os
import zlib
from dataclasses import dataclass
from typing import BinaryIO, Union

MB = 1 << 20
SAMPLE_BYTES = MB
MAX_RECORDS = 1000

GZIP_MAGIC = b"\x1f\x8b"
BZIP2_MAGIC = b"BZh"
PathArg = Union[str, "os.PathLike[str]"]


class NotText(Exception):
    """The sample is binary (NUL bytes, not UTF-8): no text classifier can read it."""


def compression_of(head: bytes) -> str:
    """Compression by magic bytes, named as the catalog's `compressionType` names it."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(BZIP2_MAGIC) and len(head) > 3 and head[3:4].isdigit():
        return "bzip2"
    return "none"


@dataclass
class TextSample:
    """Decoded head of a file. `complete`: the sample is the whole (decompressed) file."""

    text: str
    complete: bool
    consumed: int  # bytes of the stored (maybe compressed) file the sample took
    size: int  # size of the stored file
    compression: str

    def estimate(self, records: int, record_bytes: int, whole: bool) -> int:
        """The file's record count: exact when `whole` (every record of the file was read), else the
        file's (decompressed) size over the sampled records' average size."""
        if whole or records == 0 or record_bytes <= 0:
            return records
        total = self.size
        if self.compression != "none" and self.consumed > 0:
            total = round(len(self.text) * self.size / self.consumed)
        return max(records, round(records * total / record_bytes))

    def whole_lines(self) -> str:
        """The text up to its last newline when the sample was cut: a cut last line is no record."""
        if self.complete:
            return self.text
        cut = self.text.rfind("\n")
        return self.text[: cut + 1] if cut >= 0 else ""


def _open(path: PathArg, compression: str) -> tuple[BinaryIO, BinaryIO]:
    raw = open(path, "rb")  # noqa: SIM115 -- returned open; the caller closes it
    if compression == "gzip":
        return raw, gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    if compression == "bzip2":
        return raw, bz2.BZ2File(raw)  # type: ignore[return-value]
    return raw, raw


def read_sample(path: PathArg, size: int, compression: str, limit: int = SAMPLE_BYTES) -> TextSample:
    """Read at most `limit` decompressed bytes from the file's start and decode them as UTF-8.

    A truncated or corrupt compressed stream yields what decompressed before the damage. Raises NotText
    for binary content and OSError when the file cannot be read at all.
    """
    raw, stream = _open(path, compression)
    with raw:
        data = b""
        try:
            data = stream.read(limit + 1)
        except (EOFError, OSError, zlib.error):
            if compression == "none":
                raise
            data = _salvage(path, compression, limit + 1)
        consumed = raw.tell() if compression != "none" else min(len(data), limit)
    return text_sample(data, limit, size, compression, consumed)


def text_sample(data: bytes, limit: int, size: int, compression: str, consumed: int) -> TextSample:
    """The sample of `data`, the first `limit` + 1 (decompressed) bytes read from a file of `size` bytes.

    Raises NotText for binary content.
    """
    complete = len(data) <= limit
    data = data[:limit]
    if b"\x00" in data:
        raise NotText("binary content (NUL bytes)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sample's end is fine; anything earlier is not text.
        if complete or exc.start < len(data) - 3:
            raise NotText("not UTF-8 text") from exc
        text = data[: exc.start].decode("utf-8")
    return TextSample(text, complete, min(consumed, size) if size else consumed, size, compression)


def _salvage(path: PathArg, compression: str, limit: int) -> bytes:
    """Decompress chunk by chunk up to the damage, keeping what came out before it."""
    out = bytearray()
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS) if compression == "gzip" else bz2.BZ2Decompressor()
    with open(path, "rb") as raw:
        while len(out) < limit:
            chunk = raw.read(64 * 1024)
            if not chunk:
                break
            try:
                out += decompressor.decompress(chunk)
            except (OSError, EOFError, zlib.error):
                break
    return bytes(out[:limit])


def scalar_type(value: str) -> str:
    """Type of one text value as Glue's CSV classifier types it: bigint, double, boolean or string.

    Empty values are NULL (no evidence). Integers beyond 64 bits stay strings rather than lose digits
    as doubles (decided; Glue documents nothing). Dates and timestamps stay strings, as Glue does.
    """
    if not value:
        return "null"
    first = value[0]
    if first.isdigit() or first in "+-.":
        body = value[1:] if first in "+-" else value
        if body.isdigit() and body.isascii():
            return "bigint" if -(1 << 63) <= int(value) < (1 << 63) else "string"
        if _is_double(value):
            return "double"
        return "string"
    if len(value) in (4, 5) and value.lower() in ("true", "false"):
        return "boolean"
    return "string"


def _is_double(value: str) -> bool:
    if not value.isascii() or "_" in value or value.lower().lstrip("+-").startswith(("inf", "nan")):
        return False
    try:
        float(value)
    except ValueError:
        return False
    return True
