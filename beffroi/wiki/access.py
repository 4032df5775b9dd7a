"""Reads of wiki pages for a person: one NotFound for a page that does not exist and for one
in a workspace they may not read."""

from __future__ import annotations

import uuid
from typing import Any

from beffroi.core.errors import NotFound
from beffroi.files import access as files_access
from beffroi.files.models import Node
from beffroi.wiki import attachments
from beffroi.wiki.markdown import link_key
from beffroi.wiki.models import Page, PageLink, PageVersion
from beffroi.wiki.policies import abilities
from beffroi.workspaces import drive
from beffroi.workspaces.models import Workspace


def _readable(user: Any, workspace: Workspace) -> None:
    if not abilities(user, workspace).read:
        raise NotFound


def access_pages(user: Any, workspace: Workspace) -> list[Page]:
    """The living pages of the workspace, in tree order (parents before their children)."""
    _readable(user, workspace)
    pages = list(Page.objects.filter(workspace=workspace, trashed_at=None))
    children: dict[uuid.UUID | None, list[Page]] = {}
    for page in pages:
        children.setdefault(page.parent_id, []).append(page)
    ordered: list[Page] = []

    def walk(parent: uuid.UUID | None, depth: int) -> None:
        for page in sorted(children.get(parent, []), key=lambda p: (p.position, p.title_key)):
            page.depth = depth  # type: ignore[attr-defined]
            ordered.append(page)
            walk(page.pk, depth + 1)

    walk(None, 0)
    return ordered


def access_page(user: Any, workspace: Workspace, page_id: uuid.UUID | str) -> Page:
    _readable(user, workspace)
    page = (
        Page.objects.select_related("updated_by", "parent")
        .filter(workspace=workspace, pk=page_id, trashed_at=None)
        .first()
    )
    if page is None:
        raise NotFound
    return page


def find_by_title(workspace: Workspace, title: str) -> Page | None:
    return Page.objects.filter(
        workspace=workspace, title_key=link_key(title), trashed_at=None
    ).first()


def access_backlinks(user: Any, page: Page) -> list[Page]:
    """The living pages of the workspace that link to ``page`` by its title."""
    _readable(user, page.workspace)
    return list(
        Page.objects.filter(
            workspace=page.workspace,
            trashed_at=None,
            pk__in=PageLink.objects.filter(target_key=page.title_key).values("source_id"),
        ).exclude(pk=page.pk)
    )


def access_versions(user: Any, page: Page) -> list[PageVersion]:
    _readable(user, page.workspace)
    return list(page.versions.select_related("author").order_by("-number"))


def access_version(user: Any, page: Page, number: int) -> PageVersion:
    _readable(user, page.workspace)
    version = page.versions.select_related("author").filter(number=number).first()
    if version is None:
        raise NotFound
    return version


def access_subtree(user: Any, page: Page) -> list[tuple[Page, int]]:
    """The living pages below ``page``, in tree order, each with its depth below it (1, 2…)."""
    pages = access_pages(user, page.workspace)
    start = next((i for i, p in enumerate(pages) if p.pk == page.pk), None)
    if start is None:
        return []
    top = pages[start].depth  # type: ignore[attr-defined]
    below: list[tuple[Page, int]] = []
    for candidate in pages[start + 1 :]:
        depth = candidate.depth - top  # type: ignore[attr-defined]
        if depth <= 0:
            break
        below.append((candidate, depth))
    return below


def access_attachments(user: Any, page: Page) -> list[Node]:
    """The living files attached to ``page`` that ``user`` may read, by name."""
    if not abilities(user, page.workspace).read:
        raise NotFound
    wiki = drive.living_folder(drive.drive_root(page.workspace), attachments.folder_name())
    folder = drive.living_folder(wiki, attachments.page_folder_name(page)) if wiki else None
    if folder is None:
        return []
    return sorted(
        (n for n in files_access.access_children(user, folder) if not n.is_folder),
        key=lambda n: n.name.lower(),
    )
