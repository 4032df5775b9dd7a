"""« Mots de passe d'application » in Chromium, with the Content-Security-Policy enforced: an
agent creates one for their phone with the keyboard, copies it, sees it work, and revokes it;
the page passes axe-core on a desktop and fits a phone."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from beffroi.web.tests.browser import (  # noqa: F401 - the browser fixture
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_fits_width,
    assert_styled,
    browser,
    open_context,
    screenshot,
    signed_in_page,
)

pytestmark = pytest.mark.browser

SECRET = re.compile(r"^[a-z2-9]{4}(-[a-z2-9]{4}){3}$")


@pytest.fixture
def on_desktop(browser, live_server, agent_voirie) -> Iterator[tuple[Page, list[str]]]:  # noqa: F811
    yield from signed_in_page(browser, DESKTOP, live_server.url, agent_voirie)


@pytest.fixture
def on_phone(browser, live_server, agent_voirie) -> Iterator[tuple[Page, list[str]]]:  # noqa: F811
    yield from signed_in_page(browser, PHONE, live_server.url, agent_voirie)


def _api_me(username: str, secret: str) -> int:
    pair = base64.b64encode(f"{username}:{secret}".encode()).decode()
    return Client().get("/api/v1/me", headers={"Authorization": f"Basic {pair}"}).status_code


def test_an_agent_creates_copies_and_revokes_an_app_password(live_server, on_desktop):
    """From the profile, with the keyboard: name it, keep the scopes needed, create it; the
    secret is shown once with a copy button and works; then the agent revokes it."""
    page, problems = on_desktop
    page.goto(f"{live_server.url}/profil/")
    page.get_by_role("link", name="Gérer mes mots de passe d'application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mots de passe d'application")
    assert_styled(page)
    screenshot(page, "mots-de-passe-applications-1-vide")
    assert_accessible(page)

    page.get_by_label("Nom de l'appareil ou du logiciel").fill("Téléphone")
    page.get_by_label("Messagerie").uncheck()
    page.get_by_label("API").check()
    page.get_by_label("API").press("Enter")

    secret = page.locator("#nouveau-mot-de-passe")
    expect(secret).to_have_text(SECRET)
    expect(page.get_by_role("button", name="Copier le mot de passe")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Téléphone"))
    expect(row).to_contain_text("fichiers, agendas et contacts, API")
    screenshot(page, "mots-de-passe-applications-2-cree")
    assert_accessible(page)
    clear_text = secret.inner_text()
    assert _api_me("agent.voirie", clear_text) == 200

    page.get_by_role("button", name="Révoquer le mot de passe Téléphone").click()
    expect(page.get_by_role("status").filter(has_text="« Téléphone » est révoqué")).to_contain_text(
        "« Téléphone » est révoqué"
    )
    expect(page.get_by_text("Aucun mot de passe d'application.")).to_be_visible()
    screenshot(page, "mots-de-passe-applications-3-revoque")
    assert_accessible(page)
    assert _api_me("agent.voirie", clear_text) == 401
    assert not problems, "\n".join(problems)


def test_the_page_fits_a_phone(live_server, on_phone):
    """On a 360 px phone the form, the new secret and the setup addresses fit the screen."""
    page, problems = on_phone
    page.goto(f"{live_server.url}/profil/mots-de-passe-applications/")
    page.get_by_label("Nom de l'appareil ou du logiciel").fill("Téléphone de terrain")
    page.get_by_role("button", name="Créer le mot de passe").click()

    expect(page.locator("#nouveau-mot-de-passe")).to_have_text(SECRET)
    assert_fits_width(page)
    screenshot(page, "mots-de-passe-applications-telephone")
    assert_accessible(page)
    assert not problems, "\n".join(problems)
