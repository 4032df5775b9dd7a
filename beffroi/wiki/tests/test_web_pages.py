"""The wiki pages through Django's test client: two people editing at once through the forms,
the merge view, history and differences, the preview."""

from __future__ import annotations

import pytest
from django.test import Client

from beffroi.wiki.actions import do_create_page
from beffroi.wiki.models import Page

pytestmark = pytest.mark.django_db


def _client(agent) -> Client:
    client = Client()
    client.force_login(agent)
    return client


@pytest.fixture
def page(chantier, agent_voirie) -> Page:
    return do_create_page(agent_voirie, chantier, "Note", "ligne un\nligne deux\nligne trois\n")


def _edit_url(page: Page) -> str:
    return f"/espaces/{page.workspace.slug}/wiki/{page.pk}/modifier/"


def test_two_agents_editing_through_the_forms_lose_nothing(page, agent_voirie, agent_finances):
    karim, sophie = _client(agent_voirie), _client(agent_finances)
    assert karim.get(_edit_url(page)).status_code == 200
    assert sophie.get(_edit_url(page)).status_code == 200
    saved = karim.post(
        _edit_url(page),
        {"title": "Note", "body": "ligne UN\nligne deux\nligne trois\n", "base_version": 1},
    )
    assert saved.status_code == 302
    merged = sophie.post(
        _edit_url(page),
        {"title": "Note", "body": "ligne un\nligne deux\nligne TROIS\n", "base_version": 1},
    )
    assert merged.status_code == 302
    assert Page.objects.get(pk=page.pk).body == "ligne UN\nligne deux\nligne TROIS\n"
    # Same line, from the same version: a merge view with both texts, nothing overwritten.
    karim.post(
        _edit_url(page),
        {"title": "Note", "body": "A\nligne deux\nligne TROIS\n", "base_version": 3},
    )
    conflict = sophie.post(
        _edit_url(page),
        {"title": "Note", "body": "B\nligne deux\nligne TROIS\n", "base_version": 3},
    )
    assert conflict.status_code == 409
    text = conflict.content.decode()
    assert "votre version" in text
    assert "A\n" in text
    assert "B\n" in text
    assert 'name="base_version" value="4"' in text
    assert Page.objects.get(pk=page.pk).body.startswith("A\n")


def test_history_compares_two_versions_and_restores(page, agent_voirie):
    karim = _client(agent_voirie)
    karim.post(_edit_url(page), {"title": "Note", "body": "ligne un\nligne 2\n", "base_version": 1})
    base = f"/espaces/{page.workspace.slug}/wiki/{page.pk}/historique/"
    assert "Restaurer la version 1" in karim.get(base).content.decode()
    diff = karim.get(base + "comparer/?de=1&a=2").content.decode()
    assert "wiki-diff__line--removed" in diff
    assert "ligne deux" in diff
    assert "wiki-diff__line--added" in diff
    assert "ligne 2" in diff
    assert karim.post(base + "1/restaurer/").status_code == 302
    assert Page.objects.get(pk=page.pk).body == "ligne un\nligne deux\nligne trois\n"


def test_the_preview_is_sanitised_html(page, agent_voirie):
    response = _client(agent_voirie).post(
        f"/espaces/{page.workspace.slug}/wiki/apercu/", {"body": "**gras** <script>x</script>"}
    )
    assert response.status_code == 200
    assert b"<strong>gras</strong>" in response.content
    assert b"<script>" not in response.content


def test_an_outsider_gets_the_same_answer_as_for_a_missing_page(page, elu):
    elu_client = _client(elu)
    hidden = elu_client.get(f"/espaces/{page.workspace.slug}/wiki/{page.pk}/")
    missing = elu_client.get(f"/espaces/nexiste-pas/wiki/{page.pk}/")
    assert hidden.status_code == missing.status_code == 404


def test_an_image_attached_to_a_page_lands_in_the_workspace_drive(
    page, agent_voirie, agent_finances
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from beffroi.files.models import Node

    karim = _client(agent_voirie)
    png = SimpleUploadedFile("façade.png", b"\x89PNG\r\n\x1a\n fake", content_type="image/png")
    response = karim.post(f"/espaces/{page.workspace.slug}/wiki/{page.pk}/joindre/", {"file": png})
    assert response.status_code == 302
    stored = Node.objects.get(name="façade.png")
    assert [n.name for n in Node.objects.filter(pk=stored.parent_id)] == ["Note"]
    assert stored.parent.parent.name == "Pièces jointes du wiki"
    assert stored.space.workspace_id == page.workspace_id
    # A colleague of the workspace sees it under the page, with what to paste to show it.
    shown = _client(agent_finances).get(f"/espaces/{page.workspace.slug}/wiki/{page.pk}/")
    text = shown.content.decode()
    assert "façade.png" in text
    assert f"![façade.png](/drive/fichiers/{stored.pk}/apercu/)" in text


def test_a_reader_cannot_attach(page, invite_externe):
    from django.core.files.uploadedfile import SimpleUploadedFile

    guest = _client(invite_externe)
    upload = SimpleUploadedFile("x.txt", b"x", content_type="text/plain")
    guest.post(f"/espaces/{page.workspace.slug}/wiki/{page.pk}/joindre/", {"file": upload})
    from beffroi.files.models import Node

    assert not Node.objects.filter(name="x.txt").exists()
