"""How API callers prove who they are: the web session (with CSRF) or a personal token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from beffroi.core.errors import NotAllowed, NotAuthenticated
from beffroi.directory.access import authenticate_api_token
from beffroi.directory.models import Agent


class CsrfRejected(NotAllowed):
    """A signed-in browser sent an unsafe request without the page's CSRF token."""

    code = "csrf_invalide"
    default_message = _("Le jeton CSRF est absent ou invalide. Rechargez la page puis recommencez.")


class TokenAuth(HttpBearer):
    """``Authorization: Bearer bfr_…`` with a personal API token."""

    openapi_description = "Jeton d'API personnel, créé depuis la page Profil."

    def authenticate(self, request: HttpRequest, token: str) -> Agent:
        try:
            agent = authenticate_api_token(token, address=request.META.get("REMOTE_ADDR", ""))
        except NotAuthenticated as error:
            raise NotAuthenticated(
                _("Ce jeton d'API n'est pas valide ou a été révoqué.")
            ) from error
        request.user = agent
        return agent


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
session_auth = AgentSessionAuth()
