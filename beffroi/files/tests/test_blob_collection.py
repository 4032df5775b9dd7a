"""Garbage collection of blobs, on the local disk and on S3 (SeaweedFS): what no version needs
goes, what a version or an upload in progress needs stays."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from django.utils import timezone

from beffroi.files import access, actions
from beffroi.files.blobs import blob_store
from beffroi.files.blobs.collect import collect_garbage
from beffroi.files.models import Blob

pytestmark = pytest.mark.usefixtures("blob_backend")

NOW = timedelta(0)


def _store(content: bytes):
    with blob_store().open_write() as writer:
        writer.write(content)
        return writer.commit()


@pytest.fixture
def root(agent_voirie):
    return access.access_root(agent_voirie, actions.do_open_personal_space(agent_voirie))


def _read(sha256: str) -> bytes:
    with blob_store().open_read(sha256) as reader:
        return reader.read()


def test_a_blob_no_version_references_is_collected(db):
    """Content stored but never saved as a version (a refused upload) goes, object and row."""
    stored = _store(b"Brouillon jamais enregistre")

    collected = collect_garbage(NOW)

    assert collected.blobs == 1
    assert not Blob.objects.filter(sha256=stored.sha256).exists()
    assert list(blob_store().objects()) == []


def test_a_referenced_blob_and_its_old_versions_stay(agent_voirie, root):
    """Every version of a saved file keeps its content."""
    actions.do_upload(agent_voirie, root, "budget.ods", [b"version 1"])
    node = actions.do_upload(agent_voirie, root, "budget.ods", [b"version 2"])

    collected = collect_garbage(NOW)

    assert collected.blobs == collected.orphans == 0
    assert {_read(v.blob_id) for v in node.versions.all()} == {b"version 1", b"version 2"}


def test_a_just_committed_blob_is_kept_during_the_grace_period(db):
    """Between the blob's commit and the transaction that creates its version, nothing
    references it: the grace period protects it."""
    stored = _store(b"Arrete en cours d'enregistrement")

    collected = collect_garbage()

    assert collected.blobs == 0
    assert _read(stored.sha256) == b"Arrete en cours d'enregistrement"


def test_an_old_unreferenced_blob_uploaded_again_is_claimed_afresh(agent_voirie, root):
    """Content whose last version went long ago, stored again: the new upload's claim renews
    it, so the collector leaves it to the version about to be created."""
    content = b"Modele de courrier"
    stored = _store(content)
    Blob.objects.filter(sha256=stored.sha256).update(created_at=timezone.now() - timedelta(days=3))

    again = _store(content)
    collected = collect_garbage()
    node = actions.do_save_file(agent_voirie, root, "courrier.odt", again)

    assert collected.blobs == 0
    assert node.current_version is not None
    assert _read(node.current_version.blob_id) == content


def test_an_object_without_a_row_is_collected_after_the_grace(db):
    """An object finished by an upload killed before it recorded the blob is an orphan: kept
    during the grace period, deleted after."""
    stored = _store(b"Orphelin")
    Blob.objects.filter(sha256=stored.sha256).delete()

    kept = collect_garbage()
    collected = collect_garbage(NOW)

    assert kept.orphans == 0
    assert collected.orphans == 1
    assert list(blob_store().objects()) == []


def test_an_unfinished_upload_is_left_alone_then_collected_once_abandoned(db):
    """The temporary file (or S3 multipart upload) of an upload whose process died stays while
    it could still be in progress, and goes once untouched for the grace period."""
    writer = blob_store().open_write()
    writer.write(secrets.token_bytes(9 * 1024 * 1024))  # more than one S3 part
    # The process dies here: no commit, no abort.

    kept = collect_garbage()
    collected = collect_garbage(NOW)

    assert kept.leftovers == 0
    assert collected.leftovers == 1
    assert list(blob_store().leftovers()) == []
