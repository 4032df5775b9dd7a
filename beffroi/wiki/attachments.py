"""Images and files of a wiki page live in its workspace's drive, in « Pièces jointes du wiki /
<page title> »: members find them in the file manager too, with versions, quota and shares.

Where they live is said here; reading them is ``access.access_attachments``, storing one
``actions.do_attach``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from beffroi.core.errors import NotFound
from beffroi.files.models import Node
from beffroi.files.names import clean_name
from beffroi.wiki.models import Page

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


def folder_name() -> str:
    return _("Pièces jointes du wiki")


def page_folder_name(page: Page) -> str:
    return clean_name(page.title.replace("/", "-"))


def existing_folder(parent: Node, name: str) -> Node | None:
    return Node.objects.filter(parent=parent, name=name, trashed_at=None, is_folder=True).first()


def drive_root(page: Page) -> Node:
    root = Node.objects.filter(space__workspace=page.workspace, parent=None).first()
    if root is None:
        raise NotFound
    return root


def markdown_of(node: Node) -> str:
    """What to paste in the page to show an image, or link to a file."""
    if node.content_type in IMAGE_TYPES:
        return f"![{node.name}]({reverse('files:content', args=[node.pk])})"
    return f"[{node.name}]({reverse('files:download', args=[node.pk])})"
