"""The resumable upload: chunks in order, a cut and a resume from the server's offset, the
finish through the actions, and uploads left behind forgotten by the cleanup task."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import timedelta

import pytest
from django.utils import timezone

from beffroi.files import access, actions
from beffroi.files.blobs import blob_store
from beffroi.files.models import Node, UploadChunk, UploadSession
from beffroi.files.tasks import clean_abandoned_uploads

CHUNK = 64 * 1024


@pytest.fixture
def root(agent_voirie) -> Node:
    return access.access_root(agent_voirie, actions.do_open_personal_space(agent_voirie))


def _start(client, parent: Node, path: str, size: int):
    return client.post(
        "/drive/envois/",
        json.dumps({"parent": str(parent.pk), "path": path, "size": size}),
        content_type="application/json",
    )


def _put(client, url: str, offset: int, data: bytes):
    return client.put(
        url, data, content_type="application/octet-stream", headers={"Upload-Offset": str(offset)}
    )


def _content(node: Node) -> bytes:
    node.refresh_from_db()
    assert node.current_version is not None
    with blob_store().open_read(node.current_version.blob_id) as reader:
        return reader.read()


def test_an_interrupted_upload_resumes_from_the_servers_offset(client, agent_voirie, root):
    """A cut after two chunks: the browser asks the offset, sends the rest, and the saved
    file is byte-identical to the original."""
    original = os.urandom(5 * CHUNK + 123)
    client.force_login(agent_voirie)
    started = _start(client, root, "relevés/mesures.bin", len(original))
    assert started.status_code == 201
    url = started.json()["url"]

    for offset in (0, CHUNK):
        assert _put(client, url, offset, original[offset : offset + CHUNK]).status_code == 200
    # The network drops here; a fresh client (a new page, another node) asks where it stands.
    client.logout()
    client.force_login(agent_voirie)
    offset = client.get(url).json()["offset"]
    assert offset == 2 * CHUNK
    while offset < len(original):
        response = _put(client, url, offset, original[offset : offset + CHUNK])
        offset = response.json()["offset"]
    finished = client.post(url + "terminer/")

    assert finished.status_code == 201
    node = Node.objects.get(pk=finished.json()["id"])
    assert node.name == "mesures.bin"
    assert node.parent.name == "relevés"
    assert hashlib.sha256(_content(node)).digest() == hashlib.sha256(original).digest()
    assert not UploadSession.objects.exists()
    assert not UploadChunk.objects.exists()


def test_a_chunk_sent_twice_is_refused_with_the_offset_to_go_on_from(client, agent_voirie, root):
    """The reply to a lost chunk may itself be lost: sending it again answers 409 with the
    server's offset, and nothing is stored twice."""
    data = b"x" * (2 * CHUNK)
    client.force_login(agent_voirie)
    url = _start(client, root, "double.bin", len(data)).json()["url"]
    _put(client, url, 0, data[:CHUNK])

    again = _put(client, url, 0, data[:CHUNK])

    assert again.status_code == 409
    assert again.json()["offset"] == CHUNK
    assert "octets reçus" in again.json()["message"]
    assert UploadChunk.objects.count() == 1


def test_the_chunks_are_stored_sealed(client, agent_voirie, root):
    """What waits in the database is encrypted, never the file's plain bytes."""
    data = b"Compte rendu confidentiel du conseil municipal. " * 100
    client.force_login(agent_voirie)
    url = _start(client, root, "cr.txt", len(data)).json()["url"]
    _put(client, url, 0, data)

    sealed = bytes(UploadChunk.objects.get().sealed)

    assert b"confidentiel" not in sealed
    assert len(sealed) == len(data) + 12 + 16


def test_finishing_before_every_byte_arrived_is_refused(client, agent_voirie, root):
    """An incomplete upload cannot become a file; the message says how far it got."""
    client.force_login(agent_voirie)
    url = _start(client, root, "incomplet.bin", 10).json()["url"]
    _put(client, url, 0, b"12345")

    response = client.post(url + "terminer/")

    assert response.status_code == 422
    assert "5 octets reçus sur 10" in response.json()["message"]
    assert not Node.objects.filter(name="incomplet.bin").exists()


def test_a_chunk_beyond_the_announced_size_is_refused(client, agent_voirie, root):
    client.force_login(agent_voirie)
    url = _start(client, root, "court.bin", 4).json()["url"]

    response = _put(client, url, 0, b"123456")

    assert response.status_code == 422
    assert UploadSession.objects.get().received == 0


def test_a_bad_name_is_refused_at_the_start(client, agent_voirie, root):
    """A name Windows reserves is refused before any byte is sent."""
    client.force_login(agent_voirie)

    response = _start(client, root, "aux.txt", 3)

    assert response.status_code == 422
    assert "réservé par Windows" in response.json()["message"]
    assert not UploadSession.objects.exists()


def test_an_upload_over_the_quota_is_refused_at_the_start(client, settings, agent_voirie, root):
    """The announced size is checked against the room left before anything is sent."""
    settings.FILES_AGENT_QUOTA_BYTES = 1024 * 1024
    client.force_login(agent_voirie)

    response = _start(client, root, "trop-gros.iso", 2 * 1024 * 1024)

    assert response.status_code == 507
    assert "plein" in response.json()["message"]


def test_another_agent_cannot_see_or_feed_an_upload(client, agent_voirie, agent_finances, root):
    """An upload belongs to the agent who started it: for anyone else it does not exist."""
    client.force_login(agent_voirie)
    url = _start(client, root, "mien.bin", 3).json()["url"]
    client.force_login(agent_finances)

    assert client.get(url).status_code == 404
    assert _put(client, url, 0, b"abc").status_code == 404
    assert client.post(url + "terminer/").status_code == 404
    assert UploadSession.objects.get().received == 0


def test_an_upload_into_someone_elses_folder_is_refused(client, agent_voirie, agent_finances):
    """Starting an upload into another agent's drive answers 404, like a missing folder."""
    theirs = access.access_root(agent_finances, actions.do_open_personal_space(agent_finances))
    client.force_login(agent_voirie)

    response = _start(client, theirs, "intrus.txt", 3)

    assert response.status_code == 404
    assert not UploadSession.objects.exists()


def test_the_cleanup_task_forgets_abandoned_uploads_only(client, agent_voirie, root):
    """An upload untouched for a day is forgotten with its chunks; a live one stays."""
    client.force_login(agent_voirie)
    old_url = _start(client, root, "abandonné.bin", 10).json()["url"]
    _put(client, old_url, 0, b"12345")
    live_url = _start(client, root, "en-cours.bin", 10).json()["url"]
    _put(client, live_url, 0, b"12345")
    abandoned = UploadSession.objects.get(path="abandonné.bin")
    UploadSession.objects.filter(pk=abandoned.pk).update(
        updated_at=timezone.now() - timedelta(hours=25)
    )

    assert clean_abandoned_uploads.call() == 1

    assert list(UploadSession.objects.values_list("path", flat=True)) == ["en-cours.bin"]
    assert UploadChunk.objects.count() == 1
    assert client.get(old_url).status_code == 404


def test_an_abandoned_upload_can_be_cancelled_by_its_agent(client, agent_voirie, root):
    client.force_login(agent_voirie)
    url = _start(client, root, "annulé.bin", 10).json()["url"]
    _put(client, url, 0, b"12345")

    assert client.delete(url).status_code == 204

    assert not UploadSession.objects.exists()
    assert not UploadChunk.objects.exists()
