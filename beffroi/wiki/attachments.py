"""Images and files of a wiki page live in its workspace's drive, in « Pièces jointes du wiki /
<page title> »: members find them in the file manager too, with versions, quota and shares.

Where they live is said here; reading them is ``access.access_attachments``, storing one
``actions.do_attach``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from beffroi.files.models import Node
from beffroi.wiki.models import Page
from beffroi.workspaces.drive import folder_name_for

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


def folder_name() -> str:
    return _("Pièces jointes du wiki")


def page_folder_name(page: Page) -> str:
    return folder_name_for(page.title)


def markdown_of(node: Node) -> str:
    """What to paste in the page to show an image, or link to a file."""
    if node.content_type in IMAGE_TYPES:
        return f"![{node.name}]({reverse('files:content', args=[node.pk])})"
    return f"[{node.name}]({reverse('files:download', args=[node.pk])})"
