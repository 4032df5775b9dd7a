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


# Pages that belong to an entry by their URL namespace rather than their name.
_ENTRY_OF_NAMESPACE = {"workspaces": "workspaces", "wiki": "workspaces", "tasks": "workspaces"}


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
        NavigationEntry(_("Espaces"), reverse("workspaces:index"), "workspaces"),
        NavigationEntry(_("Fichiers"), reverse("files:drive"), "drive"),
        NavigationEntry(_("Agenda"), reverse("agenda:agenda"), "agenda"),
        NavigationEntry(_("Contacts"), reverse("contacts:address_book"), "address_book"),
        NavigationEntry(_("Mon profil"), reverse("web:profile"), "profile"),
    ]
    if policies.may_open_console(user):
        entries.append(NavigationEntry(_("Administration"), reverse("console:index"), "index"))
    return entries
