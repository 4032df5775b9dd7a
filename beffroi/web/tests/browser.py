"""Shared pieces for browser tests: Debian's chromium driven by Playwright, checked by axe-core.

Test modules use the fixtures by importing them (``from beffroi.web.tests.browser import
browser, desktop, phone``) and the helpers below. Screenshots land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
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


def open_context(
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
        if message.type != "error" or message.text.startswith("Failed to load resource"):
            return
        # Django's live_server speaks WSGI only: the notification bell's socket cannot open
        # there (tests that need it run the ASGI application, see asgi_server.py).
        if "/ws/events/" in message.text and "WebSocket" in message.text:
            return
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
    context, page, problems = open_context(browser, DESKTOP, bypass_csp=True)
    yield page, problems
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    context, page, problems = open_context(browser, PHONE, bypass_csp=True)
    yield page, problems
    context.close()


@pytest.fixture
def strict_phone(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A phone whose browser enforces Beffroi's Content-Security-Policy."""
    context, page, problems = open_context(browser, PHONE, bypass_csp=False)
    yield page, problems
    context.close()


def signed_in_page(
    chromium: Browser, viewport: dict[str, int], base: str, agent: Agent
) -> Iterator[tuple[Page, list[str]]]:
    """A page with Beffroi's Content-Security-Policy enforced, already signed in as ``agent``
    (the session is made on the server side, so the test does not depend on the sign-in
    page); use it as ``for page, problems in signed_in_page(…):``. The machine running the
    suite may be busy: the page waits for elements rather than fail on a short timer."""
    context, page, problems = open_context(chromium, viewport, bypass_csp=False)
    context.set_default_timeout(60_000)
    client = Client()
    client.force_login(agent)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    yield page, problems
    context.close()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            lines.append(f"       {node['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    grave = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not grave, f"axe-core on {page.url}:\n{describe(grave)}"


def assert_styled(page: Page) -> None:
    expect(page.locator(".site-header")).to_have_css("border-top-color", BLUE)


def assert_fits_width(page: Page) -> None:
    """Nothing sticks out sideways: the page never scrolls horizontally (measured once the
    page shown has loaded)."""
    page.wait_for_load_state("load")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def sign_in_with_keyboard(page: Page, agent: Agent, password: str = DEFAULT_PASSWORD) -> None:
    page.get_by_label("Identifiant").fill(agent.username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_label("Mot de passe").press("Enter")
