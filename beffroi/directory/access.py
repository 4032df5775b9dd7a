"""Reads of the directory for a given person, and the one place credentials are checked."""

from __future__ import annotations

import re
import uuid

from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext

from beffroi.core import throttle
from beffroi.core.errors import NotAuthenticated, NotFound
from beffroi.directory import actions, policies, tokens
from beffroi.directory.models import Agent, ApiToken, Department

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


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
    # Control characters (NUL included) are never part of a username or password: answer as
    # for a wrong password, without sending them to the database.
    printable = not _CONTROL.search(username) and not _CONTROL.search(password)
    user = authenticate(request, username=username, password=password) if printable else None
    if not isinstance(user, Agent) or not user.can_sign_in:
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
    prefix = tokens.prefix_of(clear_text)
    # Counted per token prefix and address, so that one script with a stale token does not
    # lock out every other script of the town hall behind the same address.
    attempt = throttle.CredentialAttempt(
        scope="token", account=prefix or "malformed", address=address
    )
    throttle.check_allowed(attempt)
    token = (
        ApiToken.objects.select_related("agent").filter(prefix=prefix, revoked_at=None).first()
        if prefix
        else None
    )
    if (
        token is None
        or not tokens.matches(clear_text, token.secret_hash)
        or not token.agent.can_sign_in
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


def access_department_by_id(user: Agent | AnonymousUser, department_id: uuid.UUID) -> Department:
    department = Department.objects.filter(pk=department_id).first()
    if department is None or not policies.department_abilities(user, department).view:
        raise NotFound()
    return department


def access_departments(user: Agent | AnonymousUser) -> list[Department]:
    """The organisation chart as this person may see it (guests see none of it)."""
    if not isinstance(user, Agent) or not user.can_sign_in or user.kind == Agent.Kind.GUEST:
        return []
    return list(Department.objects.select_related("parent").order_by("name"))


SEARCH_LIMIT = 50


def access_agents(
    user: Agent | AnonymousUser,
    *,
    search: str = "",
    department: Department | None = None,
    limit: int = SEARCH_LIMIT,
) -> list[Agent]:
    """Agents this person may see, for pickers and the directory: active colleagues for an
    agent, only themselves for a guest, everyone (departed included) for an administrator."""
    if not isinstance(user, Agent) or not user.can_sign_in:
        return []
    agents = Agent.objects.all()
    if user.kind == Agent.Kind.GUEST:
        agents = agents.filter(pk=user.pk)
    elif not user.is_superuser:
        agents = agents.filter(status=Agent.Status.ACTIVE)
    for word in search.split()[:5]:
        agents = agents.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(job_title__icontains=word)
        )
    if department is not None:
        agents = agents.filter(memberships__department=department)
    return list(agents.distinct().order_by("last_name", "first_name", "username")[:limit])
