"""« Recherche » in Chromium with the Content-Security-Policy enforced: from the search box in
the header, an agent finds a page by another inflection of a word, sees the groups with their
counts and marked snippets, opens a kind's full list with the keyboard; the page passes
axe-core on a desktop and fits a phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from beffroi.directory.models import Agent
from beffroi.search.indexing import index_now
from beffroi.search.tests.sources import EssaiSource, page
from beffroi.web.tests.asgi_server import asgi_live_server  # noqa: F401 - the server fixture
from beffroi.web.tests.browser import (  # noqa: F401 - the browser fixture
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_fits_width,
    assert_styled,
    browser,
    open_context,
    screenshot,
)

pytestmark = pytest.mark.browser


def _signed_in_page(
    chromium: Browser, viewport: dict[str, int], base: str, agent: Agent
) -> Iterator[tuple[Page, list[str]]]:
    context, page_, problems = open_context(chromium, viewport, bypass_csp=False)
    context.set_default_timeout(60_000)
    client = Client()
    client.force_login(agent)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    yield page_, problems
    context.close()


@pytest.fixture
def documents(transactional_db) -> Iterator[EssaiSource]:
    """Eleven pages about « travaux » (some say « travail »), in a test kind."""
    source = EssaiSource()
    source.register()
    index_now(
        [
            page("1", "Compte rendu du chantier", "Les travaux de l'école reprennent lundi."),
            page("2", "Planning", "Le travail de nuit est interdit rue <Jean-Jaurès>."),
            *(page(str(n), f"Travaux, lot {n}", "Descriptif des lots.") for n in range(3, 12)),
        ]
    )
    yield source
    source.unregister()


def test_an_agent_searches_from_the_header(browser, asgi_live_server, agent_voirie, documents):  # noqa: F811
    """Desktop: the header's box, the grouped results with marks, a kind's full list."""
    for tab, problems in _signed_in_page(browser, DESKTOP, asgi_live_server, agent_voirie):
        tab.goto(f"{asgi_live_server}/")
        box = tab.get_by_role("searchbox", name="Rechercher partout")
        box.fill("travail")
        box.press("Enter")
        expect(tab.get_by_role("heading", level=1)).to_have_text("Recherche")
        assert_styled(tab)
        expect(tab.get_by_role("heading", level=2, name="Essais (11)")).to_be_visible()
        expect(tab.locator("mark").first).to_be_visible()
        screenshot(tab, "recherche-1-resultats")
        assert_accessible(tab)

        more = tab.get_by_role("link", name="Voir les 11 résultats : essais")
        more.focus()
        more.press("Enter")
        expect(tab.locator(".search-hit")).to_have_count(11)
        expect(tab.get_by_role("searchbox")).to_have_value("travail")
        screenshot(tab, "recherche-2-un-type")
        assert_accessible(tab)

        tab.get_by_role("searchbox").fill('"*" NEAR :')
        tab.get_by_role("searchbox").press("Enter")
        expect(tab.get_by_role("status").filter(has_text="Rien ne correspond")).to_contain_text(
            "Rien ne correspond"
        )
        assert_accessible(tab)
        assert not problems, "\n".join(problems)


def test_the_search_page_fits_a_phone(browser, asgi_live_server, agent_voirie, documents):  # noqa: F811
    """Phone: the results fit the width and pass axe-core."""
    for tab, problems in _signed_in_page(browser, PHONE, asgi_live_server, agent_voirie):
        tab.goto(f"{asgi_live_server}/recherche/?q=travaux")
        expect(tab.get_by_role("heading", level=2, name="Essais (11)")).to_be_visible()
        assert_fits_width(tab)
        screenshot(tab, "recherche-telephone")
        assert_accessible(tab)
        assert not problems, "\n".join(problems)
