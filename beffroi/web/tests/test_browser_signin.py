"""Signing in with a second factor in a real browser: Debian's chromium driven by Playwright,
under Beffroi's Content-Security-Policy, each page checked by axe-core.

Screenshots land in test-artifacts/screenshots/ (ignored by git). The journey starts from an
existing agent; the console pages that create one come before it in the full scripted journey.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Browser, Page, expect

from beffroi.audit.models import AuditEvent
from beffroi.directory.models import Agent, Organisation
from beffroi.directory.tests.factories import DEFAULT_PASSWORD
from beffroi.web.tests.browser import DESKTOP, assert_accessible, open_context, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A fresh desktop page enforcing the Content-Security-Policy."""
    context, opened, problems = open_context(browser, DESKTOP, bypass_csp=False)
    yield opened, problems
    context.close()


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _sign_in(page: Page, agent: Agent) -> None:
    page.get_by_label("Identifiant").fill(agent.username)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()


def test_an_administrator_is_made_to_enrol_an_app_then_signs_in_with_a_code(
    live_server, page, maire
):
    """The organisation requires a second factor of administrators. The mayor signs in, is held
    on the enrolment page, scans (reads) the key, types the app's code, signs out, and signs back
    in with a fresh code. Every page passes axe-core under the strict CSP."""
    browser_page, problems = page
    organisation = Organisation.current()
    organisation.second_factor_roles = ["administrator"]
    organisation.save()

    browser_page.goto(f"{live_server.url}/connexion/")
    assert_accessible(browser_page)
    screenshot(browser_page, "connexion-2fa-1-connexion")
    _sign_in(browser_page, maire)

    expect(browser_page).to_have_url(f"{live_server.url}/compte/2fa/totp/activate/")
    expect(browser_page.get_by_role("heading", level=1)).to_have_text(
        "Activer une application d'authentification"
    )
    expect(
        browser_page.get_by_role("status").filter(has_text="Votre fonction exige")
    ).to_contain_text("Votre fonction exige")
    expect(browser_page.get_by_role("img", name=re.compile("Code QR"))).to_be_visible()
    assert_accessible(browser_page)
    screenshot(browser_page, "connexion-2fa-2-activation")
    browser_page.goto(f"{live_server.url}/profil/")
    expect(browser_page).to_have_url(f"{live_server.url}/compte/2fa/totp/activate/")

    secret = browser_page.locator("#totp-secret").inner_text().strip()
    browser_page.get_by_label("Code affiché par l'application").fill(_current_code(secret))
    browser_page.get_by_role("button", name="Activer").click()
    expect(browser_page.get_by_role("heading", level=1)).to_have_text("Codes de secours")
    expect(browser_page.locator(".recovery-codes li")).to_have_count(10)
    assert_accessible(browser_page)
    screenshot(browser_page, "connexion-2fa-3-codes-de-secours")
    assert Authenticator.objects.filter(user=maire, type=Authenticator.Type.TOTP).exists()

    browser_page.goto(f"{live_server.url}/")
    expect(browser_page.get_by_role("heading", level=1)).to_have_text("Bonjour Claire")
    browser_page.get_by_role("button", name="Se déconnecter").click()
    expect(
        browser_page.get_by_role("status").filter(has_text="Vous êtes déconnecté.")
    ).to_contain_text("Vous êtes déconnecté.")

    _sign_in(browser_page, maire)
    expect(browser_page).to_have_url(f"{live_server.url}/compte/2fa/authenticate/")
    expect(browser_page.get_by_role("heading", level=1)).to_have_text("Second facteur")
    assert_accessible(browser_page)
    screenshot(browser_page, "connexion-2fa-4-code-demande")
    browser_page.get_by_label("Code à usage unique").fill("000000")
    browser_page.get_by_role("button", name="Valider").click()
    code_field = browser_page.get_by_label("Code à usage unique")
    expect(code_field).to_have_attribute("aria-invalid", "true")
    expect(browser_page.get_by_text("Ce code est incorrect ou a expiré.")).to_be_visible()
    expect(browser_page).to_have_title(re.compile("^Erreur : Second facteur"))
    assert_accessible(browser_page)
    screenshot(browser_page, "connexion-2fa-5-code-refuse")

    browser_page.get_by_label("Code à usage unique").fill(_current_code(secret))
    browser_page.get_by_role("button", name="Valider").click()
    expect(browser_page.get_by_role("heading", level=1)).to_have_text("Bonjour Claire")
    screenshot(browser_page, "connexion-2fa-6-accueil")
    assert AuditEvent.objects.filter(action="directory.second_factor_passed").count() == 1
    assert not problems, "\n".join(problems)


def test_a_passkey_is_registered_and_then_signs_the_agent_in(live_server, page, agent_voirie):
    """With Chromium's virtual authenticator standing for the phone's fingerprint reader, the
    agent adds a passkey from the security pages, signs out, and signs back in with the passkey
    alone."""
    browser_page, problems = page
    cdp = browser_page.context.new_cdp_session(browser_page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    browser_page.goto(f"{live_server.url}/connexion/")
    _sign_in(browser_page, agent_voirie)
    expect(browser_page.get_by_role("heading", level=1)).to_have_text("Bonjour Karim")

    browser_page.goto(f"{live_server.url}/profil/securite/")
    assert_accessible(browser_page)
    screenshot(browser_page, "cle-acces-1-securite")
    browser_page.get_by_role("link", name="Gérer mes seconds facteurs").click()
    assert_accessible(browser_page)
    browser_page.get_by_role("link", name="Ajouter une clé").click()
    # allauth asks for the password again before adding a key.
    browser_page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    browser_page.get_by_role("button", name="Confirmer").click()
    browser_page.get_by_label("Nom de la clé").fill("Téléphone de service")
    browser_page.get_by_label(re.compile("Clé d'accès : se connecter")).check()
    assert_accessible(browser_page)
    screenshot(browser_page, "cle-acces-2-ajout")
    browser_page.locator("#mfa_webauthn_add").click()
    expect(
        browser_page.get_by_role("status").filter(has_text="La clé est ajoutée.")
    ).to_contain_text("La clé est ajoutée.")
    assert Authenticator.objects.filter(
        user=agent_voirie, type=Authenticator.Type.WEBAUTHN
    ).exists()

    browser_page.goto(f"{live_server.url}/")
    browser_page.get_by_role("button", name="Se déconnecter").click()
    browser_page.get_by_role("button", name="Se connecter avec une clé d'accès").click()

    expect(browser_page.get_by_role("heading", level=1)).to_have_text("Bonjour Karim")
    screenshot(browser_page, "cle-acces-3-connecte")
    assert AuditEvent.objects.filter(
        action="directory.sign_in", details__channel="passkey"
    ).exists()
    assert AuditEvent.objects.filter(
        action="directory.second_factor_changed", details__change="passkey_added"
    ).exists()
    assert not problems, "\n".join(problems)
