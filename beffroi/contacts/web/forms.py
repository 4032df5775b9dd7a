"""The card form and the import form of the contacts pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beffroi.contacts.vcard import MAX_IMPORT_BYTES, CardFields


class CardForm(forms.Form):
    full_name = forms.CharField(label=_("Nom affiché"), max_length=255)
    given_name = forms.CharField(label=_("Prénom"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Nom de famille"), max_length=100, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    title = forms.CharField(label=_("Fonction"), max_length=200, required=False)
    email = forms.EmailField(label=_("Adresse électronique"), max_length=254, required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=40, required=False)
    mobile = forms.CharField(label=_("Téléphone portable"), max_length=40, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        autocomplete = {
            "full_name": "name",
            "given_name": "given-name",
            "family_name": "family-name",
            "organisation": "organization",
            "title": "organization-title",
            "email": "email",
            "phone": "tel",
            "mobile": "tel",
        }
        for name, token in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.fields["email"].widget.input_type = "email"
        for name in ("phone", "mobile"):
            self.fields[name].widget.input_type = "tel"

    def card_fields(self) -> CardFields:
        data = self.cleaned_data
        return CardFields(
            **{name: data.get(name) or "" for name in CardFields.__dataclass_fields__}
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier .vcf"),
        help_text=_("Fiches vCard 3.0 ou 4.0, 10 Mio au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": ".vcf,text/vcard"}),
    )

    def clean_file(self) -> object:
        file = self.cleaned_data["file"]
        if file.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 10 Mio."))
        return file
