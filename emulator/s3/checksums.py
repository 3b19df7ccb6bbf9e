"""S3's additional checksums (x-amz-checksum-*) and the MD5 behind ETags.

boto3 sends a CRC32 of every PutObject/UploadPart body by default (a header over http, an aws-chunked
trailer over https) and validates the checksum S3 answers on GetObject. The emulator computes CRC32,
SHA1 and SHA256 with the standard library, and CRC32C and CRC64NVME when `awscrt` is importable.
Decision: without awscrt a client's CRC32C/CRC64NVME value is kept and answered back unverified
(computing them in pure Python would cost minutes per gigabyte); S3's own default CRC64NVME for
uploads sent without any checksum is not computed for the same reason.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import zlib
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from .errors import BadDigest, InvalidArgument, InvalidDigest, InvalidRequest, XAmzContentSHA256Mismatch

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
FULL_OBJECT = "FULL_OBJECT"
COMPOSITE = "COMPOSITE"
_MD5_THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="s3-md5")
_HEX_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# x-amz-content-sha256 values that announce no digest of the body as sent: an unsigned payload, or an
# aws-chunked one (STREAMING-...) whose chunks carry their own signatures (not checked by the emulator).
_UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_STREAMING = "STREAMING-"
_DIGEST_SIZES = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}


class Hasher(Protocol):
    def update(self, data: bytes) -> None: ...

    def digest(self) -> bytes: ...


class _Crc:
    """An incremental CRC over a function `crc(data, previous) -> int`."""

    def __init__(self, function: Callable[[bytes, int], int], size: int):
        self._function = function
        self._size = size
        self._value = 0

    def update(self, data: bytes) -> None:
        self._value = self._function(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(self._size, "big")


_FACTORIES: dict[str, Callable[[], Hasher]] = {
    "CRC32": lambda: _Crc(zlib.crc32, 4),
    "SHA1": hashlib.sha1,
    "SHA256": hashlib.sha256,
}
try:  # optional: awscrt is what botocore itself uses for these two
    from awscrt import checksums as _crt

    _FACTORIES["CRC32C"] = lambda: _Crc(_crt.crc32c, 4)
    _FACTORIES["CRC64NVME"] = lambda: _Crc(_crt.crc64nvme, 8)
except ImportError:  # pragma: no cover - depends on the environment
    pass


def computable(algorithm: str) -> bool:
    return algorithm in _FACTORIES


def new_hasher(algorithm: str) -> Hasher:
    return _FACTORIES[algorithm]()


def member(algorithm: str) -> str:
    """The output member (and stored field) of an algorithm: CRC32 -> ChecksumCRC32."""
    return "Checksum" + algorithm


def header(algorithm: str) -> str:
    return "x-amz-checksum-" + algorithm.lower()


def b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


def parse_algorithm(value: str, argument: str = "x-amz-checksum-algorithm") -> str:
    algorithm = value.upper()
    if algorithm not in ALGORITHMS:
        raise InvalidRequest(f"Checksum algorithm provided is unsupported. Please try again with any of the valid types:"
                             f" [{', '.join(ALGORITHMS)}]", ArgumentName=argument, ArgumentValue=value)
    return algorithm


def check_value(algorithm: str, value: str) -> str:
    """A client's base64 checksum, refused when it is not a digest of the algorithm's size."""
    try:
        valid = len(base64.b64decode(value, validate=True)) == _DIGEST_SIZES[algorithm]
    except (binascii.Error, ValueError):
        valid = False
    if not valid:
        raise InvalidRequest(f"Value for {header(algorithm)} header is invalid.")
    return value


class Expected:
    """The checksum a request announces for its body: algorithm, and the value (None: compute it)."""

    def __init__(self, algorithm: str | None, value: str | None = None, in_trailer: bool = False):
        self.algorithm = algorithm
        self.value = value
        self.in_trailer = in_trailer

    @classmethod
    def of_request(cls, headers: Mapping[str, str]) -> Expected:
        """Read x-amz-checksum-<alg>, x-amz-trailer or x-amz-sdk-checksum-algorithm."""
        given = [a for a in ALGORITHMS if header(a) in headers]
        if len(given) > 1:
            raise InvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
        if given:
            return cls(given[0], check_value(given[0], headers[header(given[0])]))
        trailer = headers.get("x-amz-trailer", "").strip().lower()
        if trailer:
            if not trailer.startswith("x-amz-checksum-"):
                raise InvalidRequest(f"The value specified in the x-amz-trailer header is not supported: {trailer}")
            return cls(parse_algorithm(trailer.removeprefix("x-amz-checksum-"), "x-amz-trailer"), in_trailer=True)
        sdk = headers.get("x-amz-sdk-checksum-algorithm")
        return cls(parse_algorithm(sdk, "x-amz-sdk-checksum-algorithm") if sdk else None)

    def resolve(self, trailers: Mapping[str, str]) -> None:
        """Take the trailer's value once the body is read."""
        if self.in_trailer and self.algorithm:
            value = trailers.get(header(self.algorithm))
            if value is None:
                raise InvalidRequest(f"The trailer {header(self.algorithm)} announced in x-amz-trailer was not sent")
            self.value = check_value(self.algorithm, value)


