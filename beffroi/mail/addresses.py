"""E-mail addresses as the mail store keeps them: the local part as given (lower case), the
domain in its ASCII (IDNA) form, lower case.

What an inbound server must never take for a local address is refused here too: a local part
with ``%`` (the percent hack), ``!`` (bang paths), ``@`` or quotes (``"a@b"@ville.fr``), and
anything that is not a single ``local@domain``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from beffroi.core.errors import InvalidInput

# RFC 5321 dot-atom characters, plus any non-ASCII character (RFC 6531, SMTPUTF8).
_LOCAL_PART = re.compile(
    r"[A-Za-z0-9!#$&'*+/=?^_`{|}~\u0080-\U0010ffff-]+(\.[A-Za-z0-9!#$&'*+/=?^_`{|}~\u0080-\U0010ffff-]+)*"
)
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
_ROUTING = frozenset('%!@"\\')


class InvalidAddress(InvalidInput):
    code = "adresse_invalide"
    default_message = _("Cette adresse électronique n'est pas valide.")


def normalise_domain(domain: str) -> str:
    """The ASCII form of ``domain``, in lower case: ``Mairie-Évry.fr`` → ``xn--mairie-vry-…``."""
    text = domain.strip().rstrip(".").lower()
    if not text or len(text) > 253:
        raise InvalidAddress()
    try:
        ascii_form = text.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidAddress() from None
    labels = ascii_form.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise InvalidAddress()
    return ascii_form


@dataclass(frozen=True)
class Address:
    local: str
    domain: str

    def __str__(self) -> str:
        return f"{self.local}@{self.domain}"


def parse_address(text: str) -> Address:
    """``text`` as a plain ``local@domain`` address, normalised; ``InvalidAddress`` for
    anything else (routing tricks included)."""
    local, separator, domain = text.strip().rpartition("@")
    if not separator or not local or len(local) > 64 or any(c in _ROUTING for c in local):
        raise InvalidAddress()
    if not _LOCAL_PART.fullmatch(local):
        raise InvalidAddress()
    return Address(local=local.lower(), domain=normalise_domain(domain))


def routing_trick(text: str) -> bool:
    """Whether ``text`` tries to route through us: a source route, a percent hack, a bang path,
    a quoted local part hiding an ``@``."""
    local, _separator, _domain = text.strip().rpartition("@")
    return text.lstrip("<").startswith("@") or any(c in _ROUTING for c in local)
