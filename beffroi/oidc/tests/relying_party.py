"""A relying party for the tests: Authlib's OAuth2 client (the library other Python tools use)
driving Beffroi's provider on ``live_server``, and an agent's browser played by ``requests``
with a real session cookie.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.test import Client
from joserfc import jwt
from joserfc.jwk import KeySet

from beffroi.directory.models import Agent
from beffroi.oidc.actions import ClientSettings, do_register_client

REDIRECT_URI = "https://intranet.ville-exemple.fr/oidc/callback"
# Closed after each test (conftest.py): a kept-alive connection holds a live-server thread and
# its database connection, and PostgreSQL then refuses to drop the test database.
OPEN_SESSIONS: list[requests.Session] = []
ALL_SCOPES = "openid profile email groups departments"


@dataclass
class RegisteredClient:
    client_id: str
    client_secret: str | None


def register(
    administrator: Agent, *, confidential: bool = True, trusted: bool = False
) -> RegisteredClient:
    application, secret = do_register_client(
        ClientSettings(name="Intranet", redirect_uris=[REDIRECT_URI], trusted=trusted),
        confidential=confidential,
        acting=administrator,
    )
    return RegisteredClient(application.client_id, secret)


def discover(base_url: str) -> dict[str, Any]:
    response = requests.get(f"{base_url}/o/.well-known/openid-configuration", timeout=30)
    response.raise_for_status()
    return response.json()


def signed_in_browser(agent: Agent) -> requests.Session:
    """A browser that has signed in as ``agent`` (its session cookie, made the Django way)."""
    client = Client()
    client.force_login(agent)
    browser = requests.Session()
    OPEN_SESSIONS.append(browser)
    browser.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return browser


class _FormReader(HTMLParser):
    """The inputs of the page's POST form, and the submit button that allows."""

    def __init__(self) -> None:
        super().__init__()
        self.in_form = False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and values.get("method", "").lower() == "post":
            self.in_form = True
        elif self.in_form and tag in ("input", "button") and values.get("name"):
            self.fields[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False


def consent_form(html: str) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(html)
    return reader.fields


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


@dataclass
class Flow:
    """One sign-in of an agent to the relying party, step by step."""

    base_url: str
    registered: RegisteredClient
    scope: str = ALL_SCOPES
    redirect_uri: str = REDIRECT_URI

    def __post_init__(self) -> None:
        self.discovery = discover(self.base_url)
        self.verifier = generate_token(64)
        self.nonce = generate_token(20)
        self.session = OAuth2Session(
            self.registered.client_id,
            self.registered.client_secret,
            scope=self.scope,
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic"
            if self.registered.client_secret
            else "none",
        )
        OPEN_SESSIONS.append(self.session)

    def authorization_url(self) -> str:
        url, self.state = self.session.create_authorization_url(
            self.discovery["authorization_endpoint"],
            code_verifier=self.verifier,
            nonce=self.nonce,
        )
        return str(url)

    def authorize(self, browser: requests.Session, *, allow: bool = True) -> requests.Response:
        """Open the authorization URL as the agent and, on the consent page, answer. Returns
        the final response: the redirect back to the relying party, or what stopped short."""
        response = browser.get(self.authorization_url(), allow_redirects=False, timeout=30)
        if response.status_code == 200 and "consentement" in response.text:
            fields = consent_form(response.text)
            if not allow:
                fields.pop("allow", None)
            response = browser.post(response.url, data=fields, allow_redirects=False, timeout=30)
        return response

    def fetch_token(self, location: str, *, code_verifier: str | None = None) -> dict[str, Any]:
        token: dict[str, Any] = self.session.fetch_token(
            self.discovery["token_endpoint"],
            authorization_response=location,
            code_verifier=self.verifier if code_verifier is None else code_verifier,
        )
        return token

    def verified_id_token(self, id_token: str) -> dict[str, Any]:
        """The ID token's claims, once its RS256 signature is checked against the JWKS and its
        issuer, audience and nonce against what this client expects."""
        keys = KeySet.import_key_set(requests.get(self.discovery["jwks_uri"], timeout=30).json())
        decoded = jwt.decode(id_token, keys, algorithms=["RS256"])
        assert decoded.header["alg"] == "RS256"
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": self.discovery["issuer"]},
            aud={"essential": True, "value": self.registered.client_id},
            nonce={"essential": True, "value": self.nonce},
            exp={"essential": True},
        ).validate(decoded.claims)
        return dict(decoded.claims)

    def userinfo(self) -> requests.Response:
        response: requests.Response = self.session.get(
            self.discovery["userinfo_endpoint"], timeout=30
        )
        return response
