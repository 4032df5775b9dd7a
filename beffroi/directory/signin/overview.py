"""What an agent sees of their own account's security, in one read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession

from beffroi.directory.models import Agent
from beffroi.directory.signin import policy


@dataclass(frozen=True)
class SecurityOverview:
    second_factor_required: bool
    authenticator_app: bool
    passkeys: int
    recovery_codes_left: int | None
    other_sessions: int


def access_own_security_overview(agent: Agent, current_session_key: str | None) -> SecurityOverview:
    """The agent's second factors and how many other sessions are open (only their own)."""
    by_type: dict[str, list[Authenticator]] = {}
    for authenticator in Authenticator.objects.filter(user=agent):
        by_type.setdefault(authenticator.type, []).append(authenticator)
    recovery = by_type.get(Authenticator.Type.RECOVERY_CODES, [])
    return SecurityOverview(
        second_factor_required=policy.second_factor_required(agent),
        authenticator_app=bool(by_type.get(Authenticator.Type.TOTP)),
        passkeys=len(by_type.get(Authenticator.Type.WEBAUTHN, [])),
        recovery_codes_left=_unused_codes(recovery[0]) if recovery else None,
        other_sessions=UserSession.objects.filter(user=agent)
        .exclude(session_key=current_session_key or "")
        .count(),
    )


def _unused_codes(recovery_codes: Authenticator) -> int:
    wrapper: Any = recovery_codes.wrap()  # type: ignore[no-untyped-call]
    return len(wrapper.get_unused_codes())
