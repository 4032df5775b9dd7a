"""The audit console and an agent's security journal in Chromium, under the strict CSP,
checked by axe-core. Screenshots land in test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from beffroi.audit.actions import record
from beffroi.directory.models import Agent
from beffroi.web.tests.browser import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_fits_width,
    assert_styled,
    browser,  # noqa: F401 (a fixture)
    open_context,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_page(
    chromium: Browser, live_server, agent: Agent, viewport: dict[str, int]
) -> Iterator[tuple[Page, list[str]]]:
    client = Client()
    client.force_login(agent)
    context, page, problems = open_context(chromium, viewport, bypass_csp=False)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    yield page, problems
    context.close()


@pytest.fixture
def administrator_desktop(browser, live_server, maire):  # noqa: F811
    yield from _signed_in_page(browser, live_server, maire, DESKTOP)


@pytest.fixture
def agent_phone(browser, live_server, agent_voirie):  # noqa: F811
    yield from _signed_in_page(browser, live_server, agent_voirie, PHONE)


def test_an_administrator_filters_the_trail_with_the_keyboard(
    live_server, administrator_desktop, maire, agent_voirie, agent_finances
):
    """Filter by agent, read the French labels, the export link keeps the filter; no axe
    violation and no CSP refusal."""
    page, problems = administrator_desktop
    record("directory.sign_in", actor=agent_voirie, target=agent_voirie, address="192.0.2.10")
    record(
        "directory.sign_in_failed",
        address="203.0.113.66",
        details={"username": "agent.voirie", "channel": "web", "failures": 3},
    )
    record("directory.sign_in", actor=agent_finances, target=agent_finances, address="192.0.2.20")
    page.goto(f"{live_server.url}/console/audit/")
    assert_styled(page)
    expect(page.get_by_role("heading", name="Journal d'audit")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Agent (identifiant)").fill("agent.voirie")
    page.get_by_label("Agent (identifiant)").press("Enter")
    expect(page.get_by_role("status").filter(has_text="2 événements")).to_have_text("2 événements")
    expect(page.get_by_role("cell", name="Échec de connexion")).to_be_visible()
    expect(page.get_by_role("cell", name="192.0.2.20")).to_have_count(0)
    export = page.get_by_role("link", name="Exporter en CSV")
    assert "agent=agent.voirie" in (export.get_attribute("href") or "")
    assert_accessible(page)
    screenshot(page, "audit-console-filtre")
    assert problems == []


def test_an_agent_reads_their_security_journal_on_a_phone(live_server, agent_phone, agent_voirie):
    """On a phone the journal fits the screen and passes axe-core."""
    page, problems = agent_phone
    record("directory.sign_in", actor=agent_voirie, target=agent_voirie, address="192.0.2.10")
    record("directory.api_token_created", actor=agent_voirie, details={"label": "sauvegarde"})
    page.goto(f"{live_server.url}/profil/securite/journal/")
    expect(page.get_by_role("heading", name="Journal de sécurité")).to_be_visible()
    expect(page.get_by_text("Jeton d'API créé")).to_be_visible()
    assert_accessible(page)
    assert_fits_width(page)
    screenshot(page, "journal-securite-telephone")
    assert problems == []
