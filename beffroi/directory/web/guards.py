"""Who may open console pages: administrators, and managers for their departments."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from beffroi.directory import policies

View = Callable[..., HttpResponseBase]


def _refuse(request: HttpRequest) -> HttpResponse:
    # The same answer as a page that does not exist: the console does not advertise itself.
    return render(
        request,
        "web/error.html",
        {
            "title": _("Page introuvable"),
            "explanation": _("Cette page n'existe pas ou vous n'y avez pas accès."),
        },
        status=404,
    )


def console_required(view: View) -> View:
    """Administrators and department managers only; others get the ordinary 404 page."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not policies.may_open_console(request.user):
            return _refuse(request)
        return view(request, *args, **kwargs)

    return guarded


def administrator_required(view: View) -> View:
    """Organisation administrators only (organisation settings, audit, OIDC clients)."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not policies.is_administrator(request.user):
            return _refuse(request)
        return view(request, *args, **kwargs)

    return guarded
