"""How API callers prove who they are: the web session (with CSRF), a personal token, or an
app password over HTTP Basic."""

from __future__ import annotations

import binascii
from base64 import b64decode
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.errors import HttpError
from ninja.security import HttpBasicAuth, HttpBearer, SessionAuth

from beffroi.core.errors import NotAllowed, NotAuthenticated
from beffroi.directory.access import authenticate_api_token, authenticate_app_password
from beffroi.directory.models import Agent, AppPassword


class CsrfRejected(NotAllowed):
    """A signed-in browser sent an unsafe request without the page's CSRF token."""

    code = "csrf_invalide"
    default_message = _("Le jeton CSRF est absent ou invalide. Rechargez la page puis recommencez.")


class TlsRequired(NotAllowed):
    """HTTP Basic sends the secret as it is: in production, only inside TLS."""

    code = "https_obligatoire"
    default_message = _(
        "L'authentification HTTP Basic n'est acceptée qu'en HTTPS. Utilisez l'adresse en https://."
    )


def _scheme_of(request: HttpRequest) -> tuple[str, str]:
    """The scheme of the Authorization header (lower case) and what follows it."""
    scheme, _space, value = request.headers.get("Authorization", "").strip().partition(" ")
    return scheme.lower(), value.strip()


class TokenAuth(HttpBearer):
    """``Authorization: Bearer bfr_…`` with a personal API token."""

    openapi_description = "Jeton d'API personnel, créé depuis la page Profil."

    def __call__(self, request: HttpRequest) -> Any:
        # Ninja's own parsing logs the whole header of any other scheme in DEBUG: a Basic
        # header carries a password, so other schemes are passed over here without a word.
        scheme, token = _scheme_of(request)
        if scheme != "bearer":
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> Agent:
        try:
            agent = authenticate_api_token(token, address=request.META.get("REMOTE_ADDR", ""))
        except NotAuthenticated as error:
            raise NotAuthenticated(
                _("Ce jeton d'API n'est pas valide ou a été révoqué.")
            ) from error
        request.user = agent
        return agent


class AppPasswordBasicAuth(HttpBasicAuth):
    """``Authorization: Basic`` with the username and an app password allowed for the API.

    For scripts and tools that only speak HTTP Basic (curl -u, rclone, office suites). The
    account password is never accepted here: an app password can be limited and revoked.
    """

    openapi_description = (
        "Identifiant et mot de passe d'application (usage « API »), créé depuis la page Profil. "
        "En production, uniquement en HTTPS."
    )

    def __call__(self, request: HttpRequest) -> Any:
        scheme, encoded = _scheme_of(request)
        if scheme != "basic":
            return None
        if settings.PRODUCTION and not request.is_secure():
            raise TlsRequired()
        try:
            # RFC 7617: UTF-8 is what clients send when they say anything.
            username, _colon, password = b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise NotAuthenticated(_wrong_app_password()) from error
        return self.authenticate(request, username, password)

    def authenticate(self, request: HttpRequest, username: str, password: str) -> Agent:
        try:
            agent = authenticate_app_password(
                username,
                password,
                scope=AppPassword.Scope.API,
                address=request.META.get("REMOTE_ADDR", ""),
            )
        except NotAuthenticated as error:
            raise NotAuthenticated(_wrong_app_password()) from error
        request.user = agent
        return agent


def _wrong_app_password() -> Any:
    return _(
        "Identifiant ou mot de passe d'application incorrect, révoqué, ou sans l'usage « API »."
    )


def _bearer_sent(request: HttpRequest) -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


class AgentSessionAuth(SessionAuth):
    """The signed-in web session; unsafe methods also need the CSRF token."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if _bearer_sent(request):
            # Only reached where a token is not accepted (a token is tried first elsewhere).
            raise NotAuthenticated(
                _("Cette action demande une session web : un jeton d'API ne suffit pas.")
            )
        if self.param_name not in request.COOKIES:
            # No session cookie, no ambient credential for a forged request to ride on.
            return None
        try:
            return super()._get_key(request)
        except HttpError as error:
            raise CsrfRejected() from error

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        user = super().authenticate(request, key)
        if not isinstance(user, Agent) or not user.can_sign_in:
            return None
        return user


token_auth = TokenAuth()
basic_auth = AppPasswordBasicAuth()
session_auth = AgentSessionAuth()


def caller(request: HttpRequest) -> Agent:
    """The agent an authenticated operation runs for (set by one of the authenticators)."""
    agent = request.auth  # type: ignore[attr-defined]
    assert isinstance(agent, Agent)
    return agent


def caller_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
