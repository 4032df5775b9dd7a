"""Error pages and the security headers every page carries."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils.html import escape


def test_an_unknown_page_gets_the_french_404_page(client, db):
    """A missing page answers 404 with Beffroi's own French HTML page, not a bare error."""
    response = client.get("/cette-page-n-existe-pas/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert '<h1 id="titre-erreur">Page introuvable</h1>' in page
    assert escape("Cette page n'existe pas ou vous n'y avez pas accès.") in page
    assert ">Revenir à l'accueil</a>" in page


def test_an_expired_form_gets_a_french_explanation(agent_voirie):
    """A form posted without its CSRF token is refused with a page saying what to do."""
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/connexion/", {"username": "agent.voirie", "password": "peu importe"})

    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()
    assert "_auth_user_id" not in browser.session


def test_pages_carry_a_strict_content_security_policy(client, db):
    """Every page forbids inline scripts and styles, framing and foreign resources."""
    response = client.get("/connexion/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("address", ["/connexion/", "/", "/profil/", "/nulle-part/"])
def test_pages_need_no_inline_script_or_style(client, maire, address):
    """No template relies on what the policy refuses: no style attribute, no <style>, and
    every <script> is a file."""
    if address != "/connexion/":
        client.force_login(maire)

    page = client.get(address).content.decode()

    assert "<body" in page
    assert not re.search(r"\sstyle\s*=", page)
    assert "<style" not in page
    # Scripts are files; the only inline blocks allowed are inert JSON data (allauth's passkey
    # button reads its options from one), which the CSP never executes.
    assert all(
        "src=" in tag or 'type="application/json"' in tag
        for tag in re.findall(r"<script[^>]*>", page)
    )
    assert not re.search(r"\son[a-z]+\s*=", page)
