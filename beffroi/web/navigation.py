"""The capabilities shown in the main navigation, for a given person."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from beffroi.directory import policies


@dataclass(frozen=True)
class NavigationEntry:
    label: str | Promise
    url: str
    url_name: str
    # What the home page's tile says of it.
    description: str | Promise = ""


# Pages that belong to an entry by their URL namespace rather than their name.
_ENTRY_OF_NAMESPACE = {
    "workspaces": "workspaces",
    "wiki": "workspaces",
    "tasks": "workspaces",
    "mail": "mail",
}


def current_entry(request: HttpRequest) -> str:
    """The ``url_name`` of the navigation entry the current page belongs to."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    return _ENTRY_OF_NAMESPACE.get(match.namespace, match.url_name or "")


def entries_for(request: HttpRequest) -> list[NavigationEntry]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    entries = [
        NavigationEntry(_("Accueil"), reverse("web:home"), "home"),
        NavigationEntry(
            _("Espaces"),
            reverse("workspaces:index"),
            "workspaces",
            _("Vos projets et vos équipes : pages, tâches, fichiers et agenda en commun."),
        ),
        NavigationEntry(
            _("Courrier"),
            reverse("mail:index"),
            "mail",
            _("Votre messagerie et les boîtes partagées de votre service."),
        ),
        NavigationEntry(
            _("Fichiers"),
            reverse("files:drive"),
            "drive",
            _("Vos documents et ceux de votre service, à partager en confiance."),
        ),
        NavigationEntry(
            _("Agenda"),
            reverse("agenda:agenda"),
            "agenda",
            _("Vos rendez-vous, les réunions et la réservation des salles et véhicules."),
        ),
        NavigationEntry(
            _("Contacts"),
            reverse("contacts:address_book"),
            "address_book",
            _("Les carnets d'adresses de la collectivité et les vôtres."),
        ),
    ]
    if policies.may_open_console(user):
        entries.append(
            NavigationEntry(
                _("Administration"),
                reverse("console:index"),
                "index",
                _("Comptes, services et réglages de la collectivité."),
            )
        )
    return entries


def tiles_for(request: HttpRequest) -> list[NavigationEntry]:
    """The home page's tiles: every entry of the navigation, and the person's profile (which
    the header reaches through their name)."""
    tiles = [entry for entry in entries_for(request) if entry.url_name != "home"]
    profile = NavigationEntry(
        _("Mon profil"),
        reverse("web:profile"),
        "profile",
        _("Vos informations, vos mots de passe d'application et vos jetons d'accès à l'API."),
    )
    tiles.insert(len(tiles) - 1 if tiles and tiles[-1].url_name == "index" else len(tiles), profile)
    return tiles
