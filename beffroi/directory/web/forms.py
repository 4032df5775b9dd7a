"""Console forms: they parse and check shapes; the rules live in actions and policies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beffroi.directory.models import Agent, Department, Role


def department_choices(departments: Iterable[Department]) -> list[tuple[str, str]]:
    return [(str(d.pk), f"{d.name} ({d.code})") for d in departments]


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class AgentSearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    service = forms.ChoiceField(label=_("Service"), required=False)
    statut = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("tous")), *list(Agent.Status.choices)],
    )

    def __init__(self, *args: Any, departments: Iterable[Department] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "service", [("", _("tous")), *department_choices(departments)])


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    email = forms.EmailField(label=_("Adresse électronique"), required=False)
    job_title = forms.CharField(label=_("Fonction"), max_length=150, required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=40, required=False)
    office = forms.CharField(label=_("Bureau"), max_length=150, required=False)


class NewAgentForm(ProfileForm):
    username = forms.CharField(
        label=_("Identifiant"),
        max_length=150,
        help_text=_("Lettres, chiffres et . _ - uniquement, par exemple jeanne.martin."),
    )
    kind = forms.ChoiceField(label=_("Catégorie"), choices=Agent.Kind.choices)
    departments = forms.MultipleChoiceField(
        label=_("Services"), required=False, widget=forms.CheckboxSelectMultiple
    )
    manager = forms.CharField(label=_("Identifiant du responsable"), max_length=150, required=False)
    is_admin = forms.BooleanField(label=_("Administrateur de l'organisation"), required=False)

    field_order = [
        "username",
        "first_name",
        "last_name",
        "email",
        "kind",
        "job_title",
        "departments",
        "manager",
        "phone",
        "office",
        "is_admin",
    ]

    def __init__(
        self,
        *args: Any,
        departments: Iterable[Department] = (),
        may_make_admin: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "departments", department_choices(departments))
        if not may_make_admin:
            del self.fields["is_admin"]


class DepartmentsForm(forms.Form):
    departments = forms.MultipleChoiceField(
        label=_("Services"), required=False, widget=forms.CheckboxSelectMultiple
    )
    managed = forms.MultipleChoiceField(
        label=_("Responsable de"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, departments: Iterable[Department] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = department_choices(departments)
        _set_choices(self, "departments", choices)
        _set_choices(self, "managed", choices)


class SuccessorForm(forms.Form):
    successor = forms.CharField(label=_("Identifiant du successeur"), max_length=150)


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Majuscules, chiffres et tirets, par exemple VOIRIE."),
    )
    parent = forms.ChoiceField(label=_("Service parent"), required=False)

    def __init__(
        self,
        *args: Any,
        parents: Iterable[Department] = (),
        allow_root: bool = True,
        with_code: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        root = [("", _("aucun (service de premier niveau)"))] if allow_root else []
        _set_choices(self, "parent", root + department_choices(parents))
        self.fields["parent"].required = not allow_root
        if not with_code:
            del self.fields["code"]


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=150)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)


class GroupMembersForm(forms.Form):
    members = forms.CharField(
        label=_("Membres"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Un identifiant par ligne."),
    )

    def usernames(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["members"].splitlines() if line.strip()]


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Nom de la collectivité"), max_length=200)
    siren = forms.CharField(label=_("SIREN"), max_length=9, required=False)
    insee_code = forms.CharField(label=_("Code INSEE"), max_length=5, required=False)
    mail_domains = forms.CharField(
        label=_("Domaines de messagerie"),
        required=False,
        help_text=_("Un domaine par ligne, par exemple ville-exemple.fr."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    second_factor_roles = forms.MultipleChoiceField(
        label=_("Second facteur obligatoire pour"),
        required=False,
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
    )
