"""The web shell: sign-in, home, profile, error pages. Each view: parse, access, act, render."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from beffroi.core.errors import NotAuthenticated, NotFound, TooManyAttempts
from beffroi.directory import access, actions
from beffroi.directory.models import Agent
from beffroi.web.forms import ApiTokenForm, SignInForm


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("web:home")


def _remember_language(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",  # as settings.LANGUAGE_COOKIE_SAMESITE, for Django's own switch
    )


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, also remembered on the agent's account when signed in."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if isinstance(request.user, Agent) and language in dict(settings.LANGUAGES):
        actions.do_set_language(request.user, language)
    return response


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            agent = access.authenticate_password(
                form.cleaned_data["username"],
                form.cleaned_data["password"],
                channel="web",
                address=_address(request),
                request=request,
            )
        except TooManyAttempts as error:
            form.add_error(
                None,
                _("Trop de tentatives. Réessayez dans %(seconds)s secondes.")
                % {"seconds": error.retry_after},
            )
            status = 429
        except NotAuthenticated as error:
            form.add_error(None, error.message)
            status = 401
        else:
            login(request, agent)
            response = HttpResponseRedirect(_safe_next(request))
            _remember_language(response, agent.language)
            return response
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "web/sign_in.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=status,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("Vous êtes déconnecté."))
    return redirect("web:sign_in")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


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
            agent, form.cleaned_data["label"], address=_address(request)
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
        actions.do_revoke_api_token(token, acting=request.user, address=_address(request))
        messages.success(request, _("Le jeton « %(label)s » est révoqué.") % {"label": token.label})
    return redirect("web:profile")


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
