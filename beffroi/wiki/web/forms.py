"""The forms of the wiki pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beffroi.wiki.actions import MAX_BODY, MAX_TITLE
from beffroi.wiki.models import Page
from beffroi.wiki.page_templates import PAGE_TEMPLATES


class NewPageForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=MAX_TITLE)
    parent = forms.ModelChoiceField(
        label=_("Ranger sous"),
        queryset=Page.objects.none(),
        required=False,
        empty_label=_("(en haut de l'arborescence)"),
    )
    template = forms.ChoiceField(label=_("Modèle de page"), choices=())

    def __init__(self, *args: Any, pages: list[Page], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Page.objects.filter(pk__in=[p.pk for p in pages])  # type: ignore[attr-defined]
        template = self.fields["template"]
        assert isinstance(template, forms.ChoiceField)
        template.choices = [(code, template.name) for code, template in PAGE_TEMPLATES.items()]


class EditPageForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=MAX_TITLE)
    body = forms.CharField(
        label=_("Contenu (Markdown)"),
        required=False,
        strip=False,
        max_length=MAX_BODY,
        widget=forms.Textarea(
            attrs={"rows": 20, "class": "wiki-editor__text", "spellcheck": "true"}
        ),
        help_text=_(
            "**gras**, *italique*, # titre, - liste, - [ ] case à cocher, [[Titre d'une page]] "
            "pour un lien vers une page, @identifiant pour prévenir un membre."
        ),
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MovePageForm(forms.Form):
    parent = forms.ModelChoiceField(
        label=_("Ranger sous"),
        queryset=Page.objects.none(),
        required=False,
        empty_label=_("(en haut de l'arborescence)"),
    )

    def __init__(self, *args: Any, pages: list[Page], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Page.objects.filter(pk__in=[p.pk for p in pages])  # type: ignore[attr-defined]


class AttachForm(forms.Form):
    file = forms.FileField(label=_("Joindre un fichier ou une image"))
