"""The ASGI face of the CalDAV adapter, mounted by ``beffroi.conf.asgi`` at ``/dav/cal``, and at
``/.well-known/caldav`` for discovery (RFC 6764)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from beffroi.calendars.calendar_data import MAX_OBJECT_BYTES
from beffroi.dav.caldav.handler import handle
from beffroi.dav.common.asgi import dav_application, redirect_application

MOUNT_POINT = "/dav/cal"
# The largest object plus room for its XML or headers; REPORT bodies are far smaller.
MAX_BODY_BYTES = MAX_OBJECT_BYTES + 64 * 1024


def _too_large() -> str:
    return _("Le corps de la requête dépasse la taille autorisée (1 Mo par événement).")


caldav_application = dav_application(handle, max_body_bytes=MAX_BODY_BYTES, too_large=_too_large)
well_known_caldav = redirect_application(MOUNT_POINT + "/")
