"""A folder downloaded as a zip: every living file with its path, written while it is sent."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from django.db import connections

from beffroi.files import access, actions
from beffroi.files.models import Node
from beffroi.files.web.streaming import BLOCK_BYTES


@pytest.fixture
def chantiers(agent_voirie) -> Node:
    root = access.access_root(agent_voirie, actions.do_open_personal_space(agent_voirie))
    folder = actions.do_create_folder(agent_voirie, root, "Chantiers 2027")
    plans = actions.do_create_folder(agent_voirie, folder, "Plans")
    actions.do_upload(agent_voirie, folder, "planning.txt", [b"lundi : rue Jaur\xc3\xa8s\n" * 50])
    actions.do_upload(agent_voirie, plans, "photo.jpg", [b"\xff\xd8" + os.urandom(3 * BLOCK_BYTES)])
    actions.do_create_folder(agent_voirie, folder, "Vide")
    old = actions.do_upload(agent_voirie, folder, "brouillon.txt", [b"jet\xc3\xa9"])
    actions.do_trash(agent_voirie, old)
    return folder


def test_a_folder_downloads_as_a_zip_of_its_living_content(client, agent_voirie, chantiers):
    """The archive holds each file under its path, the empty folder, and not the trash; it
    comes in several pieces rather than one buffer."""
    client.force_login(agent_voirie)

    response = client.get(f"/drive/dossiers/{chantiers.pk}/zip/")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert "Chantiers%202027.zip" in response["Content-Disposition"]
    pieces = list(response.streaming_content)
    assert len(pieces) > 3
    archive = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == [
        "Chantiers 2027/Plans/photo.jpg",
        "Chantiers 2027/Vide/",
        "Chantiers 2027/planning.txt",
    ]
    assert archive.read("Chantiers 2027/planning.txt") == "lundi : rue Jaurès\n".encode() * 50
    photo = Node.objects.get(name="photo.jpg")
    assert len(archive.read("Chantiers 2027/Plans/photo.jpg")) == photo.size
    assert archive.getinfo("Chantiers 2027/Plans/photo.jpg").compress_type == zipfile.ZIP_STORED


def test_another_agent_cannot_download_the_zip(client, agent_finances, chantiers):
    client.force_login(agent_finances)

    assert client.get(f"/drive/dossiers/{chantiers.pk}/zip/").status_code == 404


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_under_asgi_the_zip_streams_as_an_asynchronous_iterator(async_client, agent_voirie):
    """Served by the ASGI server, the answer is an asynchronous iterator (Django would buffer
    a synchronous one whole), and the archive it yields is complete."""
    from asgiref.sync import sync_to_async

    @sync_to_async
    def make_folder() -> Node:
        root = access.access_root(agent_voirie, actions.do_open_personal_space(agent_voirie))
        folder = actions.do_create_folder(agent_voirie, root, "Conseil")
        actions.do_upload(agent_voirie, folder, "ordre-du-jour.txt", [b"1. budget\n"])
        return folder

    folder = await make_folder()
    await async_client.aforce_login(agent_voirie)

    response = await async_client.get(f"/drive/dossiers/{folder.pk}/zip/")

    assert response.is_async
    pieces = [piece async for piece in response.streaming_content]
    # The server closes the connection the zip was read with at the end of the request; the
    # test client leaves that to the test.
    await sync_to_async(connections.close_all)()
    archive = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
    assert archive.read("Conseil/ordre-du-jour.txt") == b"1. budget\n"
