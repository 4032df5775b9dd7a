"""The one place credentials are checked: passwords, API tokens, app passwords.

Every adapter (web sign-in, API, DAV, IMAP, SMTP) authenticates through these functions, which
slow down repeated failures and give the same answer for a wrong user and a wrong password.
Protocol clients (DAV, IMAP, SMTP, the API over HTTP Basic) call ``authenticate_app_password``,
or ``authenticate_protocol_client`` where the account password is also acceptable.
"""

from __future__ import annotations

import hmac
import re
import uuid
from typing import NoReturn

from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext

from beffroi.core import throttle
from beffroi.core.errors import NotAuthenticated, NotFound
from beffroi.directory import actions, queries, tokens
from beffroi.directory.actions.app_passwords import secret_digest
from beffroi.directory.models import Agent, ApiToken, AppPassword, Organisation

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


def authenticate_app_password(username: str, secret: str, *, scope: str, address: str) -> Agent:
    """The agent, when ``secret`` is one of their unrevoked app passwords allowed for ``scope``.

    The one check protocol adapters call (DAV with ``files`` or ``calendars``, IMAP and SMTP
    with ``mail``, the API over HTTP Basic with ``api``). An unknown user, a wrong secret, a
    revoked one, one not allowed for this scope and a suspended account all get the same
    answer after the same work: one query and one hash whatever the case.
    """
    attempt = _app_password_attempt(username, address)
    throttle.check_allowed(attempt)
    app_password = _matching_app_password(username, secret, scope)
    if app_password is None:
        _refuse(attempt, username, channel=f"app-password:{scope}", address=address)
    return _accept(app_password, attempt, address)


def authenticate_protocol_client(username: str, secret: str, *, scope: str, address: str) -> Agent:
    """An app password, or the account password when the account has no second factor.

    A password alone never opens protocol access to an account protected by a second factor
    (enrolled, or required for one of its roles): those clients need an app password. Every
    refusal takes the same time: the password hasher runs whether the account exists, has a
    second factor or not.
    """
    attempt = _app_password_attempt(username, address)
    throttle.check_allowed(attempt)
    app_password = _matching_app_password(username, secret, scope)
    if app_password is not None:
        return _accept(app_password, attempt, address)
    channel = f"protocol:{scope}"
    if _needs_second_factor(username):
        password_attempt = throttle.CredentialAttempt(
            scope="password", account=username, address=address
        )
        throttle.check_allowed(password_attempt)
        # Check the password anyway, with every backend, so that refusing takes as long as a
        # wrong password; a right one only changes the message, for its owner's sake.
        right = _password_is_right(username, secret)
        throttle.record_failure(attempt)
        _refuse(
            password_attempt,
            username,
            channel=channel,
            address=address,
            message=_app_password_needed() if right else None,
        )
    try:
        agent = authenticate_password(username, secret, channel=channel, address=address)
    except NotAuthenticated:
        throttle.record_failure(attempt)
        raise
    throttle.record_success(attempt)
    return agent


def access_own_app_passwords(agent: Agent) -> list[AppPassword]:
    """The agent's app passwords still in use, newest first."""
    return list(agent.app_passwords.filter(revoked_at=None))


def access_own_app_password(agent: Agent, app_password_id: uuid.UUID) -> AppPassword:
    """One of the agent's unrevoked app passwords; the same ``NotFound`` for a missing one,
    a revoked one and someone else's."""
    app_password = agent.app_passwords.filter(pk=app_password_id, revoked_at=None).first()
    if app_password is None:
        raise NotFound()
    return app_password


def _app_password_attempt(username: str, address: str) -> throttle.CredentialAttempt:
    return throttle.CredentialAttempt(scope="app-password", account=username, address=address)


def _matching_app_password(username: str, secret: str, scope: str) -> AppPassword | None:
    """The app password of ``username`` that ``secret`` opens for ``scope``, if any.

    Whatever is wrong, the same work: one query for plain values (no model built for an
    existing user that an unknown one would skip), one hash, every candidate compared.
    """
    if scope not in AppPassword.Scope.values:
        raise ValueError(f"unknown app-password scope: {scope!r}")
    digest = secret_digest(secret)
    candidates = (
        []
        if _CONTROL.search(username)
        else AppPassword.objects.filter(agent__username=username, revoked_at=None).values_list(
            "pk", "secret_hash", "scopes", "agent__status", "agent__is_active"
        )
    )
    found = None
    for pk, secret_hash, scopes, status, is_active in candidates:
        if (
            hmac.compare_digest(secret_hash, digest)
            and scope in scopes
            and status == Agent.Status.ACTIVE
            and is_active
        ):
            found = pk
    if found is None:
        return None
    return AppPassword.objects.select_related("agent").get(pk=found)


def _accept(app_password: AppPassword, attempt: throttle.CredentialAttempt, address: str) -> Agent:
    throttle.record_success(attempt)
    actions.do_note_app_password_use(app_password, address)
    return app_password.agent


def _refuse(
    attempt: throttle.CredentialAttempt,
    username: str,
    *,
    channel: str,
    address: str,
    message: str | None = None,
) -> NoReturn:
    failures = throttle.record_failure(attempt)
    actions.do_record_failed_sign_in(username, channel=channel, address=address, failures=failures)
    raise NotAuthenticated(message or _wrong_credentials())


def _password_is_right(username: str, password: str) -> bool:
    if _CONTROL.search(username) or _CONTROL.search(password):
        return False
    user = authenticate(None, username=username, password=password)
    return isinstance(user, Agent) and user.can_sign_in


def _needs_second_factor(username: str) -> bool:
    """Whether the account has a second factor, or must have one for one of its roles."""
    if _CONTROL.search(username):
        return False
    if Authenticator.objects.filter(user__username=username).exists():
        return True
    agent = Agent.objects.filter(username=username).first()
    if agent is None:
        return False
    required = (
        Organisation.objects.order_by("created_at")
        .values_list("second_factor_roles", flat=True)
        .first()
        or []
    )
    return any(role in required for role in queries.roles_of(agent))


def _app_password_needed() -> str:
    return gettext(
        "Ce compte est protégé par un second facteur : pour cette application, créez un mot "
        "de passe d'application dans votre profil."
    )
