"""The forms of the task board pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beffroi.directory.models import Agent
from beffroi.tasks.actions import MAX_DESCRIPTION, MAX_TITLE


class QuickCardForm(forms.Form):
    title = forms.CharField(label=_("Nouvelle tâche"), max_length=MAX_TITLE)


class AttachForm(forms.Form):
    file = forms.FileField(label=_("Joindre un fichier"))


class CardForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=MAX_TITLE)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("@identifiant pour prévenir un membre de l'espace."),
    )
    due_date = forms.DateField(
        label=_("Échéance"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    labels = forms.CharField(
        label=_("Étiquettes"),
        required=False,
        max_length=500,
        help_text=_("Séparées par des virgules : urgent, budget…"),
    )
    assignees = forms.ModelMultipleChoiceField(
        label=_("Attribuée à"),
        queryset=Agent.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, members: list[Agent], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignees"].queryset = Agent.objects.filter(  # type: ignore[attr-defined]
            pk__in=[m.pk for m in members]
        ).order_by("last_name", "first_name")
        self.fields["assignees"].label_from_instance = lambda agent: agent.display_name  # type: ignore[attr-defined]

    def label_list(self) -> list[str]:
        return [part.strip() for part in self.cleaned_data.get("labels", "").split(",")]


class MoveCardForm(forms.Form):
    column = forms.UUIDField()


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Commentaire"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ChecklistItemForm(forms.Form):
    text = forms.CharField(label=_("Nouvel élément de la liste"), max_length=300)
