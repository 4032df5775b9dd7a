"""The workspace journey of issue 6 in Chromium, with the Content-Security-Policy enforced and
the real ASGI application (web pages and the events websocket): an agent of Services techniques
creates a works project from its template, invites Finances and the outside architect, uploads a
plan, writes a meeting page mentioning a colleague and assigns her a task; the colleague sees the
mention arrive live and finds the page by searching another form of a word; the architect sees
that workspace and nothing else. axe-core checks every page on the way; screenshots are kept."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from beffroi.directory.models import Agent
from beffroi.notifications.models import Notification
from beffroi.web.tests.asgi_server import asgi_live_server  # noqa: F401 - the server fixture
from beffroi.web.tests.browser import (  # noqa: F401 - the browser fixture
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_fits_width,
    assert_styled,
    browser,
    screenshot,
    signed_in_page,
)
from beffroi.wiki.actions import do_create_page
from beffroi.wiki.models import Page as WikiPage
from beffroi.workspaces.actions import do_create_workspace
from beffroi.workspaces.models import Workspace

pytestmark = pytest.mark.browser

WORKSPACE = "Rénovation de l'école Jules-Ferry"
MEETING = "Réunion de chantier du 3 décembre"


@dataclass
class _Session:
    page: Page
    problems: list[str]


@pytest.fixture
def sessions(browser, asgi_live_server) -> Iterator[Callable[..., _Session]]:  # noqa: F811
    """Opens a signed-in page per person; closes them all at the end."""
    opened: list[Iterator[tuple[Page, list[str]]]] = []

    def open_for(agent: Agent, viewport: dict[str, int]) -> _Session:
        pages = signed_in_page(browser, viewport, asgi_live_server, agent)
        opened.append(pages)
        return _Session(*next(pages))

    yield open_for
    for pages in opened:
        next(pages, None)


def _check(page: Page, name: str) -> None:
    assert_styled(page)
    screenshot(page, f"parcours-espace-{name}")
    assert_accessible(page)


def test_a_works_project_across_departments(
    browser,  # noqa: F811
    asgi_live_server,  # noqa: F811
    sessions,
    agent_voirie,
    agent_finances,
    invite_externe,
    elu,
):
    base = asgi_live_server
    karim = sessions(agent_voirie, DESKTOP)
    sophie = sessions(agent_finances, PHONE)
    lea = sessions(invite_externe, DESKTOP)
    # Elsewhere, a private workspace of Finances that also talks about the roof.
    budget = do_create_workspace(agent_finances, "Budget 2027")
    do_create_page(agent_finances, budget, "Provisions", "Provision pour les travaux de toiture.")

    # 1. Karim creates the workspace from the « Projet de travaux » template.
    page = karim.page
    page.goto(f"{base}/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Espaces"
    ).click()
    page.get_by_role("link", name="Créer un espace").click()
    page.get_by_label("Nom de l'espace").fill(WORKSPACE)
    page.get_by_label("Description").fill("Isolation et toiture, été 2027.")
    page.get_by_label("Projet de travaux").check()
    _check(page, "1-creation")
    page.get_by_role("button", name="Créer l'espace").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(WORKSPACE)
    workspace = Workspace.objects.get(name=WORKSPACE)
    _check(page, "2-accueil")

    # 2. Members: the whole Finances department, and the architect as a guest reader.
    page.get_by_role("navigation", name="Sections de l’espace").get_by_role(
        "link", name="Membres"
    ).click()
    page.get_by_label("ou un service entier").select_option(label="Finances")
    page.get_by_label("Rôle", exact=True).select_option("contributor")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_text("Finances fait désormais partie de l'espace.")).to_be_visible()
    page.get_by_label("Une personne (identifiant ou adresse électronique)").fill("archi.dupont")
    page.get_by_label("Rôle", exact=True).select_option("reader")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_text("Léa Dupont fait désormais partie de l'espace.")).to_be_visible()
    _check(page, "3-membres")

    # Sophie has Beffroi open on her phone: her events socket is connected.
    sophie.page.goto(f"{base}/espaces/")
    expect(sophie.page.locator("html[data-events-connected]")).to_have_count(1)
    expect(sophie.page.get_by_role("link", name=WORKSPACE)).to_be_visible()

    # 3. A plan goes into the workspace's « Plans » folder.
    page.get_by_role("navigation", name="Sections de l’espace").get_by_role(
        "link", name="Fichiers"
    ).click()
    page.get_by_role("link", name="Plans", exact=True).click()
    page.get_by_label("Fichiers à envoyer").set_input_files(
        [{"name": "plan-rdc.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 plan"}]
    )
    page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(page.get_by_role("link", name="plan-rdc.pdf")).to_be_visible()

    # 4. A meeting page from the « Compte rendu de réunion » template, mentioning Sophie.
    page.goto(f"{base}/espaces/{workspace.slug}/wiki/")
    _check(page, "4-wiki")
    page.get_by_role("link", name="Nouvelle page").click()
    page.get_by_label("Titre").fill(MEETING)
    page.get_by_label("Modèle de page").select_option(label="Compte rendu de réunion")
    page.get_by_role("button", name="Créer et écrire la page").click()
    editor = page.get_by_label("Contenu (Markdown)")
    expect(editor).to_have_value(re.compile("Ordre du jour"))
    editor.press("Control+End")
    editor.type(
        "\nLes travaux de toiture commencent le 5 janvier. "
        "@agent.finances peux-tu vérifier le devis ?\n"
    )
    preview = page.get_by_role("region", name="Aperçu")
    expect(preview).to_contain_text("Les travaux de toiture commencent")
    _check(page, "5-edition")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("heading", name=MEETING)).to_be_visible()
    _check(page, "6-page")

    # Sophie hears of it at once, without reloading.
    live = sophie.page.locator("[data-notifications-live]")
    expect(live).to_contain_text(f"vous a mentionné dans la page « {MEETING} »")
    unread = Notification.objects.filter(agent=agent_finances, read_at=None).count()
    expect(sophie.page.locator("[data-unread-count]")).to_have_text(str(unread))
    screenshot(sophie.page, "parcours-espace-7-notification-telephone")
    assert_accessible(sophie.page)

    # 5. A task for Sophie on the board.
    page.get_by_role("navigation", name="Sections de l’espace").get_by_role(
        "link", name="Tâches"
    ).click()
    page.get_by_label("Nouvelle tâche dans « À faire »").fill("Vérifier le devis de toiture")
    page.get_by_label("Nouvelle tâche dans « À faire »").press("Enter")
    expect(page.get_by_role("heading", name="Vérifier le devis de toiture")).to_be_visible()
    page.get_by_label("Sophie Martin").check()
    page.get_by_role("button", name="Enregistrer la tâche").click()
    expect(page.get_by_text("La tâche est enregistrée.")).to_be_visible()
    _check(page, "8-tache")
    page.get_by_role("navigation", name="Sections de l’espace").get_by_role(
        "link", name="Tâches"
    ).click()
    _check(page, "9-tableau")
    expect(live).to_contain_text("vous a attribué la tâche « Vérifier le devis de toiture »")

    # 6. Sophie searches « travail » and finds the page that says « travaux ».
    phone = sophie.page
    phone.goto(f"{base}/recherche/?q=travail")
    expect(phone.get_by_role("link", name=MEETING)).to_be_visible()
    assert_fits_width(phone)
    screenshot(phone, "parcours-espace-10-recherche-telephone")
    assert_accessible(phone)
    phone.get_by_role("link", name=MEETING).click()
    expect(phone.get_by_role("heading", name=MEETING)).to_be_visible()
    assert_fits_width(phone)
    phone.goto(f"{base}/taches/")
    expect(phone.get_by_role("link", name="Vérifier le devis de toiture")).to_be_visible()
    assert_accessible(phone)

    # 7. Léa, the architect, sees this workspace and nothing else.
    guest = lea.page
    guest.goto(f"{base}/espaces/")
    expect(guest.get_by_role("link", name=WORKSPACE)).to_be_visible()
    expect(guest.get_by_role("link", name="Budget 2027")).to_have_count(0)
    expect(guest.get_by_role("link", name="Annuaire des espaces")).to_have_count(0)
    response = guest.goto(f"{base}/espaces/annuaire/")
    assert response is not None
    assert response.status == 403
    expect(guest.get_by_text("réservé aux agents de la collectivité")).to_be_visible()
    guest.goto(f"{base}/recherche/?q=toiture")
    expect(guest.get_by_role("link", name=MEETING)).to_be_visible()
    expect(guest.get_by_role("link", name="Provisions")).to_have_count(0)
    screenshot(guest, "parcours-espace-11-invite")
    assert_accessible(guest)
    response = guest.goto(f"{base}/espaces/{budget.slug}/")
    assert response is not None
    assert response.status == 404
    # She reads but does not write.
    guest.goto(f"{base}/espaces/{workspace.slug}/wiki/")
    expect(guest.get_by_role("link", name="Nouvelle page")).to_have_count(0)

    assert WikiPage.objects.filter(workspace=workspace, title=MEETING).exists()
    for session in (karim, sophie, lea):
        assert session.problems == [], session.problems
