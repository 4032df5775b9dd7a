"""What Beffroi tells a client about the agent who signs in: the documented claims.

docs/oidc-provider.md lists them; each claim is released only with the scope that covers it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypedDict

from allauth.account.models import EmailAddress

from beffroi.directory.models import Agent

# The scope that releases each claim (the standard ones, then Beffroi's).
CLAIM_SCOPES: dict[str, str] = {
    "sub": "openid",
    "name": "profile",
    "given_name": "profile",
    "family_name": "profile",
    "preferred_username": "profile",
    "email": "email",
    "email_verified": "email",
    "groups": "groups",
    "departments": "departments",
}


class DepartmentClaim(TypedDict):
    code: str
    name: str


def subject(agent: Agent) -> str:
    """The stable identifier of an agent for every client: their UUID, never their username."""
    return str(agent.pk)


def email_verified(agent: Agent) -> bool:
    """True only when the sign-in accounts have confirmed this very address."""
    if not agent.email:
        return False
    return bool(
        EmailAddress.objects.filter(user=agent, email__iexact=agent.email, verified=True).exists()
    )


def departments(agent: Agent) -> list[DepartmentClaim]:
    """The departments the agent belongs to directly, by code and name."""
    return [
        DepartmentClaim(code=code, name=name)
        for code, name in agent.departments.order_by("code").values_list("code", "name")
    ]


def groups(agent: Agent) -> list[str]:
    return list(agent.agent_groups.order_by("name").values_list("name", flat=True))


def _name(agent: Agent) -> str:
    return agent.display_name


def _given_name(agent: Agent) -> str:
    return agent.first_name


def _family_name(agent: Agent) -> str:
    return agent.last_name


def _preferred_username(agent: Agent) -> str:
    return agent.username


def _email(agent: Agent) -> str:
    return agent.email


# How each claim is read from the agent; computed only when its scope was granted.
CLAIMS: dict[str, Callable[[Agent], Any]] = {
    "sub": subject,
    "name": _name,
    "given_name": _given_name,
    "family_name": _family_name,
    "preferred_username": _preferred_username,
    "email": _email,
    "email_verified": email_verified,
    "groups": groups,
    "departments": departments,
}


def claims_of(agent: Agent, scopes: Iterable[str]) -> dict[str, Any]:
    """The documented claims of an agent that these scopes release."""
    granted = set(scopes)
    return {name: read(agent) for name, read in CLAIMS.items() if CLAIM_SCOPES[name] in granted}
