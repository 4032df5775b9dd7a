"""The consent page and the console's client pages in Chromium, under the strict CSP.

The relying party's callback lives on another origin (127.0.0.1 while Beffroi is served as
localhost); Playwright answers for it, so the test sees whether the browser really follows the
redirect after « Autoriser » (form-action of the consent page's policy)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Route, expect

from beffroi.oidc.actions import ClientSettings, do_register_client
from beffroi.oidc.tests.relying_party import Flow, RegisteredClient
from beffroi.web.tests.browser import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_fits_width,
    browser,  # noqa: F401 (a fixture)
    open_context,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CALLBACK = "http://127.0.0.1:9/oidc/callback"


def _signed_in(browser, live_server, agent, viewport):  # noqa: F811
    client = Client()
    client.force_login(agent)
    context, page, problems = open_context(browser, viewport, bypass_csp=False)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context, page, problems


def test_an_agent_consents_and_the_browser_reaches_the_client(
    browser,  # noqa: F811
    live_server,
    maire,
    agent_voirie,
):
    """On a phone: the consent page in French passes axe-core; « Autoriser » takes the browser
    to the client's callback with a code, despite the strict policy."""
    application, secret = do_register_client(
        ClientSettings(name="Intranet", redirect_uris=[CALLBACK]),
        confidential=True,
        acting=maire,
    )
    flow = Flow(
        live_server.url, RegisteredClient(application.client_id, secret), redirect_uri=CALLBACK
    )
    context, page, problems = _signed_in(browser, live_server, agent_voirie, PHONE)
    reached: list[str] = []

    def relying_party(route: Route) -> None:
        reached.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<p>Intranet</p>")

    page.route("http://127.0.0.1:9/**", relying_party)
    page.goto(flow.authorization_url())
    expect(page.get_by_role("heading", name="Se connecter à « Intranet »")).to_be_visible()
    expect(page.get_by_text("Connaître les groupes dont vous faites partie")).to_be_visible()
    assert_accessible(page)
    assert_fits_width(page)
    screenshot(page, "oidc-consentement-telephone")
    page.get_by_role("button", name="Autoriser").click()
    expect(page.get_by_text("Intranet")).to_be_visible()
    assert len(reached) == 1
    answer = parse_qs(urlsplit(reached[0]).query)
    assert answer["code"]
    assert answer["state"] == [flow.state]
    context.close()
    assert problems == []


def test_an_administrator_registers_a_client_in_the_console(
    browser,  # noqa: F811
    live_server,
    maire,
):
    """The form, then the secret shown once, with the keyboard and no axe violation."""
    context, page, problems = _signed_in(browser, live_server, maire, DESKTOP)
    page.goto(f"{live_server.url}/console/applications/")
    assert_accessible(page)
    page.get_by_role("link", name="Enregistrer une application").click()
    assert_accessible(page)
    page.get_by_label("Nom de l'application").fill("Intranet")
    page.get_by_label("Adresses de retour").fill("https://intranet.ville-exemple.fr/oidc/callback")
    page.get_by_role("button", name="Enregistrer l'application").click()
    expect(page.get_by_role("heading", name="« Intranet » est enregistrée")).to_be_visible()
    expect(page.locator("#secret-client")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "oidc-application-enregistree")
    context.close()
    assert problems == []
