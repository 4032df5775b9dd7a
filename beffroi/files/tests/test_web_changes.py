"""The drive's forms, without JavaScript: new folder, upload, rename, move, copy, trash."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from beffroi.audit.models import AuditEvent
from beffroi.files import access, actions
from beffroi.files.models import Node


@pytest.fixture
def root(agent_voirie) -> Node:
    return access.access_root(agent_voirie, actions.do_open_personal_space(agent_voirie))


def _living(agent, folder: Node) -> list[str]:
    return [node.name for node in access.access_children(agent, folder)]


def test_the_upload_form_saves_every_chosen_file(client, agent_voirie, root):
    """Several files in one ordinary form post: each is saved, and the page says which."""
    client.force_login(agent_voirie)

    response = client.post(
        f"/drive/dossiers/{root.pk}/envoyer/",
        {
            "fichiers": [
                SimpleUploadedFile("plan.pdf", b"%PDF-1.4"),
                SimpleUploadedFile("devis.ods", b"devis"),
            ]
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "Fichiers envoyés : plan.pdf, devis.ods." in response.content.decode()
    assert _living(agent_voirie, root) == ["devis.ods", "plan.pdf"]


def test_a_new_folder_with_a_bad_name_is_refused_in_french(client, agent_voirie, root):
    client.force_login(agent_voirie)

    response = client.post(
        f"/drive/dossiers/{root.pk}/nouveau-dossier/", {"name": "Plans/2027"}, follow=True
    )

    assert "ne peut pas contenir de barre oblique" in response.content.decode()
    assert _living(agent_voirie, root) == []


def test_renaming_to_a_taken_name_shows_the_form_again(client, agent_voirie, root):
    """The error sits on the field; nothing is renamed."""
    actions.do_create_folder(agent_voirie, root, "Plans")
    notes = actions.do_upload(agent_voirie, root, "notes.txt", [b"n"])
    client.force_login(agent_voirie)

    response = client.post(f"/drive/elements/{notes.pk}/renommer/", {"name": "Plans"})

    assert response.status_code == 422
    assert "porte déjà ce nom" in response.content.decode()
    notes.refresh_from_db()
    assert notes.name == "notes.txt"


def test_moving_a_file_into_a_folder_with_the_chooser(client, agent_voirie, root):
    """The chooser lists the sub-folders; posting the destination moves the file there."""
    plans = actions.do_create_folder(agent_voirie, root, "Plans")
    plan = actions.do_upload(agent_voirie, root, "plan.pdf", [b"%PDF"])
    client.force_login(agent_voirie)

    chooser = client.get(f"/drive/elements/{plan.pk}/deplacer/").content.decode()
    response = client.post(
        f"/drive/elements/{plan.pk}/deplacer/", {"destination": str(plans.pk), "name": "plan.pdf"}
    )

    assert f'href="?dans={plans.pk}"' in chooser
    assert response.status_code == 302
    assert _living(agent_voirie, plans) == ["plan.pdf"]
    assert _living(agent_voirie, root) == ["Plans"]


def test_moving_a_folder_into_itself_is_refused(client, agent_voirie, root):
    plans = actions.do_create_folder(agent_voirie, root, "Plans")
    inner = actions.do_create_folder(agent_voirie, plans, "Anciens")
    client.force_login(agent_voirie)

    response = client.post(
        f"/drive/elements/{plans.pk}/deplacer/", {"destination": str(inner.pk), "name": "Plans"}
    )

    assert response.status_code == 422
    assert "ne peut pas être déplacé en lui-même" in response.content.decode()
    plans.refresh_from_db()
    assert plans.parent_id == root.pk


def test_copying_into_the_same_folder_proposes_another_name(client, agent_voirie, root):
    """The copy of « budget.ods » next to it is offered as « budget.ods (copie) »."""
    budget = actions.do_upload(agent_voirie, root, "budget.ods", [b"1"])
    client.force_login(agent_voirie)

    form = client.get(f"/drive/elements/{budget.pk}/copier/").content.decode()
    response = client.post(
        f"/drive/elements/{budget.pk}/copier/",
        {"destination": str(root.pk), "name": "budget 2028.ods"},
    )

    assert 'value="budget.ods (copie)"' in form
    assert response.status_code == 302
    assert _living(agent_voirie, root) == ["budget 2028.ods", "budget.ods"]


def test_deleting_asks_first_then_puts_the_item_in_the_trash(client, agent_voirie, root):
    """The GET only asks; the POST trashes (audited), and the item leaves the listing."""
    old = actions.do_create_folder(agent_voirie, root, "Ancien")
    client.force_login(agent_voirie)

    question = client.get(f"/drive/elements/{old.pk}/supprimer/")
    assert question.status_code == 200
    assert _living(agent_voirie, root) == ["Ancien"]

    response = client.post(f"/drive/elements/{old.pk}/supprimer/")

    assert response.status_code == 302
    assert _living(agent_voirie, root) == []
    assert AuditEvent.objects.filter(action="files.node.trashed").count() == 1
