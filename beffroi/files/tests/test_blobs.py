"""The blob store: encrypted at rest, content-addressed, ranged, never half-written."""

from __future__ import annotations

import hashlib
import os
import secrets

import pytest

from beffroi.files.blobs import BlobError, blob_store

CONTENT = b"Compte rendu du conseil municipal du 12 mars. " * 5000  # ~230 kB, several chunks


def _store(content: bytes):
    store = blob_store()
    with store.open_write() as writer:
        for start in range(0, len(content), 10_000):
            writer.write(content[start : start + 10_000])
        stored = writer.commit()
    return store, stored


def test_a_blob_is_addressed_by_its_sha256_and_reads_back_whole():
    """The address is the SHA-256 of the content, and reading gives the content back."""
    store, stored = _store(CONTENT)

    assert stored.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert stored.size == len(CONTENT)
    with store.open_read(stored.sha256) as reader:
        assert reader.read() == CONTENT


def test_the_bytes_on_disk_are_not_the_plaintext(settings):
    """What lies on the disk is ciphertext: no run of the document is found in it."""
    store, stored = _store(CONTENT)

    on_disk = store.path_of(stored.sha256).read_bytes()
    assert b"conseil municipal" not in on_disk
    assert CONTENT[:64] not in on_disk
    assert len(on_disk) > len(CONTENT)
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


def test_an_aborted_write_leaves_nothing_visible():
    """A writer abandoned half-way (a cut connection, an error) leaves no blob and no temp file."""
    store = blob_store()

    def upload_cut_half_way() -> None:
        with store.open_write() as writer:
            writer.write(CONTENT[:100_000])
            raise RuntimeError("connexion coupée")

    with pytest.raises(RuntimeError):
        upload_cut_half_way()

    sha256 = hashlib.sha256(CONTENT[:100_000]).hexdigest()
    assert not store.exists(sha256)
    assert list((store.root / "tmp").iterdir()) == []


def test_the_same_content_stored_twice_is_kept_once():
    """Saving identical content again reuses the blob and its wrapped key."""
    store, first = _store(CONTENT)
    _, second = _store(CONTENT)

    assert second == first
    assert len(list(store.path_of(first.sha256).parent.iterdir())) == 1


def test_a_tampered_blob_is_refused_rather_than_read():
    """Flipping one byte on disk makes reading fail instead of returning altered content."""
    store, stored = _store(CONTENT)
    path = store.path_of(stored.sha256)
    damaged = bytearray(path.read_bytes())
    damaged[-100] ^= 0x01
    path.write_bytes(bytes(damaged))

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
