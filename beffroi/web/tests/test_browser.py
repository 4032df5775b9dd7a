"""The web shell in a real browser: Debian's chromium driven by Playwright, checked by axe-core.

Screenshots land in test-artifacts/screenshots/ (ignored by git) for a person to look at.
The CSS and JS bundles must be built first (``cd frontend && npm run build``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    expect,
    sync_playwright,
)

from beffroi.directory.models import Agent
from beffroi.directory.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

REPOSITORY = Path(__file__).resolve().parents[3]
AXE_SCRIPT = REPOSITORY / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
CSS_BUNDLE = REPOSITORY / "beffroi" / "static" / "build" / "main.css"
SCREENSHOTS = REPOSITORY / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
BLUE = "rgb(0, 0, 145)"  # --blue in main.css: proves the stylesheet was served and applied


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CSS_BUNDLE.exists(), "Build the web assets first: cd frontend && npm run build"
    # Playwright's sync API keeps an asyncio loop in this thread; the database calls the tests
    # make meanwhile (factories, the transactional flush) are still synchronous and safe.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield launched
            launched.close()


def _open_context(
    browser: Browser, viewport: dict[str, int], *, bypass_csp: bool
) -> tuple[BrowserContext, Page, list[str]]:
    """A fresh context (no cookies) and page, collecting the page's script errors, console
    errors (a CSP refusal is one) and failed stylesheets, scripts or images. A page itself may
    answer 401 (a wrong password): that is a state under test, not a problem."""
    context = browser.new_context(viewport=viewport, bypass_csp=bypass_csp, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []

    def keep_console_error(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    def keep_failed_asset(response: Response) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    page.on("console", keep_console_error)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", keep_failed_asset)
    return context, page, problems


@pytest.fixture
def desktop(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    context, page, problems = _open_context(browser, DESKTOP, bypass_csp=True)
    yield page, problems
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    context, page, problems = _open_context(browser, PHONE, bypass_csp=True)
    yield page, problems
    context.close()


@pytest.fixture
def strict_phone(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A phone whose browser enforces Beffroi's Content-Security-Policy."""
    context, page, problems = _open_context(browser, PHONE, bypass_csp=False)
    yield page, problems
    context.close()


def _screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            lines.append(f"       {node['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)


def _assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    grave = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not grave, f"axe-core on {page.url}:\n{_describe(grave)}"


def _assert_styled(page: Page) -> None:
    expect(page.locator(".site-header")).to_have_css("border-top-color", BLUE)


def _assert_fits_width(page: Page) -> None:
    """Nothing sticks out sideways: the page never scrolls horizontally."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def _sign_in_with_keyboard(page: Page, agent: Agent, password: str = DEFAULT_PASSWORD) -> None:
    page.get_by_label("Identifiant").fill(agent.username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_label("Mot de passe").press("Enter")


def test_desktop_journey_from_sign_in_to_profile(live_server, desktop, agent_voirie):
    """On a desktop screen an agent signs in with the keyboard and reaches the home page and
    their profile; every page is styled and passes axe-core, the error state included."""
    page, problems = desktop
    page.goto(f"{live_server.url}/connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    _assert_styled(page)
    _screenshot(page, "bureau-1-connexion")
    _assert_accessible(page)

    _sign_in_with_keyboard(page, agent_voirie, password="pas le bon mot de passe")
    expect(page.get_by_role("alert")).to_have_text("Identifiant ou mot de passe incorrect.")
    _screenshot(page, "bureau-2-connexion-erreur")
    _assert_accessible(page)

    _sign_in_with_keyboard(page, agent_voirie)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Karim")
    expect(page.get_by_role("link", name="Accueil")).to_have_attribute("aria-current", "page")
    _screenshot(page, "bureau-3-accueil")
    _assert_accessible(page)

    page.get_by_role("navigation").get_by_role("link", name="Mon profil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    page.get_by_label("Nom du jeton").fill("script de sauvegarde")
    page.get_by_label("Nom du jeton").press("Enter")
    expect(page.locator("#nouveau-jeton")).to_contain_text("bfr_")
    expect(page.get_by_role("cell", name="script de sauvegarde", exact=True)).to_be_visible()
    _screenshot(page, "bureau-4-profil")
    _assert_accessible(page)
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
    _assert_styled(page)
    _assert_fits_width(page)
    _screenshot(page, "telephone-1-connexion")
    _assert_accessible(page)

    _sign_in_with_keyboard(page, agent_voirie)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Karim")
    menu = page.get_by_role("button", name="Menu")
    navigation = page.get_by_role("navigation", name="Navigation principale")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(navigation).to_be_hidden()
    _assert_fits_width(page)
    _screenshot(page, "telephone-2-accueil")
    _assert_accessible(page)

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(navigation.get_by_role("link", name="Mon profil")).to_be_visible()
    _screenshot(page, "telephone-3-menu-ouvert")
    _assert_accessible(page)
    page.keyboard.press("Escape")
    expect(navigation).to_be_hidden()
    expect(menu).to_be_focused()

    menu.click()
    navigation.get_by_role("link", name="Mon profil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    page.get_by_label("Nom du jeton").fill("tableur des congés")
    page.get_by_role("button", name="Créer un jeton").click()
    expect(page.locator("#nouveau-jeton")).to_contain_text("bfr_")
    _assert_fits_width(page)
    _screenshot(page, "telephone-4-profil")
    _assert_accessible(page)
    assert not problems, "\n".join(problems)


def test_pages_run_under_the_content_security_policy(live_server, strict_phone, agent_voirie):
    """With the strict Content-Security-Policy enforced, the pages load their own CSS and JS
    without a single refusal: no inline style or script slipped into a template."""
    page, problems = strict_phone
    page.goto(f"{live_server.url}/connexion/")
    _assert_styled(page)
    _sign_in_with_keyboard(page, agent_voirie)
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.get_by_role("navigation").get_by_role("link", name="Mon profil").click()
    page.get_by_label("Nom du jeton").fill("export comptable")
    page.get_by_role("button", name="Créer un jeton").click()
    expect(page.get_by_role("button", name="Copier le jeton")).to_be_visible()
    assert not problems, "\n".join(problems)
