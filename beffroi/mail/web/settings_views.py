"""The mail settings pages (/courrier/reglages/): the out-of-office reply, the rules of the
agent's mailbox (add, delete, move up or down with buttons) and the messages held for the
lists the agent moderates. Each view: read, act, render; plain forms, no script needed.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from beffroi.core.errors import InvalidInput, NotFound
from beffroi.mail.access import access_mailboxes
from beffroi.mail.actions import lists as list_actions
from beffroi.mail.actions import rules as rule_actions
from beffroi.mail.models import DeliveryRule, Folder, Mailbox, OutOfOffice
from beffroi.mail.rules import access_rule, settings_abilities
from beffroi.web.requests import acting_agent, address_of


class OutOfOfficeForm(forms.Form):
    enabled = forms.BooleanField(label=gettext_lazy("Réponse d'absence activée"), required=False)
    starts_on = forms.DateField(
        label=gettext_lazy("Du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Au (inclus)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    subject = forms.CharField(label=gettext_lazy("Objet"), max_length=200, required=False)
    text = forms.CharField(
        label=gettext_lazy("Message"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Envoyé une fois par expéditeur et par période, jamais aux listes ni aux "
            "messages automatiques."
        ),
    )
    period_days = forms.IntegerField(
        label=gettext_lazy("Une réponse par expéditeur tous les (jours)"),
        min_value=1,
        max_value=30,
        initial=4,
    )


class RuleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom de la règle"), max_length=100)
    from_contains = forms.CharField(
        label=gettext_lazy("L'expéditeur contient"), max_length=200, required=False
    )
    to_contains = forms.CharField(
        label=gettext_lazy("À ou Cc contient"), max_length=200, required=False
    )
    subject_contains = forms.CharField(
        label=gettext_lazy("L'objet contient"), max_length=200, required=False
    )
    list_id = forms.CharField(
        label=gettext_lazy("Liste de diffusion (List-Id) contient"), max_length=200, required=False
    )
    folder = forms.ModelChoiceField(
        label=gettext_lazy("Classer dans le dossier"),
        queryset=Folder.objects.none(),
        required=False,
        empty_label=gettext_lazy("(ne pas déplacer)"),
    )
    mark_read = forms.BooleanField(label=gettext_lazy("Marquer comme lu"), required=False)
    redirect_to = forms.CharField(
        label=gettext_lazy("Rediriger vers l'adresse"), max_length=320, required=False
    )
    stop = forms.BooleanField(
        label=gettext_lazy("Ne pas appliquer les règles suivantes"), required=False
    )

    def __init__(self, *args: Any, mailbox: Mailbox, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["folder"].queryset = Folder.objects.filter(mailbox=mailbox).order_by("name")  # type: ignore[attr-defined]


def _add_errors(form: forms.Form, error: InvalidInput) -> None:
    for field, problems in error.fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
    if not error.fields:
        form.add_error(None, str(error.message))


def _mailbox_choices(request: HttpRequest) -> list[Mailbox]:
    agent = acting_agent(request)
    return [
        mailbox
        for mailbox in access_mailboxes(agent)
        if settings_abilities(agent, mailbox).out_of_office
    ]


def _chosen(request: HttpRequest, mailbox_id: Any) -> Mailbox:
    for mailbox in _mailbox_choices(request):
        if str(mailbox.pk) == str(mailbox_id):
            return mailbox
    raise Http404()


def _page(
    request: HttpRequest,
    mailbox: Mailbox | None,
    *,
    away_form: OutOfOfficeForm | None = None,
    rule_form: RuleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    agent = acting_agent(request)
    context: dict[str, Any] = {
        "mailboxes": _mailbox_choices(request),
        "mailbox": mailbox,
        "held": list_actions.held_for(agent),
    }
    if mailbox is not None:
        abilities = settings_abilities(agent, mailbox)
        away = OutOfOffice.objects.filter(mailbox=mailbox).first()
        initial = (
            {
                "enabled": away.enabled,
                "starts_on": away.starts_on,
                "ends_on": away.ends_on,
                "subject": away.subject,
                "text": away.text,
                "period_days": away.period_days,
            }
            if away
            else {"period_days": 4}
        )
        context.update(
            abilities=abilities,
            away_form=away_form or OutOfOfficeForm(initial=initial),
            rule_form=(rule_form or RuleForm(mailbox=mailbox)) if abilities.rules else None,
            rules=list(
                DeliveryRule.objects.filter(mailbox=mailbox)
                .select_related("folder")
                .order_by("position", "created_at")
            ),
        )
    return render(request, "mail/settings/index.html", context, status=status)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The settings of the agent's own mailbox, or of a shared one chosen with ``?boite=``."""
    choices = _mailbox_choices(request)
    wanted = request.GET.get("boite")
    mailbox = _chosen(request, wanted) if wanted else (choices[0] if choices else None)
    return _page(request, mailbox)


