"""Files kept with a task: in the workspace drive, under « Pièces jointes des tâches / <titre> »,
read by the workspace's members and by nobody else, added by its contributors only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from beffroi.core.errors import NotAllowed
from beffroi.files.actions import do_trash
from beffroi.files.models import Node
from beffroi.tasks import access
from beffroi.tasks.actions import do_attach_to_card, do_create_card, do_update_card
from beffroi.tasks.models import Card

pytestmark = pytest.mark.django_db


def _client(agent) -> Client:
    client = Client()
    client.force_login(agent)
    return client


def _card(workspace, agent, title: str) -> Card:
    return do_create_card(agent, workspace.board.columns.first(), title)


def test_a_file_attached_on_the_task_page_is_in_the_workspace_drive_for_its_members(
    chantier, agent_voirie, agent_finances, invite_externe, elu
):
    card = _card(chantier, agent_voirie, "Devis charpente")
    url = f"/espaces/{chantier.slug}/taches/{card.pk}/"
    upload = SimpleUploadedFile("devis-charpente.pdf", b"%PDF-1.4 devis", "application/pdf")

    response = _client(agent_voirie).post(f"{url}joindre/", {"file": upload})

    assert response.status_code == 302
    stored = Node.objects.get(name="devis-charpente.pdf")
    assert stored.space.workspace_id == chantier.pk
    assert [stored.parent.name, stored.parent.parent.name] == [
        "Devis charpente",
        "Pièces jointes des tâches",
    ]
    # Finances (a contributing department) and the guest reader see it on the task's page.
    for member in (agent_finances, invite_externe):
        page = _client(member).get(url)
        assert page.status_code == 200
        assert "devis-charpente.pdf" in page.content.decode()
    # Someone outside the workspace: the task is not found, nor its files.
    assert _client(elu).get(url).status_code == 404
    assert _client(elu).get(f"/drive/fichiers/{stored.pk}/").status_code == 404


def test_a_reader_attaches_nothing(chantier, agent_voirie, invite_externe):
    card = _card(chantier, agent_voirie, "Devis charpente")
    upload = SimpleUploadedFile("intrus.txt", b"x", "text/plain")

    _client(invite_externe).post(
        f"/espaces/{chantier.slug}/taches/{card.pk}/joindre/", {"file": upload}
    )

    assert not Node.objects.filter(name="intrus.txt").exists()
    with pytest.raises(NotAllowed):
        do_attach_to_card(invite_externe, card, "intrus.txt", [b"x"])


def test_each_task_keeps_its_own_folder_through_renames_and_the_bin(chantier, agent_voirie):
    first = _card(chantier, agent_voirie, "Réunion de chantier")
    second = _card(chantier, agent_voirie, "Réunion de chantier")
    do_attach_to_card(agent_voirie, first, "ordre-du-jour.txt", [b"1"])
    do_attach_to_card(agent_voirie, second, "ordre-du-jour.txt", [b"2"])
    first.refresh_from_db()
    second.refresh_from_db()
    assert [first.attachment_folder.name, second.attachment_folder.name] == [
        "Réunion de chantier",
        "Réunion de chantier (2)",
    ]
    assert [n.name for n in access.access_card_attachments(agent_voirie, second)] == [
        "ordre-du-jour.txt"
    ]

    do_update_card(
        agent_voirie,
        first,
        title="Réunion du 12 janvier",
        description="",
        due_date=None,
        labels=[],
        assignees=[],
    )
    do_attach_to_card(agent_voirie, first, "plan.txt", [b"plan"])
    first.refresh_from_db()
    assert first.attachment_folder.name == "Réunion de chantier"
    assert sorted(n.name for n in access.access_card_attachments(agent_voirie, first)) == [
        "ordre-du-jour.txt",
        "plan.txt",
    ]

    # The folder put in the bin from the drive: the task shows nothing, and its next file
    # gets a new folder.
    do_trash(agent_voirie, first.attachment_folder)
    first.refresh_from_db()
    assert access.access_card_attachments(agent_voirie, first) == []
    do_attach_to_card(agent_voirie, first, "compte-rendu.txt", [b"cr"])
    first.refresh_from_db()
    assert [n.name for n in access.access_card_attachments(agent_voirie, first)] == [
        "compte-rendu.txt"
    ]
