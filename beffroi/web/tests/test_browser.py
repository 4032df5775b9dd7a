"""The web shell in a real browser: Debian's chromium driven by Playwright, checked by axe-core.

Screenshots land in test-artifacts/screenshots/ (ignored by git) for a person to look at.
The CSS and JS bundles must be built first (``cd frontend && npm run build``).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from beffroi.web.tests.browser import (
    assert_accessible,
    assert_fits_width,
    assert_styled,
    screenshot,
    sign_in_with_keyboard,
)

pytestmark = pytest.mark.browser


def test_desktop_journey_from_sign_in_to_profile(live_server, desktop, agent_voirie):
    """On a desktop screen an agent signs in with the keyboard and reaches the home page and
    their profile; every page is styled and passes axe-core, the error state included."""
    page, problems = desktop
    page.goto(f"{live_server.url}/connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    assert_styled(page)
    screenshot(page, "bureau-1-connexion")
    assert_accessible(page)

    sign_in_with_keyboard(page, agent_voirie, password="pas le bon mot de passe")
    expect(page.get_by_role("alert")).to_have_text("Identifiant ou mot de passe incorrect.")
    screenshot(page, "bureau-2-connexion-erreur")
    assert_accessible(page)

    sign_in_with_keyboard(page, agent_voirie)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Karim")
    expect(page.get_by_role("link", name="Accueil")).to_have_attribute("aria-current", "page")
    screenshot(page, "bureau-3-accueil")
    assert_accessible(page)

    page.get_by_role("navigation").get_by_role("link", name="Mon profil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    page.get_by_label("Nom du jeton").fill("script de sauvegarde")
    page.get_by_label("Nom du jeton").press("Enter")
    expect(page.locator("#nouveau-jeton")).to_contain_text("bfr_")
    expect(page.get_by_role("cell", name="script de sauvegarde", exact=True)).to_be_visible()
    screenshot(page, "bureau-4-profil")
    assert_accessible(page)
    assert not problems, "\n".join(problems)


def test_skip_link_is_the_first_tab_stop(live_server, desktop):
    """The first Tab shows the "Aller au contenu" link, and following it moves focus to the
    main content."""
    page, _problems = desktop
    page.goto(f"{live_server.url}/connexion/")
    skip_link = page.get_by_role("link", name="Aller au contenu")
    expect(skip_link).not_to_be_in_viewport()

    page.keyboard.press("Tab")

    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()


def test_phone_journey_with_folding_menu(live_server, phone, agent_voirie):
    """On a 360 px phone the pages fit the screen and pass axe-core, and the main navigation
    folds behind a "Menu" button that opens and closes it."""
    page, problems = phone
    page.goto(f"{live_server.url}/connexion/")
    assert_styled(page)
    assert_fits_width(page)
    screenshot(page, "telephone-1-connexion")
    assert_accessible(page)

    sign_in_with_keyboard(page, agent_voirie)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Karim")
    menu = page.get_by_role("button", name="Menu")
    navigation = page.get_by_role("navigation", name="Navigation principale")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(navigation).to_be_hidden()
    assert_fits_width(page)
    screenshot(page, "telephone-2-accueil")
    assert_accessible(page)

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(navigation.get_by_role("link", name="Mon profil")).to_be_visible()
    screenshot(page, "telephone-3-menu-ouvert")
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(navigation).to_be_hidden()
    expect(menu).to_be_focused()

    menu.click()
    navigation.get_by_role("link", name="Mon profil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    page.get_by_label("Nom du jeton").fill("tableur des congés")
    page.get_by_role("button", name="Créer un jeton").click()
    expect(page.locator("#nouveau-jeton")).to_contain_text("bfr_")
    assert_fits_width(page)
    screenshot(page, "telephone-4-profil")
    assert_accessible(page)
    assert not problems, "\n".join(problems)


def test_pages_run_under_the_content_security_policy(live_server, strict_phone, agent_voirie):
    """With the strict Content-Security-Policy enforced, the pages load their own CSS and JS
    without a single refusal: no inline style or script slipped into a template."""
    page, problems = strict_phone
    page.goto(f"{live_server.url}/connexion/")
    assert_styled(page)
    sign_in_with_keyboard(page, agent_voirie)
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.get_by_role("navigation").get_by_role("link", name="Mon profil").click()
    page.get_by_label("Nom du jeton").fill("export comptable")
    page.get_by_role("button", name="Créer un jeton").click()
    expect(page.get_by_role("button", name="Copier le jeton")).to_be_visible()
    assert not problems, "\n".join(problems)
