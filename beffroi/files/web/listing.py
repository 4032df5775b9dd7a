"""What a folder page shows of each item, and the order and view the agent chose."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from beffroi.files import access
from beffroi.files.models import Node, Space
from beffroi.files.policies import Abilities

SORTS = {"nom": _("Nom"), "date": _("Date de modification"), "taille": _("Taille")}
ORDERS = {"asc": _("croissant"), "desc": _("décroissant")}
VIEWS = {"liste": _("Liste"), "grille": _("Grille")}
_VIEW_KEY = "drive_view"

PREVIEW_IMAGES = frozenset(["image/png", "image/jpeg", "image/gif", "image/webp"])
PREVIEW_TEXT_PREFIXES = ("text/",)
PREVIEW_TEXT_TYPES = frozenset(
    ["application/json", "application/xml", "application/x-yaml", "application/csv"]
)


def preview_kind(node: Node) -> str:
    """ "image", "pdf", "text" or "" (no preview)."""
    if node.is_folder:
        return ""
    if node.content_type in PREVIEW_IMAGES:
        return "image"
    if node.content_type == "application/pdf":
        return "pdf"
    if node.content_type.startswith(PREVIEW_TEXT_PREFIXES) or (
        node.content_type in PREVIEW_TEXT_TYPES
    ):
        return "text"
    return ""


def icon_of(node: Node) -> str:
    """A word the stylesheet turns into an icon."""
    if node.is_folder:
        return "folder"
    kind = preview_kind(node)
    if kind:
        return kind
    if "spreadsheet" in node.content_type or node.content_type.endswith(("csv", "excel")):
        return "sheet"
    if "document" in node.content_type or "word" in node.content_type:
        return "doc"
    return "file"


@dataclass(frozen=True)
class Choice:
    sort: str
    order: str
    view: str

    def query(self, **changes: str) -> str:
        values = {"tri": self.sort, "ordre": self.order, "vue": self.view}
        values.update(changes)
        return "?" + "&".join(f"{key}={value}" for key, value in values.items())


def choice_from(request: HttpRequest) -> Choice:
    """Sort and order from the query; the view from the query, remembered in the session."""
    sort = request.GET.get("tri", "nom")
    order = request.GET.get("ordre", "desc" if sort == "date" else "asc")
    view = request.GET.get("vue") or request.session.get(_VIEW_KEY, "liste")
    if view not in VIEWS:
        view = "liste"
    if request.GET.get("vue") in VIEWS:
        request.session[_VIEW_KEY] = view
    return Choice(
        sort=sort if sort in SORTS else "nom",
        order=order if order in ORDERS else "asc",
        view=view,
    )


@dataclass(frozen=True)
class Item:
    node: Node
    icon: str
    favourite: bool
    thumbnail: bool
    can: Abilities

    @property
    def modified_at(self) -> datetime:
        return self.node.modified_at


def sorted_nodes(nodes: Iterable[Node], choice: Choice) -> list[Node]:
    """Folders first, then files, each by the chosen key."""
    keys = {
        "nom": lambda n: n.name.casefold(),
        "date": lambda n: n.modified_at,
        "taille": lambda n: n.size,
    }
    key = keys[choice.sort]
    ordered = sorted(nodes, key=lambda n: n.name.casefold())
    ordered = sorted(ordered, key=key, reverse=choice.order == "desc")
    return sorted(ordered, key=lambda n: not n.is_folder)


def items_for(
    user: object, nodes: list[Node], abilities: list[Abilities], *, want_thumbnails: bool
) -> list[Item]:
    favourites = access.access_favourite_ids(user, nodes)
    ready = access.access_ready_thumbnails(nodes) if want_thumbnails else set()
    return [
        Item(
            node=node,
            icon=icon_of(node),
            favourite=node.pk in favourites,
            thumbnail=node.current_version is not None and node.current_version.blob_id in ready,
            can=can,
        )
        for node, can in zip(nodes, abilities, strict=True)
    ]


def space_label(space: Space, user: object) -> str:
    if space.kind == Space.Kind.PERSONAL and space.owner_id == getattr(user, "pk", None):
        return str(_("Mon espace"))
    return access.space_name(space)


def parse_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
