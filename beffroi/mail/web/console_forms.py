"""The forms of the console's shared mailboxes: create one, delegate it, give it an alias or a
quota. They check shapes; the actions check the rest (local domain, address free, rights)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beffroi.directory.models import Agent, AgentGroup
from beffroi.mail.actions.mailboxes import MAX_QUOTA_BYTES
from beffroi.mail.models import Domain

MIB = 1024 * 1024


class QuotaField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("Quota (Mio)"),
            min_value=0,
            max_value=MAX_QUOTA_BYTES // MIB,
            help_text=_("0 : pas de quota."),
            **kwargs,
        )


class SharedMailboxForm(forms.Form):
    local_part = forms.CharField(
        label=_("Adresse (avant le @)"),
        max_length=64,
        help_text=_("Par exemple urbanisme, mairie, etat-civil."),
    )
    domain = forms.ModelChoiceField(
        label=_("Domaine"), queryset=Domain.objects.order_by("name"), empty_label=None
    )
    name = forms.CharField(
        label=_("Nom affiché"), max_length=200, help_text=_("« Service urbanisme »")
    )
    quota = QuotaField(required=False)

    def address(self) -> str:
        return f"{self.cleaned_data['local_part'].strip()}@{self.cleaned_data['domain'].name}"


class AgentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.username})"


class DelegationForm(forms.Form):
    agent = AgentChoiceField(
        label=_("Agent"),
        queryset=Agent.objects.filter(is_active=True, status=Agent.Status.ACTIVE),
        required=False,
        empty_label=_("— aucun —"),
    )
    group = forms.ModelChoiceField(
        label=_("ou groupe"),
        queryset=AgentGroup.objects.order_by("name"),
        required=False,
        empty_label=_("— aucun —"),
    )
    read = forms.BooleanField(label=_("Lire"), required=False, initial=True)
    send_as = forms.BooleanField(label=_("Envoyer en tant que"), required=False)
    send_on_behalf = forms.BooleanField(label=_("Envoyer de la part de"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("agent")) == bool(cleaned.get("group")):
            raise forms.ValidationError(_("Choisissez un agent ou un groupe (l'un des deux)."))
        return cleaned

    def grantee(self) -> Agent | AgentGroup:
        chosen: Agent | AgentGroup = self.cleaned_data["agent"] or self.cleaned_data["group"]
        return chosen


class AliasForm(forms.Form):
    alias = forms.CharField(
        label=_("Nouvel alias"), max_length=320, help_text=_("Une autre adresse de la boîte.")
    )


class QuotaForm(forms.Form):
    quota = QuotaField()
