"""Blobs in an S3-compatible object store (Outscale OOS, MinIO, Garage, SeaweedFS, AWS).

An object is ``<prefix><ab>/<tag>`` in the bucket. A new one is streamed as a multipart upload
straight to that key, one part in memory at a time; an upload never completed stays invisible
(and the garbage collector aborts it). Content smaller than a part goes in one PUT. Reading
fetches byte ranges of about a megabyte, so a range of the plaintext costs one or two requests.

The client asks for checksums only when an operation requires one and addresses the bucket in
the path: boto3 >= 1.36 otherwise sends checksum headers and aws-chunked bodies that stores
other than AWS refuse.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from beffroi.files.blobs.errors import BlobError
from beffroi.files.blobs.sealed import SEAL_BYTES
from beffroi.files.blobs.store import BlobStore, Leftover, StoredObject

PART_BYTES = 8 * 1024 * 1024
# S3 allows 10,000 parts: parts grow so that a file of several hundred GB still fits.
PARTS_PER_SIZE_STEP = 1000
READ_CHUNKS = 16


@dataclass(frozen=True)
class S3Location:
    bucket: str
    endpoint_url: str | None = None
    region: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    prefix: str = "files/"


@functools.lru_cache(maxsize=8)
def s3_client(location: S3Location) -> Any:
    """One client per configuration (boto3 clients are thread-safe and slow to create)."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=location.endpoint_url,
        region_name=location.region,
        aws_access_key_id=location.access_key_id,
        aws_secret_access_key=location.secret_access_key,
        config=Config(
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            s3={"addressing_style": "path"},
            signature_version="s3v4",
            retries={"max_attempts": 5, "mode": "standard"},
        ),
    )


def _missing(error: ClientError) -> bool:
    code = str(error.response.get("Error", {}).get("Code", ""))
    return code in {"NoSuchKey", "404", "NotFound", "NoSuchUpload"}


class _MultipartSink:
    def __init__(self, client: Any, bucket: str, key: str) -> None:
        self._client = client
        self._bucket = bucket
        self._key = key
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []

    def _part_bytes(self) -> int:
        return PART_BYTES * (1 + len(self._parts) // PARTS_PER_SIZE_STEP)

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= self._part_bytes():
            size = self._part_bytes()
            self._send_part(bytes(self._buffer[:size]))
            del self._buffer[:size]

    def _send_part(self, body: bytes) -> None:
        if self._upload_id is None:
            started = self._client.create_multipart_upload(Bucket=self._bucket, Key=self._key)
            self._upload_id = str(started["UploadId"])
        number = len(self._parts) + 1
        sent = self._client.upload_part(
            Bucket=self._bucket,
            Key=self._key,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=body,
        )
        self._parts.append({"PartNumber": number, "ETag": sent["ETag"]})

    def finish(self) -> None:
        if self._upload_id is None:
            self._client.put_object(Bucket=self._bucket, Key=self._key, Body=bytes(self._buffer))
        else:
            if self._buffer:
                self._send_part(bytes(self._buffer))
            self._client.complete_multipart_upload(
                Bucket=self._bucket,
                Key=self._key,
                UploadId=self._upload_id,
                MultipartUpload={"Parts": self._parts},
            )
        self._buffer.clear()

    def abort(self) -> None:
        self._buffer.clear()
        if self._upload_id is not None:
            try:
                self._client.abort_multipart_upload(
                    Bucket=self._bucket, Key=self._key, UploadId=self._upload_id
                )
            except ClientError as error:
                if not _missing(error):
                    raise

    def remove(self) -> None:
        self._client.delete_object(Bucket=self._bucket, Key=self._key)


class _RangeSource:
    """Ranged GETs, one window of about a megabyte kept."""

    def __init__(self, client: Any, bucket: str, key: str, window: int) -> None:
        self._client = client
        self._bucket = bucket
        self._key = key
        self._window = window
        self._cached_at = 0
        self._cached = b""
        self.size = -1
        self._fetch(0, window)

    def _fetch(self, offset: int, length: int) -> None:
        try:
            answer = self._client.get_object(
                Bucket=self._bucket, Key=self._key, Range=f"bytes={offset}-{offset + length - 1}"
            )
        except ClientError as error:
            if _missing(error):
                raise BlobError(f"blob object {self._key} is missing") from None
            raise BlobError(f"blob object {self._key} cannot be read: {error}") from error
        with answer["Body"] as body:
            self._cached = body.read()
        self._cached_at = offset
        content_range = str(answer.get("ContentRange") or "")
        if "/" in content_range:
            self.size = int(content_range.rsplit("/", 1)[1])
        elif self.size < 0:
            self.size = len(self._cached)

    def read_at(self, offset: int, length: int) -> bytes:
        end = min(offset + length, self.size)
        if offset >= end:
            return b""
        if not (self._cached_at <= offset and end <= self._cached_at + len(self._cached)):
            self._fetch(offset, max(length, self._window))
        start = offset - self._cached_at
        return self._cached[start : start + (end - offset)]

    def close(self) -> None:
        self._cached = b""


class S3BlobStore(BlobStore):
    """Blobs in a bucket of an S3-compatible store (selected by ``BEFFROI_S3_BUCKET``)."""

    def __init__(self, location: S3Location, *, chunk_bytes: int) -> None:
        super().__init__(chunk_bytes=chunk_bytes)
        self.location = location
        self.client = s3_client(location)

    def _key(self, tag: bytes) -> str:
        name = tag.hex()
        return f"{self.location.prefix}{name[:2]}/{name}"

    def _sink(self, tag: bytes) -> _MultipartSink:
        return _MultipartSink(self.client, self.location.bucket, self._key(tag))

    def _source(self, tag: bytes) -> _RangeSource:
        window = READ_CHUNKS * (self.chunk_bytes + SEAL_BYTES)
        return _RangeSource(self.client, self.location.bucket, self._key(tag), window)

    def key_of(self, sha256: str) -> str:
        """The object key holding the blob ``sha256`` (ciphertext)."""
        return self._key(self.tag_of(sha256))

    def objects(self) -> Iterator[StoredObject]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.location.bucket, Prefix=self.location.prefix
        )
        for page in pages:
            for entry in page.get("Contents", []):
                name = str(entry["Key"])[len(self.location.prefix) :]
                folder, _, tag = name.partition("/")
                if len(folder) == 2 and len(tag) == 32 and tag.startswith(folder):
                    try:
                        yield StoredObject(bytes.fromhex(tag), entry["LastModified"])
                    except ValueError:
                        continue

    def delete_object(self, tag: bytes) -> None:
        self.client.delete_object(Bucket=self.location.bucket, Key=self._key(tag))

    def leftovers(self) -> Iterator[Leftover]:
        pages = self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.location.bucket, Prefix=self.location.prefix
        )
        for page in pages:
            for upload in page.get("Uploads", []):
                key, upload_id = str(upload["Key"]), str(upload["UploadId"])
                last = upload["Initiated"]
                parts = self.client.get_paginator("list_parts").paginate(
                    Bucket=self.location.bucket, Key=key, UploadId=upload_id
                )
                for part_page in parts:
                    for part in part_page.get("Parts", []):
                        last = max(last, part["LastModified"])
                yield Leftover(f"{key}?uploadId={upload_id}", last)

    def delete_leftover(self, leftover: Leftover) -> None:
        key, _, upload_id = leftover.name.partition("?uploadId=")
        try:
            self.client.abort_multipart_upload(
                Bucket=self.location.bucket, Key=key, UploadId=upload_id
            )
        except ClientError as error:
            if not _missing(error):
                raise
