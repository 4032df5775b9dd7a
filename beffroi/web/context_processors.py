from __future__ import annotations

from typing import Any

from django.http import HttpRequest

import beffroi
from beffroi.web.navigation import entries_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell (header, navigation, footer) needs on every page."""
    match = getattr(request, "resolver_match", None)
    return {
        "navigation": entries_for(request),
        "current_url_name": match.url_name if match else "",
        "beffroi_version": beffroi.__version__,
    }
