"""Reads of the directory for a given person, and the one place credentials are checked."""

from __future__ import annotations

import uuid

from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext

from beffroi.core import throttle
from beffroi.core.errors import NotAuthenticated, NotFound
from beffroi.directory import actions, policies, tokens
from beffroi.directory.models import Agent, ApiToken


def _usable(agent: Agent) -> bool:
    return agent.is_active and agent.status == Agent.Status.ACTIVE


def authenticate_password(
    username: str,
    password: str,
    *,
    channel: str,
    address: str,
    request: HttpRequest | None = None,
) -> Agent:
    """Check a username and password, slowing down repeated failures.

    A wrong username, a wrong password and a suspended account give the same error, and the
    password hasher runs in every case (Django's ModelBackend hashes for unknown users too), so
    neither the answer nor its timing tells which one it was.
    """
    attempt = throttle.CredentialAttempt(scope="password", account=username, address=address)
    throttle.check_allowed(attempt)
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, Agent) or not _usable(user):
        failures = throttle.record_failure(attempt)
        actions.do_record_failed_sign_in(
            username, channel=channel, address=address, failures=failures
        )
        raise NotAuthenticated(_wrong_credentials())
    throttle.record_success(attempt)
    actions.do_record_sign_in(user, channel=channel, address=address)
    return user


def authenticate_api_token(clear_text: str, *, address: str) -> Agent:
    """The agent owning a valid, unrevoked personal API token."""
    attempt = throttle.CredentialAttempt(scope="token", account="", address=address)
    throttle.check_allowed(attempt)
    prefix = tokens.prefix_of(clear_text)
    token = (
        ApiToken.objects.select_related("agent").filter(prefix=prefix, revoked_at=None).first()
        if prefix
        else None
    )
    if (
        token is None
        or not tokens.matches(clear_text, token.secret_hash)
        or not _usable(token.agent)
    ):
        throttle.record_failure(attempt)
        raise NotAuthenticated(_wrong_credentials())
    actions.do_note_api_token_use(token)
    return token.agent


def _wrong_credentials() -> str:
    return gettext("Identifiant ou mot de passe incorrect.")


def access_agent_by_id(user: Agent | AnonymousUser, agent_id: uuid.UUID) -> Agent:
    """The agent, if ``user`` may see them; otherwise the same ``NotFound`` as a missing one."""
    agent = Agent.objects.filter(pk=agent_id).first()
    if agent is None or not policies.abilities(user, agent).view:
        raise NotFound()
    return agent


def access_own_api_tokens(agent: Agent) -> list[ApiToken]:
    return list(agent.api_tokens.filter(revoked_at=None))


def access_own_api_token(agent: Agent, token_id: uuid.UUID) -> ApiToken:
    token = agent.api_tokens.filter(pk=token_id, revoked_at=None).first()
    if token is None:
        raise NotFound()
    return token
