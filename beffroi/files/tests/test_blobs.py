"""The blob store, on the local disk and on S3 (SeaweedFS): encrypted at rest,
content-addressed, ranged, never half-written."""

from __future__ import annotations

import hashlib
import os
import secrets

import pytest

from beffroi.files.blobs import BlobError, LocalBlobStore, S3BlobStore, blob_store
from beffroi.files.models import Blob

CONTENT = b"Compte rendu du conseil municipal du 12 mars. " * 5000  # ~230 kB, several chunks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("blob_backend")]


def _store(content: bytes):
    store = blob_store()
    with store.open_write() as writer:
        for start in range(0, len(content), 10_000):
            writer.write(content[start : start + 10_000])
        stored = writer.commit()
    return store, stored


def _raw(store, sha256: str) -> bytes:
    """The bytes the backend holds for a blob."""
    if isinstance(store, LocalBlobStore):
        return store.path_of(sha256).read_bytes()
    assert isinstance(store, S3BlobStore)
    answer = store.client.get_object(Bucket=store.location.bucket, Key=store.key_of(sha256))
    return answer["Body"].read()


def _overwrite(store, sha256: str, data: bytes) -> None:
    if isinstance(store, LocalBlobStore):
        store.path_of(sha256).write_bytes(data)
    else:
        store.client.put_object(Bucket=store.location.bucket, Key=store.key_of(sha256), Body=data)


def test_a_blob_is_addressed_by_its_sha256_and_reads_back_whole():
    """The address is the SHA-256 of the content, and reading gives the content back."""
    store, stored = _store(CONTENT)

    assert stored.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert stored.size == len(CONTENT)
    with store.open_read(stored.sha256) as reader:
        assert reader.size == len(CONTENT)
        assert reader.read() == CONTENT
    assert Blob.objects.get(sha256=stored.sha256).size == len(CONTENT)


def test_the_stored_bytes_are_not_the_plaintext(settings):
    """What lies in the store is ciphertext: no run of the document is found in it."""
    store, stored = _store(CONTENT)

    held = _raw(store, stored.sha256)
    assert b"conseil municipal" not in held
    assert CONTENT[:64] not in held
    assert len(held) > len(CONTENT)
    key_file = settings.FILES_MASTER_KEY_FILE
    assert os.stat(key_file).st_mode & 0o777 == 0o600


def test_a_range_reads_only_the_bytes_asked_even_across_chunks():
    """Ranges inside a chunk, across a chunk boundary, at the end and past the end."""
    store, stored = _store(CONTENT)
    chunk = store.chunk_bytes

    assert store.read_range(stored.sha256, 10, 30) == CONTENT[10:30]
    assert store.read_range(stored.sha256, chunk - 5, chunk + 5) == CONTENT[chunk - 5 : chunk + 5]
    assert store.read_range(stored.sha256, len(CONTENT) - 3, len(CONTENT)) == CONTENT[-3:]
    assert store.read_range(stored.sha256, len(CONTENT), len(CONTENT) + 100) == b""


def test_a_large_blob_is_streamed_in_parts_and_read_back_by_range():
    """20 MiB written a megabyte at a time (several multipart parts on S3) read back whole
    and by ranges far into the blob."""
    megabyte = secrets.token_bytes(1024 * 1024)
    content = b"".join(bytes([n]) + megabyte[1:] for n in range(20))
    store, stored = _store(content)

    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    with store.open_read(stored.sha256) as reader:
        reader.seek(15 * 1024 * 1024 - 7)
        assert reader.read(20) == content[15 * 1024 * 1024 - 7 : 15 * 1024 * 1024 + 13]
        reader.seek(0)
        assert hashlib.sha256(reader.read()).hexdigest() == stored.sha256


def test_an_aborted_write_leaves_nothing_visible():
    """A writer abandoned half-way (a cut connection, an error) leaves no blob, no object and
    no temporary file or unfinished multipart upload."""
    store = blob_store()
    partial = secrets.token_bytes(9 * 1024 * 1024)  # more than one S3 part

    def upload_cut_half_way() -> None:
        with store.open_write() as writer:
            writer.write(partial)
            raise RuntimeError("connexion coupée")

    with pytest.raises(RuntimeError):
        upload_cut_half_way()

    assert not store.exists(hashlib.sha256(partial).hexdigest())
    assert list(store.objects()) == []
    assert list(store.leftovers()) == []


def test_the_same_content_stored_twice_is_kept_once():
    """Saving identical content again reuses the blob and its key record."""
    store, first = _store(CONTENT)
    _, second = _store(CONTENT)

    assert second == first
    assert len(list(store.objects())) == 1


def test_two_uploads_of_the_same_content_at_once_keep_one_object():
    """Two writers finishing the same content: both get the same blob, one object remains,
    and it reads back."""
    store = blob_store()
    with store.open_write() as first, store.open_write() as second:
        first.write(CONTENT)
        second.write(CONTENT)
        one = first.commit()
        two = second.commit()

    assert one == two
    assert len(list(store.objects())) == 1
    with store.open_read(one.sha256) as reader:
        assert reader.read() == CONTENT


def test_a_tampered_blob_is_refused_rather_than_read():
    """Flipping one byte in the store makes reading fail instead of returning altered content."""
    store, stored = _store(CONTENT)
    damaged = bytearray(_raw(store, stored.sha256))
    damaged[-100] ^= 0x01
    _overwrite(store, stored.sha256, bytes(damaged))

    with pytest.raises(BlobError), store.open_read(stored.sha256) as reader:
        reader.read()


def test_another_master_key_cannot_read_the_blobs(settings, tmp_path):
    """Without the right master key the data keys do not unwrap."""
    _, stored = _store(CONTENT)
    other = tmp_path / "other.key"
    other.write_text(secrets.token_bytes(32).hex())
    settings.FILES_MASTER_KEY_FILE = other

    with pytest.raises(BlobError):
        blob_store().open_read(stored.sha256)


def test_an_empty_file_is_a_blob_too():
    """Zero bytes store and read back as zero bytes."""
    store, stored = _store(b"")

    assert stored.size == 0
    with store.open_read(stored.sha256) as reader:
        assert reader.read() == b""
