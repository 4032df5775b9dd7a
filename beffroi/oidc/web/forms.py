"""Console forms for the provider's clients: they parse shapes; actions check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beffroi.oidc.actions import MAX_NAME_LENGTH, ClientSettings


class ClientForm(forms.Form):
    name = forms.CharField(
        label=_("Nom de l'application"),
        max_length=MAX_NAME_LENGTH,
        help_text=_("Tel que les agents le verront, par exemple « Intranet » ou « Bureautique »."),
    )
    redirect_uris = forms.CharField(
        label=_("Adresses de retour"),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocapitalize": "none"}),
        help_text=_(
            "Une par ligne : les adresses exactes où l'application reçoit les agents après la "
            "connexion (sa documentation les donne), par exemple "
            "https://intranet.ville-exemple.fr/oidc/callback."
        ),
    )
    trusted = forms.BooleanField(
        label=_("Application de confiance : ne pas demander l'accord de l'agent"),
        required=False,
        help_text=_("Pour les outils de la collectivité elle-même."),
    )

    def settings(self) -> ClientSettings:
        data = self.cleaned_data
        return ClientSettings(
            name=data["name"],
            redirect_uris=data["redirect_uris"].split(),
            trusted=data["trusted"],
        )


class NewClientForm(ClientForm):
    client_type = forms.ChoiceField(
        label=_("Type d'application"),
        choices=[
            ("confidential", _("Serveur (confidentielle) : reçoit un secret")),
            ("public", _("Application mobile ou de bureau (publique) : sans secret")),
        ],
        help_text=_(
            "Une application qui tourne sur un serveur de la collectivité est confidentielle."
        ),
    )

    field_order = ["name", "client_type", "redirect_uris", "trusted"]

    @property
    def confidential(self) -> bool:
        return bool(self.cleaned_data["client_type"] == "confidential")
