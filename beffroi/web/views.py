"""The web shell: sign-in, home, profile, account security, error pages.

Each view: parse, access, act, render. Signing in and out are allauth's views (see
``beffroi.directory.signin``) at the shell's addresses.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from allauth.account.views import LoginView, LogoutView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from beffroi.core.errors import NotFound
from beffroi.directory import access, actions
from beffroi.directory.models import Agent
from beffroi.directory.signin.forms import TOO_MANY_ATTEMPTS
from beffroi.directory.signin.overview import access_own_security_overview
from beffroi.web.forms import ApiTokenForm
from beffroi.web.navigation import tiles_for
from beffroi.web.requests import address_of


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, also remembered on the agent's account when signed in."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if isinstance(request.user, Agent) and language in dict(settings.LANGUAGES):
        actions.do_set_language(request.user, language)
    return response


class SignInView(LoginView):
    """allauth's sign-in at /connexion/: a refused attempt answers with a status that says why
    (401 wrong credentials, 429 slowed down, 400 incomplete form), on the same page."""

    template_name = "web/sign_in.html"

    def form_invalid(self, form: Form) -> HttpResponse:
        response: HttpResponse = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, TOO_MANY_ATTEMPTS):
            response.status_code = 429
        elif form.non_field_errors():
            response.status_code = 401
        else:
            response.status_code = 400
        return response


sign_in = SignInView.as_view()
# A link or an image must not sign anyone out: only the button's POST does.
sign_out = require_POST(LogoutView.as_view())


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"tiles": tiles_for(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, Agent)
    agent = request.user
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = actions.do_create_api_token(
            agent, form.cleaned_data["label"], address=address_of(request)
        )
        form = ApiTokenForm()
    return render(
        request,
        "web/profile.html",
        {
            "agent": agent,
            "tokens": access.access_own_api_tokens(agent),
            "form": form,
            "new_token": new_token,
        },
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: uuid.UUID) -> HttpResponse:
    assert isinstance(request.user, Agent)
    try:
        token = access.access_own_api_token(request.user, token_id)
    except NotFound:
        messages.error(request, _("Ce jeton n'existe pas ou a déjà été révoqué."))
    else:
        actions.do_revoke_api_token(token, acting=request.user, address=address_of(request))
        messages.success(request, _("Le jeton « %(label)s » est révoqué.") % {"label": token.label})
    return redirect("web:profile")


@never_cache
@login_required
def security(request: HttpRequest) -> HttpResponse:
    """Where an agent finds their password, second factors and sessions."""
    assert isinstance(request.user, Agent)
    return render(
        request,
        "account/security.html",
        {"overview": access_own_security_overview(request.user, request.session.session_key)},
    )


@login_required
@require_POST
def end_session(request: HttpRequest, session_id: int) -> HttpResponse:
    """End one of the agent's other sessions (a lost phone, a shared computer)."""
    assert isinstance(request.user, Agent)
    try:
        actions.do_end_session(
            request.user,
            session_id,
            current_key=request.session.session_key,
            address=address_of(request),
        )
    except NotFound:
        messages.error(request, _("Cette session est déjà terminée."))
    else:
        messages.success(request, _("La session est terminée : cet appareil est déconnecté."))
    return redirect("usersessions_list")


@login_required
@require_POST
def end_other_sessions(request: HttpRequest) -> HttpResponse:
    """End every session of the agent but this one."""
    assert isinstance(request.user, Agent)
    ended = actions.do_end_other_sessions(
        request.user, current_key=request.session.session_key, address=address_of(request)
    )
    messages.success(
        request,
        _("Sessions terminées : %(count)s. Seule celle-ci reste ouverte.") % {"count": ended},
    )
    return redirect("usersessions_list")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {
            "title": _("Formulaire expiré"),
            "explanation": _(
                "La page est restée ouverte trop longtemps ou vos cookies sont "
                "bloqués. Rechargez la page puis recommencez."
            ),
        },
        status=403,
    )


ErrorView = Callable[..., HttpResponse]


def _error_page(status: int, title: Promise, explanation: Promise) -> ErrorView:
    def view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        return render(
            request, "web/error.html", {"title": title, "explanation": explanation}, status=status
        )

    return view


bad_request = _error_page(
    400,
    gettext_lazy("Requête invalide"),
    gettext_lazy("La demande envoyée n'a pas pu être comprise."),
)
permission_denied = _error_page(
    403, gettext_lazy("Accès refusé"), gettext_lazy("Vous n'avez pas accès à cette page.")
)
page_not_found = _error_page(
    404,
    gettext_lazy("Page introuvable"),
    gettext_lazy("Cette page n'existe pas ou vous n'y avez pas accès."),
)
