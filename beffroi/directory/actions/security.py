"""Security events of an account that allauth carries out: second factors, sessions, external
identities. Each writes its audit event; allauth's own rows (authenticators, user sessions,
social accounts) are changed here or by allauth's flows, never by a view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.usersessions.models import UserSession
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput, NotFound
from beffroi.core.events import agent_group, publish_on_commit
from beffroi.directory.models import Agent

if TYPE_CHECKING:
    from allauth.socialaccount.models import SocialLogin

# allauth's names for second-factor changes (its notification templates), and ours.
SECOND_FACTOR_CHANGES = {
    "mfa/email/totp_activated": "totp_activated",
    "mfa/email/totp_deactivated": "totp_deactivated",
    "mfa/email/webauthn_added": "passkey_added",
    "mfa/email/webauthn_removed": "passkey_removed",
    "mfa/email/recovery_codes_generated": "recovery_codes_generated",
}


def do_record_second_factor_change(agent: Agent, change: str, *, address: str | None) -> None:
    """An authenticator app, passkey or set of recovery codes was added, removed or renewed."""
    with transaction.atomic():
        record(
            "directory.second_factor_changed",
            actor=agent,
            target=agent,
            address=address,
            details={"change": change},
        )
        publish_on_commit([agent_group(agent.pk)], "directory.security_changed", {"change": change})


def do_record_second_factor_sign_in(agent: Agent, *, method: str, address: str | None) -> None:
    """The second step of a sign-in passed (``totp``, ``recovery_codes`` or ``webauthn``)."""
    record(
        "directory.second_factor_passed",
        actor=agent,
        target=agent,
        address=address,
        details={"method": method},
    )


def do_record_failed_second_factor(agent: Agent, *, address: str | None, failures: int) -> None:
    """A wrong, expired or replayed second-factor code (the code itself is never kept)."""
    record(
        "directory.second_factor_failed",
        target=agent,
        address=address,
        details={"username": agent.username, "failures": failures},
    )


def do_note_session(request: HttpRequest) -> None:
    """List the request's session among the agent's sessions, so that the agent sees it and an
    administrator can end it, whichever engine keeps sessions (no audit: bookkeeping)."""
    UserSession.objects.create_from_request(request)


def _end(sessions: list[UserSession]) -> int:
    for session in sessions:
        session.end()
    return len(sessions)


def end_every_session(agent: Agent) -> int:
    """End every live session of ``agent`` (for actions that write their own audit event)."""
    return _end(UserSession.objects.purge_and_list(agent))


def do_end_session(
    agent: Agent, session_id: int, *, current_key: str | None, address: str | None
) -> UserSession:
    """The agent ends one of their other sessions (another browser, a lost phone).

    Raises ``NotFound`` for a session that is not theirs, no longer exists, or is the one in use
    (which ends by signing out).
    """
    session: UserSession | None = UserSession.objects.filter(pk=session_id, user=agent).first()
    if session is None or session.session_key == current_key or session.purge():
        raise NotFound()
    with transaction.atomic():
        session.end()
        record(
            "directory.session_ended",
            actor=agent,
            target=agent,
            address=address,
            details={"address": session.ip, "browser": session.user_agent[:200]},
        )
    return session


def do_end_other_sessions(agent: Agent, *, current_key: str | None, address: str | None) -> int:
    """The agent ends every session but the one in use; returns how many there were."""
    others = [
        session
        for session in UserSession.objects.purge_and_list(agent)
        if session.session_key != current_key
    ]
    with transaction.atomic():
        ended = _end(others)
        record(
            "directory.sessions_ended",
            actor=agent,
            target=agent,
            address=address,
            details={"sessions": ended, "kept_current": True},
        )
    return ended


def do_reset_password_from_link(agent: Agent, new_password: str, *, address: str | None) -> int:
    """The agent chose a new password through the link mailed to them: it replaces the old one
    (and any "must change password" set by an administrator), every session of the account ends
    (whoever asked for the link may not be the only one who knew the old password), and both are
    audited. Returns how many sessions were ended."""
    try:
        validate_password(new_password, user=agent)
    except ValidationError as error:
        raise InvalidInput(fields={"password": list(error.messages)}) from None
    with transaction.atomic():
        # Before the password changes: afterwards allauth would count these sessions as gone
        # (their password hash no longer matches) without removing them from the store.
        ended = end_every_session(agent)
        agent.set_password(new_password)
        agent.must_change_password = False
        agent.save(update_fields=["password", "must_change_password", "updated_at"])
        record(
            "directory.password_changed",
            actor=agent,
            target=agent,
            address=address,
            details={"channel": "reset_link"},
        )
        record(
            "directory.sessions_ended",
            actor=agent,
            target=agent,
            address=address,
            details={"sessions": ended, "reason": "password_reset"},
        )
    return ended


def do_link_external_account(
    agent: Agent, sociallogin: SocialLogin, request: HttpRequest, *, address: str | None
) -> None:
    """Tie an identity of the organisation's provider (ProConnect, Keycloak) to the agent whose
    e-mail address it carries, at its first sign-in."""
    with transaction.atomic():
        sociallogin.connect(request, agent)
        record(
            "directory.external_account_linked",
            actor=agent,
            target=agent,
            address=address,
            details={
                "provider": sociallogin.account.provider,
                "subject": str(sociallogin.account.uid)[:200],
            },
        )
