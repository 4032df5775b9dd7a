"""The drive in the search: living files and folders, by name and by content.

A node's entry is scoped to its space (``space:<uuid>``); the exact check (shares, folders that
stop inheritance, the trash) is ``policies.readable_ids`` on the candidates. A file's content
is read by the worker (``tasks.extract_file_text``) once per blob and kept as an
``ExtractedText``, which copies, restored versions, renames and reindexes reuse. Desktop files
(.DS_Store…) and space roots are never indexed.

The actions call the ``*_changed`` functions here; they write to the index on commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from beffroi.core.tasks import enqueue_on_commit
from beffroi.files import policies
from beffroi.files.models import Node, Space
from beffroi.files.names import is_desktop_file
from beffroi.search import extraction
from beffroi.search.documents import Document
from beffroi.search.indexing import index_many_on_commit, remove_many_on_commit
from beffroi.search.models import ExtractedText
from beffroi.search.registry import Source, register

KIND = "file"
_BATCH = 500


def _indexable(node: Node) -> bool:
    return node.parent_id is not None and not is_desktop_file(node.name)


def _texts(nodes: Iterable[Node]) -> dict[str, str]:
    blobs = {
        node.current_version.blob_id
        for node in nodes
        if not node.is_folder and node.current_version is not None
    }
    return dict(ExtractedText.objects.filter(blob_id__in=blobs).values_list("blob_id", "text"))


def document_of(node: Node, text: str = "") -> Document:
    """The entry of a living node (its content's ``text`` when read)."""
    url = reverse("files:folder" if node.is_folder else "files:file", args=[node.pk])
    return Document(
        kind=KIND,
        object_id=str(node.pk),
        scope=f"space:{node.space_id}",
        title=node.name,
        body=f"{node.name}\n{text}" if text else node.name,
        url=url,
        updated_at=node.modified_at,
    )


def documents_of(nodes: list[Node]) -> list[Document]:
    texts = _texts(nodes)
    return [
        document_of(
            node,
            "" if node.current_version is None else texts.get(node.current_version.blob_id, ""),
        )
        for node in nodes
        if _indexable(node)
    ]


def _living(node_ids: list[uuid.UUID]) -> Iterator[list[Node]]:
    """The nodes of ``node_ids`` not in the trash themselves, with what their entry needs."""
    for start in range(0, len(node_ids), _BATCH):
        yield list(
            Node.objects.filter(pk__in=node_ids[start : start + _BATCH], trashed_at=None)
            .select_related("current_version")
            .order_by()
        )


def subtree_ids(node: Node) -> list[uuid.UUID]:
    """``node`` and everything below it (the trashed too)."""
    found = [node.pk]
    level = [node.pk]
    while level:
        level = list(Node.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        found.extend(level)
    return found


def _living_subtree_ids(node: Node) -> list[uuid.UUID]:
    """``node`` and what lives below it: a folder trashed on its own stops the walk."""
    found = [node.pk]
    level = [node.pk]
    while level:
        level = list(
            Node.objects.filter(parent_id__in=level, trashed_at=None).values_list("pk", flat=True)
        )
        found.extend(level)
    return found


# --- Called by the actions ----------------------------------------------------------------------


def node_changed(node: Node) -> None:
    """A node was created, renamed or moved within its space: its entry, on commit."""
    index_many_on_commit(documents_of([node]) if node.trashed_at is None else [])


def subtree_changed(node: Node) -> None:
    """A node and what it holds were moved to another space, copied or restored: their entries
    (the scope of each changed), on commit."""
    for nodes in _living(_living_subtree_ids(node)):
        index_many_on_commit(documents_of(nodes))


def subtree_gone(node: Node) -> None:
    """A node went to the trash (or for good): it and what it holds leave the index."""
    remove_many_on_commit(KIND, [str(pk) for pk in subtree_ids(node)])


def content_changed(node: Node) -> None:
    """A file has a new version: its entry now, with the content's text when the worker has
    read that content before, or else the worker reads it and updates the entry."""
    if not _indexable(node):
        return
    node_changed(node)
    version = node.current_version
    if version is None or not extraction.extractable(node.name):
        return
    if not ExtractedText.objects.filter(blob_id=version.blob_id).exists():
        from beffroi.files.tasks import extract_file_text  # the task module imports the actions

        enqueue_on_commit(extract_file_text, version.blob_id, node.name)


def text_extracted(sha256: str) -> int:
    """The text of blob ``sha256`` is known: every living file pointing to it, reindexed."""
    ids = list(
        Node.objects.filter(current_version__blob_id=sha256, trashed_at=None).values_list(
            "pk", flat=True
        )
    )
    for nodes in _living(ids):
        index_many_on_commit(documents_of([n for n in nodes if readable_chain(n)]))
    return len(ids)


def readable_chain(node: Node) -> bool:
    """Not below a folder in the trash."""
    chain = policies.chains([node.pk]).get(node.pk, [])
    return not any(link.trashed for link in chain)


# --- The source ----------------------------------------------------------------------------------


def _scopes(agent: Any) -> list[str]:
    spaces = policies.visible_spaces_filter(agent)
    if spaces is None:
        return []
    return [f"space:{pk}" for pk in Space.objects.filter(spaces).values_list("pk", flat=True)]


def _visible(agent: Any, object_ids: list[str]) -> set[str]:
    ids: list[uuid.UUID] = []
    for object_id in object_ids:
        try:
            ids.append(uuid.UUID(object_id))
        except ValueError:
            continue
    return {str(pk) for pk in policies.readable_ids(agent, ids)}


def _all_documents() -> Iterator[Document]:
    """Every living node outside the trash, by space, walking down from each root."""
    for space_id in Space.objects.values_list("pk", flat=True).iterator():
        level = list(
            Node.objects.filter(space_id=space_id, parent=None).values_list("pk", flat=True)
        )
        while level:
            children: list[uuid.UUID] = []
            for nodes in _living(
                list(
                    Node.objects.filter(parent_id__in=level, trashed_at=None).values_list(
                        "pk", flat=True
                    )
                )
            ):
                _extract_missing(nodes)
                yield from documents_of(nodes)
                children.extend(node.pk for node in nodes if node.is_folder)
            level = children


def _extract_missing(nodes: list[Node]) -> None:
    """Ask the worker for the text of the contents never read (files saved before the search
    existed): their entries are completed when it has."""
    from beffroi.files.tasks import extract_file_text

    wanted = {
        node.current_version.blob_id: node.name
        for node in nodes
        if node.current_version is not None
        and _indexable(node)
        and extraction.extractable(node.name)
    }
    known = set(ExtractedText.objects.filter(blob_id__in=wanted).values_list("blob_id", flat=True))
    for sha256, name in wanted.items():
        if sha256 not in known:
            enqueue_on_commit(extract_file_text, sha256, name)


def register_source() -> None:
    register(
        Source(
            kind=KIND,
            label=_("Fichiers"),
            scopes=_scopes,
            documents=_all_documents,
            visible=_visible,
            order=10,
        )
    )
