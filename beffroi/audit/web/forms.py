"""The audit console's filter: it parses the query string; access applies it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beffroi.audit.access import AuditFilters
from beffroi.audit.labels import action_choices


class AuditFilterForm(forms.Form):
    agent = forms.CharField(
        label=_("Agent (identifiant)"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    since = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("toutes")), *action_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("La fin de la période précède son début."))
        return data

    def filters(self) -> AuditFilters:
        """The valid part of the filter (an invalid field filters nothing)."""
        if not self.is_bound:
            return AuditFilters()
        self.is_valid()
        data = self.cleaned_data
        return AuditFilters(
            agent=data.get("agent", ""),
            action=data.get("action", ""),
            since=data.get("since"),
            until=data.get("until"),
        )
