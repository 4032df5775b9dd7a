"""The ASGI face of the CardDAV adapter, mounted by ``beffroi.conf.asgi`` at ``/dav/card``, and
at ``/.well-known/carddav`` for discovery (RFC 6764)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from beffroi.contacts.vcard import MAX_CARD_BYTES
from beffroi.dav.carddav.handler import handle
from beffroi.dav.common.asgi import dav_application, redirect_application

MOUNT_POINT = "/dav/card"
# The largest card plus room for its XML or headers; REPORT bodies are far smaller.
MAX_BODY_BYTES = MAX_CARD_BYTES + 64 * 1024


def _too_large() -> str:
    return _("Le corps de la requête dépasse la taille autorisée (512 Kio par contact).")


carddav_application = dav_application(handle, max_body_bytes=MAX_BODY_BYTES, too_large=_too_large)
well_known_carddav = redirect_application(MOUNT_POINT + "/")