def content_sha256(headers: Mapping[str, str]) -> str | None:
    """The body's SHA-256 a SigV4 request announces in x-amz-content-sha256 (lower-case hex), if any.

    None for no header, UNSIGNED-PAYLOAD and STREAMING-* (aws-chunked) payloads. Any other value that
    is not 64 hex digits is refused with InvalidArgument, as S3 refuses it.
    """
    value = headers.get("x-amz-content-sha256")
    if value is None or value == _UNSIGNED_PAYLOAD or value.startswith(_STREAMING):
        return None
    if not _HEX_SHA256.match(value.lower()):
        raise InvalidArgument(
            "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER,"
            " STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
            ArgumentName="x-amz-content-sha256",
            ArgumentValue=value,
        )
    return value.lower()


class BodyDigests:
    """MD5 (the ETag), the requested additional checksum and, when the request announces one, the
    SHA-256 of x-amz-content-sha256, fed as the body streams through."""

    def __init__(self, checksum: str | None, md5: bool = True, sha256: str | None = None):
        self.md5 = hashlib.md5() if md5 else None
        self.algorithm = checksum
        self.checksum = new_hasher(checksum) if checksum and computable(checksum) else None
        self.announced_sha256 = sha256
        # Reused when the additional checksum is SHA256 itself: the same digest, computed once.
        self.sha256 = None if sha256 is None else (self.checksum if checksum == "SHA256" else hashlib.sha256())
        self.size = 0

    def update(self, data: bytes) -> None:
        self.size += len(data)
        if self.md5 is not None:
            self.md5.update(data)
        if self.checksum is not None:
            self.checksum.update(data)
        if self.sha256 is not None and self.sha256 is not self.checksum:
            self.sha256.update(data)

    def consume(self, chunks: Iterable[bytes | memoryview], sink: Callable[[bytes | memoryview], object]) -> None:
        """Feed every chunk to the digests and to `sink` (a file's write).

        MD5, the slowest step of an upload, runs on a helper thread for one chunk while this thread
        computes the checksum, writes that chunk and reads the next (hashlib and file I/O release
        the GIL), so large uploads are not serialised behind it. A chunk is no longer used once the
        next-but-one is asked for (its buffer may be reused then).
        """
        pending: Future[None] | None = None
        for data in chunks:
            self.size += len(data)
            if self.md5 is not None:
                if pending is not None:
                    pending.result()
                pending = _MD5_THREADS.submit(self.md5.update, data)
            if self.checksum is not None:
                self.checksum.update(data)
            if self.sha256 is not None and self.sha256 is not self.checksum:
                self.sha256.update(data)
            sink(data)
        if pending is not None:
            pending.result()

    def etag(self) -> str:
        assert self.md5 is not None
        return f'"{self.md5.hexdigest()}"'

    def verify(self, content_md5: str | None, expected: Expected) -> dict[str, Any]:
        """Check x-amz-content-sha256, Content-MD5 and the announced checksum; the checksum fields to store."""
        if self.sha256 is not None:
            computed = self.sha256.digest().hex()
            if computed != self.announced_sha256:
                raise XAmzContentSHA256Mismatch(
                    ClientComputedContentSHA256=self.announced_sha256, S3ComputedContentSHA256=computed
                )
        if content_md5 is not None and self.md5 is not None and base64.b64encode(self.md5.digest()).decode() != content_md5:
            raise BadDigest(ExpectedDigest=content_md5, CalculatedDigest=b64(self.md5.digest()))
        if not self.algorithm:
            return {}
        value = b64(self.checksum.digest()) if self.checksum is not None else None
        if expected.value is not None:
            if value is not None and value != expected.value:
                raise BadDigest(f"The {self.algorithm} you specified did not match the calculated checksum.")
            value = expected.value
        if value is None:  # asked for an algorithm the emulator cannot compute, and sent no value
            return {}
        return {member(self.algorithm): value, "ChecksumType": FULL_OBJECT}


def check_content_md5(value: str | None) -> str | None:
    """A Content-MD5 header must be the base64 of 16 bytes."""
    if value is None:
        return None
    try:
        if len(base64.b64decode(value, validate=True)) == 16:
            return value
    except (binascii.Error, ValueError):
        pass
    raise InvalidDigest(**{"Content-MD5": value})


def composite(algorithm: str, part_values: list[str]) -> str | None:
    """S3's checksum of a multipart object: the checksum of the parts' checksums, suffixed `-N`."""
    if not computable(algorithm):
        return None
    hasher = new_hasher(algorithm)
    for value in part_values:
        hasher.update(base64.b64decode(value))
    return f"{b64(hasher.digest())}-{len(part_values)}"


def response_headers(doc: Mapping[str, Any]) -> dict[str, str]:
    """The x-amz-checksum-* headers of an object (GetObject/HeadObject with checksum mode ENABLED)."""
    for algorithm in ALGORITHMS:
        value = doc.get(member(algorithm))
        if value:
            return {header(algorithm): value, "x-amz-checksum-type": doc.get("ChecksumType", FULL_OBJECT)}
    return {}


def stored_algorithm(doc: Mapping[str, Any]) -> str | None:
    return next((a for a in ALGORITHMS if doc.get(member(a))), None)
