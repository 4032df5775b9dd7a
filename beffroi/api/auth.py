"""How API callers prove who they are: the web session (with CSRF) or a personal token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from beffroi.directory.access import authenticate_api_token
from beffroi.directory.models import Agent


class TokenAuth(HttpBearer):
    """``Authorization: Bearer bfr_…`` with a personal API token."""

    openapi_description = "Jeton d'API personnel, créé depuis la page Profil."

    def authenticate(self, request: HttpRequest, token: str) -> Agent:
        agent = authenticate_api_token(token, address=request.META.get("REMOTE_ADDR", ""))
        request.user = agent
        return agent


class AgentSessionAuth(SessionAuth):
    """The signed-in web session; unsafe methods also need the CSRF token."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or not isinstance(user, Agent) or user.status != Agent.Status.ACTIVE:
            return None
        return user


token_auth = TokenAuth()
session_auth = AgentSessionAuth()
