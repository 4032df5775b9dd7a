"""« Chercher dans cet espace »: the search page narrowed to one workspace's pages, tasks, files
and events, never to more than the person may read, and a workspace they may not read is not
found."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from beffroi.files.actions import do_open_personal_space, do_upload
from beffroi.files.models import Node
from beffroi.search import indexing, registry
from beffroi.tasks.actions import do_create_card
from beffroi.wiki.actions import do_create_page
from beffroi.workspaces.actions import do_create_workspace
from beffroi.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def _root(workspace: Workspace) -> Node:
    return Node.objects.get(space__workspace=workspace, parent=None)


@pytest.fixture
def toitures(chantier, agent_voirie) -> Workspace:
    """« toiture » in the works project (a page, a task, a file) and elsewhere in Karim's
    reach: another workspace of his and his own drive."""
    do_create_page(agent_voirie, chantier, "Réfection de la toiture", "Devis de toiture reçu.")
    do_create_card(agent_voirie, chantier.board.columns.first(), "Choisir la toiture")
    do_upload(agent_voirie, _root(chantier), "toiture-plan.txt", [b"plan"])
    other = do_create_workspace(agent_voirie, "Gymnase")
    do_create_page(agent_voirie, other, "Toiture du gymnase", "Fuite sur la toiture.")
    own = Node.objects.get(space=do_open_personal_space(agent_voirie), parent=None)
    do_upload(agent_voirie, own, "toiture-perso.txt", [b"perso"])
    for source in registry.sources():
        indexing.reindex(source.kind)
    return chantier


def _titles(client: Client, **query: str) -> list[str]:
    response = client.get("/recherche/", {"q": "toiture", **query})
    assert response.status_code == 200
    page = response.content.decode()
    return sorted(
        title
        for title in (
            "Réfection de la toiture",
            "Choisir la toiture",
            "toiture-plan.txt",
            "Toiture du gymnase",
            "toiture-perso.txt",
        )
        if title.replace("toiture", "<mark>toiture</mark>").replace(
            "Toiture", "<mark>Toiture</mark>"
        )
        in page
    )


def test_the_search_narrows_to_one_workspace(toitures, agent_voirie):
    karim = Client()
    karim.force_login(agent_voirie)

    assert _titles(karim) == [
        "Choisir la toiture",
        "Réfection de la toiture",
        "Toiture du gymnase",
        "toiture-perso.txt",
        "toiture-plan.txt",
    ]
    inside = karim.get("/recherche/", {"q": "toiture", "espace": toitures.slug})
    shown = html.unescape(inside.content.decode())
    assert "Dans l'espace « Rénovation de l'école Jules-Ferry »" in shown
    assert _titles(karim, espace=toitures.slug) == [
        "Choisir la toiture",
        "Réfection de la toiture",
        "toiture-plan.txt",
    ]


def test_the_filter_gives_a_reader_nothing_more_and_an_outsider_nothing(
    toitures, invite_externe, elu
):
    guest = Client()
    guest.force_login(invite_externe)
    assert _titles(guest, espace=toitures.slug) == _titles(guest)

    outsider = Client()
    outsider.force_login(elu)
    hidden = outsider.get("/recherche/", {"q": "toiture", "espace": toitures.slug})
    missing = outsider.get("/recherche/", {"q": "toiture", "espace": "nexiste-pas"})
    assert hidden.status_code == missing.status_code == 404
