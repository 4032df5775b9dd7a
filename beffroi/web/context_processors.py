from __future__ import annotations

from typing import Any

from django.http import HttpRequest

import beffroi
from beffroi.notifications.access import access_unread_count
from beffroi.web.navigation import current_entry, entries_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell (header, navigation, footer) needs on every page."""
    return {
        "navigation": entries_for(request),
        "current_url_name": current_entry(request),
        "beffroi_version": beffroi.__version__,
        "unread_notifications": access_unread_count(getattr(request, "user", None)),
    }