def _back(mailbox: Mailbox) -> HttpResponse:
    return redirect(f"{reverse('mail:settings-index')}?boite={mailbox.pk}")


@login_required
@require_POST
def out_of_office(request: HttpRequest, mailbox_id: uuid.UUID) -> HttpResponse:
    mailbox = _chosen(request, mailbox_id)
    form = OutOfOfficeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            rule_actions.do_set_out_of_office(
                mailbox,
                rule_actions.OutOfOfficeForm(
                    enabled=data["enabled"],
                    subject=data["subject"],
                    text=data["text"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    period_days=data["period_days"],
                ),
                acting=acting_agent(request),
                address=address_of(request),
            )
        except InvalidInput as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Réponse d'absence enregistrée."))
            return _back(mailbox)
    return _page(request, mailbox, away_form=form, status=400)


@login_required
@require_POST
def add_rule(request: HttpRequest, mailbox_id: uuid.UUID) -> HttpResponse:
    mailbox = _chosen(request, mailbox_id)
    if not settings_abilities(acting_agent(request), mailbox).rules:
        raise Http404()
    form = RuleForm(request.POST, mailbox=mailbox)
    if form.is_valid():
        try:
            rule_actions.do_add_rule(
                mailbox,
                rule_actions.RuleForm(**form.cleaned_data),
                acting=acting_agent(request),
                address=address_of(request),
            )
        except InvalidInput as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Règle ajoutée."))
            return _back(mailbox)
    return _page(request, mailbox, rule_form=form, status=400)


@login_required
@require_POST
def change_rule(
    request: HttpRequest, mailbox_id: uuid.UUID, rule_id: uuid.UUID, change: str
) -> HttpResponse:
    """Delete the rule, or move it one place up or down."""
    if change not in ("monter", "descendre", "supprimer"):
        raise Http404()
    mailbox = _chosen(request, mailbox_id)
    agent = acting_agent(request)
    try:
        rule = access_rule(agent, mailbox, rule_id)
    except NotFound:
        raise Http404() from None
    if change == "supprimer":
        rule_actions.do_delete_rule(rule, acting=agent, address=address_of(request))
        messages.success(request, _("Règle supprimée."))
    else:
        direction = -1 if change == "monter" else 1
        rule_actions.do_move_rule(rule, direction, acting=agent, address=address_of(request))
    return _back(mailbox)


@login_required
@require_POST
def moderate(request: HttpRequest, held_id: uuid.UUID, decision: str) -> HttpResponse:
    if decision not in ("accepter", "refuser"):
        raise Http404()
    agent = acting_agent(request)
    try:
        held = list_actions.access_held(agent, held_id)
    except NotFound:
        raise Http404() from None
    approve = decision == "accepter"
    list_actions.do_moderate(held, approve=approve, acting=agent, address=address_of(request))
    messages.success(
        request, _("Message accepté et distribué.") if approve else _("Message refusé.")
    )
    return redirect("mail:settings-index")
