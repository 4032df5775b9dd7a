"""Wiki pages in the one search box: seen by the members of their workspace."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from beffroi.search.documents import Document
from beffroi.search.registry import Source
from beffroi.search.registry import register as register_source
from beffroi.wiki.markdown import plain_text
from beffroi.wiki.models import Page
from beffroi.workspaces.policies import scopes_of


def documents() -> Iterator[Document]:
    pages = Page.objects.filter(trashed_at=None, workspace__trashed_at=None).select_related(
        "workspace"
    )
    for page in pages.iterator(chunk_size=500):
        yield Document(
            kind="page",
            object_id=str(page.pk),
            scope=f"workspace:{page.workspace_id}",
            title=page.title,
            body=plain_text(page.body),
            url=reverse("wiki:page", args=[page.workspace.slug, page.pk]),
            updated_at=page.updated_at,
        )


def register() -> None:
    register_source(
        Source(
            kind="page",
            label=_("Pages du wiki"),
            scopes=scopes_of,
            documents=documents,
            order=20,
        )
    )
