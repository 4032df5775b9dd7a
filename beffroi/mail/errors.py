"""The mail store's errors, each with a stable code and a French message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from beffroi.core.errors import BeffroiError, InvalidInput


class DomainExists(InvalidInput):
    code = "domaine_existant"
    http_status = 409
    default_message = _("Ce domaine de messagerie existe déjà.")


class AddressTaken(InvalidInput):
    code = "adresse_deja_utilisee"
    http_status = 409
    default_message = _("Cette adresse est déjà celle d'une boîte aux lettres ou d'un alias.")


class NotLocalDomain(InvalidInput):
    code = "domaine_non_local"
    default_message = _("Ce domaine n'est pas un domaine de messagerie de l'organisation.")


class UnknownRecipient(BeffroiError):
    code = "destinataire_inconnu"
    http_status = 404
    default_message = _("Aucune boîte aux lettres ne porte cette adresse.")


class QuotaExceeded(BeffroiError):
    code = "quota_messagerie_depasse"
    http_status = 507
    default_message = _("La boîte aux lettres est pleine.")


class FolderExists(InvalidInput):
    code = "dossier_existant"
    http_status = 409
    default_message = _("Un dossier porte déjà ce nom.")
