"""How each action code of the audit trail reads in French, and which ones an agent sees in
their own security journal.

Every action code passed to ``record()`` in Beffroi has its line here; a test fails when one is
missing. A code without a line still shows, as itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from beffroi.audit.models import AuditEvent


@dataclass(frozen=True)
class ActionLabel:
    label: Promise
    # Shown to the agent concerned in their own security journal.
    security: bool = False


ACTIONS: dict[str, ActionLabel] = {
    # Sign-in and the account's own security
    "directory.sign_in": ActionLabel(_("Connexion"), security=True),
    "directory.sign_in_failed": ActionLabel(_("Échec de connexion"), security=True),
    "directory.second_factor_passed": ActionLabel(
        _("Second facteur vérifié à la connexion"), security=True
    ),
    "directory.second_factor_failed": ActionLabel(
        _("Code de second facteur refusé"), security=True
    ),
    "directory.second_factor_changed": ActionLabel(_("Second facteur modifié"), security=True),
    "directory.password_changed": ActionLabel(_("Mot de passe changé"), security=True),
    "directory.password_reset": ActionLabel(
        _("Mot de passe réinitialisé par un administrateur"), security=True
    ),
    "directory.session_ended": ActionLabel(_("Session fermée"), security=True),
    "directory.sessions_ended": ActionLabel(_("Toutes les sessions fermées"), security=True),
    "directory.external_account_linked": ActionLabel(
        _("Compte d'un fournisseur d'identité associé"), security=True
    ),
    "directory.api_token_created": ActionLabel(_("Jeton d'API créé"), security=True),
    "directory.api_token_revoked": ActionLabel(_("Jeton d'API révoqué"), security=True),
    "directory.app_password_created": ActionLabel(
        _("Mot de passe d'application créé"), security=True
    ),
    "directory.app_password_revoked": ActionLabel(
        _("Mot de passe d'application révoqué"), security=True
    ),
    "directory.status_changed": ActionLabel(_("Statut du compte modifié"), security=True),
    "oidc.authorized": ActionLabel(_("Connexion à une application via Beffroi"), security=True),
    # The directory
    "directory.agent_created": ActionLabel(_("Agent créé")),
    "directory.profile_updated": ActionLabel(_("Fiche d'agent modifiée")),
    "directory.departments_changed": ActionLabel(_("Services d'un agent modifiés")),
    "directory.ownership_transferred": ActionLabel(_("Données d'un agent transmises")),
    "directory.organisation_updated": ActionLabel(_("Organisation modifiée")),
    "directory.department_created": ActionLabel(_("Service créé")),
    "directory.department_updated": ActionLabel(_("Service modifié")),
    "directory.group_created": ActionLabel(_("Groupe créé")),
    "directory.group_members_changed": ActionLabel(_("Membres d'un groupe modifiés")),
    "directory.import_applied": ActionLabel(_("Annuaire importé")),
    # The OIDC provider's clients
    "oidc.client_registered": ActionLabel(_("Application OIDC enregistrée")),
    "oidc.client_updated": ActionLabel(_("Application OIDC modifiée")),
    "oidc.client_secret_rotated": ActionLabel(_("Secret d'une application OIDC changé")),
    "oidc.client_deleted": ActionLabel(_("Application OIDC supprimée")),
    # Drive
    "files.node.moved": ActionLabel(_("Fichier ou dossier déplacé")),
    "files.keys.rotated": ActionLabel(_("Clé maîtresse des fichiers renouvelée")),
    "files.node.trashed": ActionLabel(_("Fichier ou dossier mis à la corbeille")),
    "files.node.restored": ActionLabel(_("Fichier ou dossier restauré depuis la corbeille")),
    "files.node.purged": ActionLabel(_("Fichier ou dossier supprimé définitivement")),
    "files.version.restored": ActionLabel(_("Ancienne version d'un fichier restaurée")),
    "files.link.created": ActionLabel(_("Lien public créé")),
    "files.link.revoked": ActionLabel(_("Lien public révoqué")),
    "files.link.deposit": ActionLabel(_("Document déposé par un lien public")),
    "files.space.quota_changed": ActionLabel(_("Quota d'un espace modifié")),
    "files.share.created": ActionLabel(_("Fichier ou dossier partagé")),
    "files.share.role_changed": ActionLabel(_("Rôle d'un partage modifié")),
    "files.share.deleted": ActionLabel(_("Partage retiré")),
    "files.inheritance.stopped": ActionLabel(_("Héritage des droits interrompu sur un dossier")),
    "files.inheritance.resumed": ActionLabel(_("Héritage des droits rétabli sur un dossier")),
    # Calendars
    "calendars.calendar_created": ActionLabel(_("Agenda créé")),
    "calendars.calendar_deleted": ActionLabel(_("Agenda supprimé")),
    "calendars.calendar_shared": ActionLabel(_("Agenda partagé")),
    "calendars.calendar_unshared": ActionLabel(_("Partage d'agenda retiré")),
    "calendars.department_calendar_created": ActionLabel(_("Agenda de service créé")),
    "calendars.resource_created": ActionLabel(_("Ressource réservable créée")),
    "calendars.booking_approved": ActionLabel(_("Réservation de ressource acceptée")),
    "calendars.booking_declined": ActionLabel(_("Réservation de ressource refusée")),
    # Contacts
    "contacts.address_book_created": ActionLabel(_("Carnet d'adresses créé")),
    "contacts.address_book_deleted": ActionLabel(_("Carnet d'adresses supprimé")),
    "contacts.address_book_shared": ActionLabel(_("Carnet d'adresses partagé")),
    "contacts.address_book_unshared": ActionLabel(_("Partage d'un carnet d'adresses retiré")),
    "contacts.cards_imported": ActionLabel(_("Contacts importés dans un carnet d'adresses")),
    "calendars.events_imported": ActionLabel(_("Événements importés dans un agenda")),
    # Workspaces and their wiki
    "workspaces.created": ActionLabel(_("Espace de travail créé")),
    "workspaces.updated": ActionLabel(_("Paramètres d'un espace de travail modifiés")),
    "workspaces.member_added": ActionLabel(_("Membre ajouté à un espace de travail")),
    "workspaces.role_changed": ActionLabel(_("Rôle d'un membre d'espace modifié")),
    "workspaces.member_removed": ActionLabel(_("Membre retiré d'un espace de travail")),
    "workspaces.join_requested": ActionLabel(_("Demande pour rejoindre un espace")),
    "workspaces.archived": ActionLabel(_("Espace de travail archivé")),
    "workspaces.unarchived": ActionLabel(_("Espace de travail rouvert")),
    "workspaces.trashed": ActionLabel(_("Espace de travail mis à la corbeille")),
    "workspaces.restored": ActionLabel(_("Espace de travail restauré")),
    "wiki.page_trashed": ActionLabel(_("Page de wiki supprimée")),
    # Mail
    "mail.domain_added": ActionLabel(_("Domaine de messagerie ajouté")),
    "mail.dkim_key_rotated": ActionLabel(_("Clé DKIM d'un domaine renouvelée")),
    "mail.mailbox_created": ActionLabel(_("Boîte aux lettres créée")),
    "mail.alias_added": ActionLabel(_("Alias de messagerie ajouté")),
    "mail.alias_removed": ActionLabel(_("Alias de messagerie retiré")),
    "mail.quota_changed": ActionLabel(_("Quota d'une boîte aux lettres modifié")),
    "mail.delegation_changed": ActionLabel(_("Délégation d'une boîte aux lettres modifiée")),
    "mail.mailbox_handed_over": ActionLabel(_("Boîte aux lettres d'un agent parti confiée")),
    "mail.mailbox_converted_to_shared": ActionLabel(
        _("Boîte aux lettres d'un agent parti changée en boîte partagée")
    ),
    "mail.conversation_assigned": ActionLabel(_("Conversation d'une boîte partagée attribuée")),
    "mail.list_created": ActionLabel(_("Liste de diffusion créée")),
    "mail.list_message_moderated": ActionLabel(_("Message d'une liste modéré")),
    "mail.out_of_office_changed": ActionLabel(_("Réponse d'absence modifiée")),
    # A redirect sends one's mail elsewhere: the agent sees it in their own security journal.
    "mail.rule_added": ActionLabel(_("Règle de messagerie ajoutée"), security=True),
    "mail.rule_deleted": ActionLabel(_("Règle de messagerie supprimée"), security=True),
    "mail.rules_reordered": ActionLabel(_("Règles de messagerie réordonnées")),
    "mail.queued_message_deleted": ActionLabel(_("Message retiré de la file d'envoi")),
    # The trail itself
    "audit.pruned": ActionLabel(_("Journal d'audit élagué (durée de conservation)")),
}

SECURITY_ACTIONS = frozenset(code for code, entry in ACTIONS.items() if entry.security)

# Details worth showing an agent in their journal, with how to name them.
_SHOWN_DETAILS: dict[str, Promise] = {
    "channel": _("canal"),
    "method": _("méthode"),
    "change": _("changement"),
    "label": _("nom"),
    "application": _("application"),
    "browser": _("navigateur"),
    "username": _("identifiant saisi"),
    "from": _("ancien statut"),
    "to": _("nouveau statut"),
}


def label_of(action: str) -> str:
    entry = ACTIONS.get(action)
    return str(entry.label) if entry is not None else action


def action_choices() -> list[tuple[str, str]]:
    """Every known action, by label, for a filter."""
    return sorted(((code, label_of(code)) for code in ACTIONS), key=lambda choice: choice[1])


def summary_of(event: AuditEvent) -> str:
    """A short French line of the details an agent can make sense of (« canal : web »)."""
    details: dict[str, Any] = event.details if isinstance(event.details, dict) else {}
    parts = [
        f"{name} : {details[key]}"
        for key, name in _SHOWN_DETAILS.items()
        if key in details and isinstance(details[key], str | int) and details[key] != ""
    ]
    return " · ".join(parts)
