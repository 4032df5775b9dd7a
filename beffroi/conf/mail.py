"""Outbound e-mail: the relay named by ``BEFFROI_SMTP_URL``, read strictly.

Beffroi sends mail (password-reset links) only through a relay the commune names; with none,
nothing leaves the box and the features that need mail are switched off (``OUTBOUND_MAIL_ENABLED``).

The URL says how to reach the relay, never the password (``BEFFROI_SMTP_PASSWORD``, or its
``_FILE`` form, so that it stays out of process listings and of the URL logged by mistake):

- ``smtp+starttls://user@relay.ville-exemple.fr:587``: submission, upgraded to TLS (default 587);
- ``smtps://user@relay.ville-exemple.fr:465``: TLS from the first byte (default 465);
- ``smtp://127.0.0.1:25``: plain SMTP (default 25), for a relay on this machine or the LAN;
  credentials are refused over it unless the relay is on loopback.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.core.validators import validate_email

from beffroi.conf.env import EnvError

logger = logging.getLogger(__name__)

# scheme -> (security, default port)
_SCHEMES = {
    "smtp": ("none", 25),
    "smtp+starttls": ("starttls", 587),
    "smtps": ("tls", 465),
}
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
UNCONFIGURED_BACKEND = "beffroi.conf.mail.UnconfiguredBackend"


@dataclass(frozen=True)
class SmtpRelay:
    """Where outbound mail goes: host, port, how the connection is protected, who signs in."""

    host: str
    port: int
    security: str  # "none", "starttls" or "tls"
    username: str | None = None

    @property
    def on_loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def parse_smtp_url(value: str, *, name: str = "BEFFROI_SMTP_URL") -> SmtpRelay:
    """Read ``scheme://[user@]host[:port]``; anything else stops the program naming ``name``."""
    shown = _without_password(value)
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise EnvError(
            f"{name}={shown!r} n'est pas une adresse valable : le port doit être un nombre "
            "entre 1 et 65535."
        ) from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise EnvError(
            f"{name}={shown!r} : le schéma {parts.scheme or '(absent)'!r} n'est pas reconnu ; "
            "utilisez smtp+starttls:// (port 587), smtps:// (port 465) ou smtp:// (port 25)."
        )
    if parts.password is not None:
        raise EnvError(
            f"{name} contient un mot de passe : retirez-le de l'adresse et donnez-le dans "
            "BEFFROI_SMTP_PASSWORD (ou BEFFROI_SMTP_PASSWORD_FILE)."
        )
    host = parts.hostname
    if not host:
        raise EnvError(f"{name}={shown!r} ne nomme pas de serveur, par exemple smtp://relais:25.")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise EnvError(
            f"{name}={shown!r} : seule la forme schéma://utilisateur@serveur:port est "
            "acceptée (ni chemin, ni paramètres)."
        )
    if port == 0:
        raise EnvError(f"{name}={shown!r} : le port doit être un nombre entre 1 et 65535.")
    security, default_port = _SCHEMES[scheme]
    username = unquote(parts.username) if parts.username else None
    return SmtpRelay(host=host, port=port or default_port, security=security, username=username)


def _without_password(value: str) -> str:
    """The URL as it may be shown in an error message: any password replaced by ***."""
    scheme, separator, rest = value.strip().partition("://")
    credentials, at, location = rest.rpartition("@")
    if not separator or not at or ":" not in credentials:
        return value.strip()
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{location}"


def parse_mail_from(value: str, *, name: str = "BEFFROI_MAIL_FROM") -> str:
    """``Nom <adresse@domaine>`` or a bare address, checked; returned as given."""
    display, address = parseaddr(value)
    try:
        validate_email(address)
    except ValidationError:
        raise EnvError(
            f"{name}={value!r} n'est pas une adresse d'expéditeur valable, par exemple "
            "« Mairie <no-reply@ville-exemple.fr> »."
        ) from None
    if not display:
        return address
    local, _, domain = address.rpartition("@")
    return str(Address(display_name=display, username=local, domain=domain))


def django_email_settings(
    relay: SmtpRelay | None, *, password: str | None, timeout: int
) -> dict[str, Any]:
    """Django's EMAIL_* settings for ``relay`` (or for no relay at all)."""
    if relay is None:
        if password is not None:
            raise EnvError(
                "BEFFROI_SMTP_PASSWORD est défini sans BEFFROI_SMTP_URL : nommez le relais."
            )
        return {"EMAIL_BACKEND": UNCONFIGURED_BACKEND}
    if (relay.username is None) != (password is None):
        raise EnvError(
            "BEFFROI_SMTP_URL et BEFFROI_SMTP_PASSWORD vont ensemble : nommez l'utilisateur "
            "dans l'adresse (smtp+starttls://utilisateur@relais:587) et donnez son mot de passe "
            "dans BEFFROI_SMTP_PASSWORD, ou aucun des deux."
        )
    if relay.username is not None and relay.security == "none" and not relay.on_loopback:
        raise EnvError(
            "BEFFROI_SMTP_URL : un mot de passe ne peut pas circuler en clair vers "
            f"{relay.host} ; utilisez smtp+starttls:// ou smtps://."
        )
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": relay.host,
        "EMAIL_PORT": relay.port,
        "EMAIL_USE_TLS": relay.security == "starttls",
        "EMAIL_USE_SSL": relay.security == "tls",
        "EMAIL_HOST_USER": relay.username or "",
        "EMAIL_HOST_PASSWORD": password or "",
        "EMAIL_TIMEOUT": timeout,
    }


class UnconfiguredBackend(BaseEmailBackend):
    """Used when no relay is configured: nothing leaves the box, and the log says so (without
    the recipients or the content, which may hold a secret link)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if email_messages:
            logger.warning(
                "%d e-mail(s) not sent: BEFFROI_SMTP_URL is not set", len(email_messages)
            )
        return 0
