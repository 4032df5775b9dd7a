"""Images and files of a wiki page live in its workspace's drive, in « Pièces jointes du wiki /
<page title> »: members find them in the file manager too, with versions, quota and shares."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from beffroi.core.errors import NotAllowed, NotFound
from beffroi.files import access as files_access
from beffroi.files import actions as files_actions
from beffroi.files.models import Node
from beffroi.files.names import clean_name
from beffroi.wiki.models import Page
from beffroi.wiki.policies import abilities

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


def _folder_name() -> str:
    return _("Pièces jointes du wiki")


def _page_folder_name(page: Page) -> str:
    return clean_name(page.title.replace("/", "-"))


def _existing(parent: Node, name: str) -> Node | None:
    return Node.objects.filter(parent=parent, name=name, trashed_at=None, is_folder=True).first()


def _root(page: Page) -> Node:
    root = Node.objects.filter(space__workspace=page.workspace, parent=None).first()
    if root is None:
        raise NotFound
    return root


def access_attachments(user: Any, page: Page) -> list[Node]:
    """The living files attached to ``page`` that ``user`` may read, by name."""
    if not abilities(user, page.workspace).read:
        raise NotFound
    wiki = _existing(_root(page), _folder_name())
    folder = _existing(wiki, _page_folder_name(page)) if wiki else None
    if folder is None:
        return []
    return sorted(
        (n for n in files_access.access_children(user, folder) if not n.is_folder),
        key=lambda n: n.name.lower(),
    )


def do_attach(
    actor: Any, page: Page, name: str, chunks: Iterable[bytes], *, content_type: str = ""
) -> Node:
    """Store a file for ``page`` in the workspace drive (a new version if the name exists)."""
    granted = abilities(actor, page.workspace)
    if not granted.read:
        raise NotFound
    if not granted.write:
        raise NotAllowed
    root = _root(page)
    wiki = _existing(root, _folder_name()) or files_actions.do_create_folder(
        actor, root, _folder_name()
    )
    folder = _existing(wiki, _page_folder_name(page)) or files_actions.do_create_folder(
        actor, wiki, _page_folder_name(page)
    )
    return files_actions.do_upload(actor, folder, name, chunks, content_type=content_type)


def markdown_of(node: Node) -> str:
    """What to paste in the page to show an image, or link to a file."""
    if node.content_type in IMAGE_TYPES:
        return f"![{node.name}]({reverse('files:content', args=[node.pk])})"
    return f"[{node.name}]({reverse('files:download', args=[node.pk])})"
