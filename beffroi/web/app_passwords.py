"""Mes mots de passe d'application: create one per client, see where each was last used,
revoke. Each view: parse, access, act, render."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from beffroi.core.errors import InvalidInput, NotFound
from beffroi.directory import access, actions
from beffroi.directory.models import Agent, AppPassword
from beffroi.web.requests import address_of


class AppPasswordForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("Nom de l'appareil ou du logiciel"),
        max_length=100,
        help_text=gettext_lazy("Par exemple « Téléphone », « Thunderbird du bureau »."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Usages permis"),
        choices=AppPassword.Scope.choices,
        initial=[AppPassword.Scope.FILES, AppPassword.Scope.CALENDARS, AppPassword.Scope.MAIL],
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Cochez seulement ce dont l'application a besoin : un mot de passe volé ne sert "
            "alors à rien d'autre."
        ),
        error_messages={"required": gettext_lazy("Choisissez au moins un usage.")},
    )


@dataclass(frozen=True)
class SetupHint:
    """Where a client connects, and whether Beffroi serves it yet."""

    service: str
    clients: str
    address: str
    available: bool


def _setup_hints(request: HttpRequest, agent: Agent) -> list[SetupHint]:
    def url(path: str) -> str:
        return request.build_absolute_uri(path)

    return [
        SetupHint(_("API"), "curl, scripts", url("/api/v1/"), True),
        SetupHint(
            _("Fichiers (WebDAV)"),
            _("rclone, gestionnaire de fichiers"),
            url(f"/dav/files/{agent.username}/"),
            False,
        ),
        SetupHint(_("Agendas (CalDAV)"), "DAVx5, Thunderbird", url("/.well-known/caldav"), False),
        SetupHint(
            _("Contacts (CardDAV)"), "DAVx5, Thunderbird", url("/.well-known/carddav"), False
        ),
        SetupHint(_("Messagerie (IMAP, SMTP)"), "Thunderbird", request.get_host(), False),
    ]


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def app_passwords(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, Agent)
    agent = request.user
    form = AppPasswordForm(request.POST or None)
    created: tuple[AppPassword, str] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.do_create_app_password(
                agent, form.cleaned_data["label"], form.cleaned_data["scopes"], address_of(request)
            )
        except InvalidInput as error:
            for field, problems in error.fields.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            form = AppPasswordForm()
    return render(
        request,
        "web/app_passwords.html",
        {
            "agent": agent,
            "form": form,
            "app_passwords": access.access_own_app_passwords(agent),
            "created": created[0] if created else None,
            "new_secret": created[1] if created else None,
            "hints": _setup_hints(request, agent),
        },
    )


@login_required
@require_POST
def revoke_app_password(request: HttpRequest, app_password_id: uuid.UUID) -> HttpResponse:
    assert isinstance(request.user, Agent)
    try:
        app_password = access.access_own_app_password(request.user, app_password_id)
    except NotFound:
        messages.error(
            request, _("Ce mot de passe d'application n'existe pas ou est déjà révoqué.")
        )
    else:
        actions.do_revoke_app_password(
            app_password, acting=request.user, address=address_of(request)
        )
        messages.success(
            request,
            _(
                "Le mot de passe « %(label)s » est révoqué : l'application qui l'utilise "
                "est déconnectée."
            )
            % {"label": app_password.label},
        )
    return redirect("web:app_passwords")
