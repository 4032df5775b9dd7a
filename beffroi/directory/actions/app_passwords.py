"""App passwords: one per client (phone, Thunderbird, file client), shown once, stored as a hash,
limited to some protocols, revocable.

The secret is four groups of four characters (``k7mq-x2vd-9hnp-ta4c``) drawn by ``secrets`` from
32 characters with the look-alikes removed (no ``0 o 1 l``): 16 × 5 = 80 bits of entropy, easy
to type on a phone.

Why a plain SHA-256 and not Django's password hasher: stretching (Argon2, PBKDF2) protects
*guessable* secrets against an attacker who stole the database. These secrets are not guessable:
searching 2^80 values costs about 2^79 SHA-256 on average, some 200,000 years at 10^11 hashes a
second. Meanwhile a protocol client authenticates on *every* request (rclone syncing a folder
sends hundreds), and an agent may have several app passwords to try. Measured on the
development machine: Argon2 with Django's settings verifies in ~170 ms, PBKDF2-SHA256 (1M
rounds) in ~510 ms, SHA-256 in ~1 µs. So a fast hash is both safe and necessary here; the
account password, chosen by a person, keeps Argon2.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput
from beffroi.core.events import agent_group, publish_on_commit
from beffroi.directory.models import Agent, AppPassword

# Lower-case letters and digits without 0, o, 1, l: 32 characters, 5 bits each.
SECRET_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # noqa: S105 - characters, not a secret
_GROUPS = 4
_GROUP_LENGTH = 4
# A fixed tag, so that an app password's digest never equals the digest of anything else.
_DIGEST_TAG = b"beffroi-app-password:"
# Writing the last use at most this often keeps each authenticated request a pure read.
_NOTE_USE_EVERY_SECONDS = 60


def issue_secret() -> str:
    """A new secret in its display form: ``xxxx-xxxx-xxxx-xxxx``."""
    groups = (
        "".join(secrets.choice(SECRET_ALPHABET) for _ in range(_GROUP_LENGTH))
        for _ in range(_GROUPS)
    )
    return "-".join(groups)


def secret_digest(typed: str) -> str:
    """The stored form of a secret as a person or a client typed it.

    Case, spaces and dashes do not matter (a phone capitalises, a person types groups with
    spaces). Anything else is hashed as it is: it then matches nothing, after the same work.
    """
    canonical = "".join(typed.split()).replace("-", "").lower()
    return hashlib.sha256(_DIGEST_TAG + canonical.encode("utf-8", "replace")).hexdigest()


def _clean_label(label: str) -> str:
    label = label.strip()
    if not label or len(label) > 100:
        raise InvalidInput(fields={"label": [_("Donnez un nom de 1 à 100 caractères.")]})
    return label


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    """The scopes asked for, in the canonical order; at least one, all known."""
    wanted = set(scopes)
    unknown = wanted - set(AppPassword.Scope.values)
    if unknown:
        raise InvalidInput(
            fields={
                "scopes": [
                    _("Usage inconnu : %(scope)s.") % {"scope": scope} for scope in sorted(unknown)
                ]
            }
        )
    if not wanted:
        raise InvalidInput(fields={"scopes": [_("Choisissez au moins un usage.")]})
    return [scope for scope in AppPassword.Scope.values if scope in wanted]


def _ip_or_none(address: str | None) -> str | None:
    """Addresses are stored as IP addresses; anything else (a test client's name) is dropped."""
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def do_create_app_password(
    agent: Agent, label: str, scopes: Iterable[str], address: str | None = None
) -> tuple[AppPassword, str]:
    """Create an app password; its secret is returned once and never stored in clear."""
    label = _clean_label(label)
    chosen = _clean_scopes(scopes)
    secret = issue_secret()
    with transaction.atomic():
        app_password = AppPassword.objects.create(
            agent=agent, label=label, scopes=chosen, secret_hash=secret_digest(secret)
        )
        record(
            "directory.app_password_created",
            actor=agent,
            target=app_password,
            address=_ip_or_none(address),
            details={"label": label, "scopes": chosen},
        )
        publish_on_commit(
            [agent_group(agent.pk)],
            "directory.app_passwords_changed",
            {"app_password": str(app_password.pk)},
        )
    return app_password, secret


def do_revoke_app_password(
    app_password: AppPassword, *, acting: Agent | None, address: str | None = None
) -> None:
    """Revoke at once: the next request of the client using it is refused."""
    if app_password.revoked_at is not None:
        return
    with transaction.atomic():
        app_password.revoked_at = timezone.now()
        app_password.save(update_fields=["revoked_at", "updated_at"])
        record(
            "directory.app_password_revoked",
            actor=acting,
            target=app_password,
            address=_ip_or_none(address),
            details={"label": app_password.label, "agent": app_password.agent.username},
        )
        publish_on_commit(
            [agent_group(app_password.agent_id)],
            "directory.app_passwords_changed",
            {"app_password": str(app_password.pk)},
        )


def do_note_app_password_use(app_password: AppPassword, address: str | None) -> None:
    """Keep the last use (time and address) for the agent to see, writing at most once a minute
    from one address so that each authenticated request stays a read."""
    now = timezone.now()
    address = _ip_or_none(address)
    last = app_password.last_used_at
    if (
        last is not None
        and address == app_password.last_used_address
        and (now - last).total_seconds() < _NOTE_USE_EVERY_SECONDS
    ):
        return
    AppPassword.objects.filter(pk=app_password.pk).update(
        last_used_at=now, last_used_address=address
    )
    app_password.last_used_at = now
    app_password.last_used_address = address
