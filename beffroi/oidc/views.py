"""The provider's pages that agents see: the consent page, in Beffroi's look and in French."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from oauth2_provider import views as provider

# The policy every page gets; only form-action is widened here (see render_to_response).
from beffroi.core.middleware import CONTENT_SECURITY_POLICY
from beffroi.oidc.scopes import SCOPES
from beffroi.oidc.validators import may_sign_in


def _origins(redirect_uris: str) -> list[str]:
    origins = []
    for uri in redirect_uris.split():
        parts = urlsplit(uri)
        if parts.scheme and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))


class AuthorizationView(provider.AuthorizationView):
    """django-oauth-toolkit's authorization endpoint, refusing agents who may not sign in."""

    template_name = "oidc/authorize.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not may_sign_in(request.user):
            return render(
                request,
                "web/error.html",
                {
                    "title": _("Connexion impossible"),
                    "explanation": _(
                        "Votre compte ne permet pas de vous connecter à une autre application. "
                        "Adressez-vous à l'administrateur de la collectivité."
                    ),
                },
                status=403,
            )
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)  # type: ignore[no-untyped-call]
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["scope_labels"] = [SCOPES.get(scope, scope) for scope in context.get("scopes", [])]
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().render_to_response(context, **kwargs)
        application = context.get("application")
        if application is not None:
            # Browsers apply form-action to the redirect that follows the consent form: allow
            # the client's own origins, and nothing else.
            allowed = " ".join(["'self'", *_origins(application.redirect_uris)])
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
                "form-action 'self'", f"form-action {allowed}"
            )
        return response
