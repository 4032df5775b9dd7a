"""The one place credentials are checked: passwords, API tokens (app passwords to come).

Every adapter (web sign-in, API, DAV, IMAP, SMTP) authenticates through these functions, which
slow down repeated failures and give the same answer for a wrong user and a wrong password.
"""

from __future__ import annotations

import re

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext

from beffroi.core import throttle
from beffroi.core.errors import NotAuthenticated
from beffroi.directory import actions, tokens
from beffroi.directory.models import Agent, ApiToken

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
