"""The web adapter's one mapping of Beffroi errors to pages (the API has its own)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from beffroi.core.errors import BeffroiError, NotFound

Handler = Callable[[HttpRequest], HttpResponseBase]


def readable(error: BeffroiError) -> str:
    """One sentence for a page's message area: what each field said, or the error's message."""
    problems = [problem for messages in error.fields.values() for problem in messages]
    return " ".join(problems) or error.message


class BeffroiErrorMiddleware:
    """A ``BeffroiError`` escaping a page becomes the error page with its status and message;
    ``NotFound`` looks exactly like any missing page."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, error: Exception) -> HttpResponse | None:
        if not isinstance(error, BeffroiError) or request.path.startswith("/api/"):
            return None
        if isinstance(error, NotFound):
            title = _("Page introuvable")
            explanation = _("Cette page n'existe pas ou vous n'y avez pas accès.")
        else:
            title, explanation = _("Action impossible"), error.message
        return render(
            request,
            "web/error.html",
            {"title": title, "explanation": explanation},
            status=error.http_status,
        )
