"""Thumbnails: made by the worker after an upload, served with caching, and refused cleanly
for decompression bombs and zip bombs dressed as images."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from PIL import Image

from beffroi.files import access, actions
from beffroi.files.models import Node, Thumbnail
from beffroi.files.tasks import make_thumbnail
from beffroi.files.thumbnails import BOX


@pytest.fixture
def root(agent_voirie) -> Node:
    return access.access_root(agent_voirie, actions.do_open_personal_space(agent_voirie))


def _photo(width: int = 1200, height: int = 800) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(output, format="JPEG")
    return output.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _decompression_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid PNG header announcing ten billion pixels, with a few bytes of data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + _chunk(b"IEND", b"")
    )


def _zip_bomb() -> bytes:
    """200 MB of zeros in a 200 kB archive."""
    output = io.BytesIO()
    block = b"\0" * (1024 * 1024)
    with (
        zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("zeros.bin", "w") as entry,
    ):
        for _ in range(200):
            entry.write(block)
    return output.getvalue()


def _run_worker() -> None:
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="essai",
        excluded_queue_names=[],
    ).run()


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_photo_gets_a_thumbnail_from_the_worker(client, agent_voirie, root):
    """The upload queues the thumbnail once committed; the worker makes it; the grid shows it
    and the browser may keep it, since its address changes with the content."""
    client.force_login(agent_voirie)
    client.post(
        f"/drive/dossiers/{root.pk}/envoyer/",
        {"fichiers": SimpleUploadedFile("mairie.jpg", _photo(), "image/jpeg")},
    )
    photo = Node.objects.get(parent=root)
    assert Thumbnail.objects.get().status == Thumbnail.Status.PENDING

    _run_worker()

    assert DBTaskResult.objects.get(task_path=make_thumbnail.module_path).status == (
        TaskResultStatus.SUCCESSFUL
    )
    response = client.get(f"/drive/fichiers/{photo.pk}/vignette/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert "immutable" in response["Cache-Control"]
    thumbnail = Image.open(io.BytesIO(response.content))
    assert max(thumbnail.size) <= max(BOX)
    assert thumbnail.size == (320, 213)
    grid = client.get(f"/drive/dossiers/{root.pk}/?vue=grille").content.decode()
    assert f"/drive/fichiers/{photo.pk}/vignette/?v=" in grid


def test_a_decompression_bomb_is_refused_without_decoding_it(agent_voirie, root):
    """A PNG announcing 100,000 × 100,000 pixels gets no thumbnail, a reason, and no crash."""
    bomb = actions.do_upload(agent_voirie, root, "bombe.png", [_decompression_bomb()])
    assert bomb.current_version is not None

    assert make_thumbnail.call(bomb.current_version.blob_id) == "refused"

    made = Thumbnail.objects.get(blob_id=bomb.current_version.blob_id)
    assert made.status == Thumbnail.Status.REFUSED
    assert made.reason == "Image trop grande : vignette refusée."
    assert made.data == b""


def test_a_zip_bomb_named_like_an_image_is_refused(agent_voirie, root):
    """An archive renamed .png is not opened as an image, let alone inflated."""
    bomb = actions.do_upload(agent_voirie, root, "vacances.png", [_zip_bomb()])
    assert bomb.current_version is not None

    assert make_thumbnail.call(bomb.current_version.blob_id) == "refused"

    made = Thumbnail.objects.get(blob_id=bomb.current_version.blob_id)
    assert made.reason == "Ce fichier n'est pas une image lisible."


def test_a_refused_thumbnail_leaves_the_file_page_working(client, agent_voirie, root):
    """The file page of a bomb still shows, with its download; its thumbnail answers 404."""
    bomb = actions.do_upload(agent_voirie, root, "bombe.png", [_decompression_bomb()])
    assert bomb.current_version is not None
    make_thumbnail.call(bomb.current_version.blob_id)
    client.force_login(agent_voirie)

    assert client.get(f"/drive/fichiers/{bomb.pk}/").status_code == 200
    assert client.get(f"/drive/fichiers/{bomb.pk}/vignette/").status_code == 404
