"""The forms of the workspace pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beffroi.directory.models import Agent, AgentGroup, Department
from beffroi.workspaces import blueprints
from beffroi.workspaces.models import Role, Workspace


class WorkspaceForm(forms.Form):
    name = forms.CharField(label=_("Nom de l'espace"), max_length=150)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("À quoi sert l'espace, pour qui, jusqu'à quand."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibilité"),
        choices=Workspace.Visibility.choices,
        initial=Workspace.Visibility.PRIVATE,
        widget=forms.RadioSelect,
        help_text=_(
            "Un espace visible dans l'annuaire peut être trouvé par tous les agents, qui "
            "demandent alors à le rejoindre ; son contenu reste réservé aux membres."
        ),
    )


class CreateWorkspaceForm(WorkspaceForm):
    blueprint = forms.ChoiceField(
        label=_("Modèle"),
        choices=blueprints.choices,
        initial=blueprints.DEFAULT,
        widget=forms.RadioSelect,
    )


class MemberForm(forms.Form):
    """Exactly one of: a person (by identifier or address), a group, a department."""

    person = forms.CharField(
        label=_("Une personne (identifiant ou adresse électronique)"),
        required=False,
        max_length=254,
        help_text=_("Un agent ou un invité extérieur déjà enregistré dans l'annuaire."),
    )
    group = forms.ModelChoiceField(
        label=_("ou un groupe"), queryset=AgentGroup.objects.none(), required=False
    )
    department = forms.ModelChoiceField(
        label=_("ou un service entier"), queryset=Department.objects.none(), required=False
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.CONTRIBUTOR)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = AgentGroup.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["department"].queryset = Department.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["person"].widget.attrs.update({"autocomplete": "off", "list": "agents-connus"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person = (data.get("person") or "").strip()
        chosen = [bool(person), data.get("group") is not None, data.get("department") is not None]
        if sum(chosen) != 1:
            raise forms.ValidationError(
                _("Choisissez une personne, un groupe ou un service (un seul à la fois).")
            )
        if person:
            agent = Agent.objects.filter(
                Q(username__iexact=person) | Q(email__iexact=person)
            ).first()
            if agent is None or not agent.can_sign_in:
                self.add_error(
                    "person",
                    _("Aucun compte actif ne porte cet identifiant ou cette adresse."),
                )
            else:
                data["grantee"] = agent
        else:
            data["grantee"] = data.get("group") or data.get("department")
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)


class JoinForm(forms.Form):
    message = forms.CharField(
        label=_("Message aux gestionnaires (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
