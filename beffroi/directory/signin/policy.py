"""The organisation's sign-in rules for one agent: is a second factor required, is one enrolled."""

from __future__ import annotations

from allauth.mfa.models import Authenticator

from beffroi.directory.models import Agent, Organisation
from beffroi.directory.queries import roles_of

# Authenticators that are a second factor by themselves (recovery codes only back them up).
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def second_factor_required(agent: Agent) -> bool:
    """Whether one of the agent's roles is in the organisation's "second factor required" list."""
    required = set(Organisation.current().second_factor_roles or [])
    return any(role.value in required for role in roles_of(agent))


def has_second_factor(agent: Agent) -> bool:
    """Whether the agent has enrolled an authenticator app or a passkey / security key."""
    return Authenticator.objects.filter(user=agent, type__in=SECOND_FACTOR_TYPES).exists()
