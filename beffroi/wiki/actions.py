"""Every write to wiki pages: one transaction each, a version kept per save, the links between
pages refreshed, a line in the workspace's activity, the search index and mentions told.

Two people who edit the same page from the same version never lose text: the second save is
merged with the first line by line; where both changed the same lines, ``EditConflict`` carries
a text holding both, for the second person to settle.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beffroi.audit.actions import record
from beffroi.core.errors import BeffroiError, InvalidInput, NotAllowed, NotFound
from beffroi.files import actions as files_actions
from beffroi.files.models import Node
from beffroi.notifications.actions import do_notify
from beffroi.notifications.mentions import mentioned_agents
from beffroi.notifications.models import Kind as NotificationKind
from beffroi.search.documents import Document
from beffroi.search.indexing import index_on_commit, remove_on_commit
from beffroi.wiki import attachments, merge
from beffroi.wiki.markdown import link_key, linked_titles, plain_text
from beffroi.wiki.models import Page, PageLink, PageVersion
from beffroi.wiki.policies import abilities
from beffroi.workspaces import drive
from beffroi.workspaces.activity import record_activity
from beffroi.workspaces.models import Workspace
from beffroi.workspaces.policies import require_contribution
from beffroi.workspaces.queries import member_ids

MAX_TITLE = 200
# A page is text people read: a million characters is a long book.
MAX_BODY = 1_000_000
_TITLE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\[\]|]")


class EditConflict(BeffroiError):
    """Someone saved the page since this person opened it, and changed the same lines."""

    code = "conflit_de_modification"
    http_status = 409
    default_message = gettext_lazy(
        "La page a été modifiée pendant que vous l'écriviez, aux mêmes endroits : vos deux "
        "textes sont gardés ci-dessous, entre des repères, pour que vous choisissiez."
    )

    def __init__(self, page: Page, merged_text: str) -> None:
        super().__init__()
        self.page = page
        self.merged_text = merged_text


class TitleTaken(InvalidInput):
    code = "titre_deja_pris"
    http_status = 409
    default_message = gettext_lazy("Une page de cet espace porte déjà ce titre.")


@dataclass(frozen=True)
class Saved:
    page: Page
    merged: bool  # someone else's concurrent changes were merged in


def page_url(page: Page) -> str:
    return reverse("wiki:page", args=[page.workspace.slug, page.pk])


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise InvalidInput(fields={"title": [_("Donnez un titre à la page.")]})
    if len(title) > MAX_TITLE:
        raise InvalidInput(
            fields={"title": [_("Le titre tient en %(max)d caractères.") % {"max": MAX_TITLE}]}
        )
    if _TITLE_FORBIDDEN.search(title):
        raise InvalidInput(
            fields={
                "title": [_("Le titre ne peut pas contenir [, ], | ni de caractère de contrôle.")]
            }
        )
    return title


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").replace("\x00", "")
    if len(body) > MAX_BODY:
        raise InvalidInput(
            fields={
                "body": [
                    _(
                        "La page dépasse %(max)s caractères : découpez-la en plusieurs pages "
                        "ou déposez le document dans les fichiers de l'espace."
                    )
                    % {"max": f"{MAX_BODY:,}".replace(",", " ")}
                ]
            }
        )
    return body


def _refresh_links(page: Page) -> None:
    PageLink.objects.filter(source=page).delete()
    PageLink.objects.bulk_create(
        [PageLink(source=page, target_key=link_key(t)) for t in linked_titles(page.body)]
    )


def _index(page: Page) -> None:
    index_on_commit(
        Document(
            kind="page",
            object_id=str(page.pk),
            scope=f"workspace:{page.workspace_id}",
            title=page.title,
            body=plain_text(page.body),
            url=page_url(page),
            updated_at=page.updated_at or timezone.now(),
        )
    )


def _notify_mentions(actor: Any, page: Page, before: str) -> None:
    members = member_ids(page.workspace)
    already = {agent.pk for agent in mentioned_agents(before, members)}
    newly = [a for a in mentioned_agents(page.body, members) if a.pk not in already]
    do_notify(
        newly,
        NotificationKind.MENTION,
        _("%(actor)s vous a mentionné dans la page « %(page)s ».")
        % {"actor": actor.display_name, "page": page.title},
        page_url(page),
        actor=actor,
    )


def _keep_version(page: Page, actor: Any, *, merged: bool = False) -> None:
    PageVersion.objects.create(
        page=page,
        number=page.version,
        title=page.title,
        body=page.body,
        author=actor,
        merged=merged,
    )


def _check_parent(workspace: Workspace, parent: Page | None) -> None:
    if parent is not None and (parent.workspace_id != workspace.pk or parent.trashed_at):
        raise InvalidInput(fields={"parent": [_("Choisissez une page de cet espace.")]})


def do_create_page(
    actor: Any,
    workspace: Workspace,
    title: str,
    body: str = "",
    *,
    parent: Page | None = None,
    quiet: bool = False,
) -> Page:
    """A new page (``quiet``: made by a workspace's blueprint, no activity line of its own)."""
    require_contribution(actor, workspace)
    title = _clean_title(title)
    body = _clean_body(body)
    _check_parent(workspace, parent)
    try:
        with transaction.atomic():
            page = Page.objects.create(
                workspace=workspace,
                parent=parent,
                title=title,
                title_key=link_key(title),
                body=body,
                created_by=actor,
                updated_by=actor,
                position=Page.objects.filter(workspace=workspace, parent=parent).count(),
            )
            _keep_version(page, actor)
            _refresh_links(page)
            if not quiet:
                record_activity(workspace, actor, "page_created", title, page_url(page))
                _notify_mentions(actor, page, "")
            _index(page)
    except IntegrityError:
        raise TitleTaken from None
    return page


def do_save_page(actor: Any, page: Page, *, title: str, body: str, base_version: int) -> Saved:
    """Save what ``actor`` wrote starting from ``base_version`` of the page."""
    require_contribution(actor, page.workspace)
    title = _clean_title(title)
    body = _clean_body(body)
    try:
        with transaction.atomic():
            current = Page.objects.select_for_update().get(pk=page.pk)
            if current.trashed_at is not None:
                raise NotFound
            merged = False
            if base_version != current.version:
                base = current.versions.filter(number=base_version).first()
                if base is None:
                    raise InvalidInput(fields={"base_version": [_("Version de départ inconnue.")]})
                result = merge.merge(base.body, body, current.body)
                if result.conflicts:
                    raise EditConflict(current, result.text)
                body = result.text
                merged = True
                if title == base.title:
                    title = current.title
            before = current.body
            if title == current.title and body == current.body:
                return Saved(current, merged)
            current.title = title
            current.title_key = link_key(title)
            current.body = body
            current.version += 1
            current.updated_by = actor
            current.save()
            _keep_version(current, actor, merged=merged)
            _refresh_links(current)
            record_activity(current.workspace, actor, "page_edited", title, page_url(current))
            _notify_mentions(actor, current, before)
            _index(current)
    except IntegrityError:
        raise TitleTaken from None
    return Saved(current, merged)


def do_restore_version(actor: Any, page: Page, number: int) -> Page:
    """Make an earlier version the page's content again (as a new version: nothing is lost)."""
    version = page.versions.filter(number=number).first()
    if version is None:
        raise NotFound
    return do_save_page(
        actor, page, title=version.title, body=version.body, base_version=page.version
    ).page


def _descendant_ids(page: Page) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    frontier = [page.pk]
    while frontier:
        children = list(Page.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = [c for c in children if c not in found]
        found.update(frontier)
    return found


def do_move_page(actor: Any, page: Page, parent: Page | None) -> Page:
    """Put ``page`` (and its subtree) under ``parent``, or at the top."""
    require_contribution(actor, page.workspace)
    _check_parent(page.workspace, parent)
    if parent is not None and (parent.pk == page.pk or parent.pk in _descendant_ids(page)):
        raise InvalidInput(
            fields={
                "parent": [
                    _(
                        "Une page ne peut pas être rangée sous elle-même ni sous une de "
                        "ses sous-pages."
                    )
                ]
            }
        )
    with transaction.atomic():
        page.parent = parent
        page.save(update_fields=["parent", "updated_at"])
        record_activity(page.workspace, actor, "page_moved", page.title, page_url(page))
    return page


def do_trash_page(actor: Any, page: Page) -> None:
    """Delete a page and its subpages (kept, with their history, for restoration)."""
    require_contribution(actor, page.workspace)
    with transaction.atomic():
        going = [page.pk, *_descendant_ids(page)]
        Page.objects.filter(pk__in=going).update(trashed_at=timezone.now())
        record("wiki.page_trashed", actor=actor, target=page, details={"title": page.title})
        record_activity(page.workspace, actor, "page_deleted", page.title)
        for page_id in going:
            remove_on_commit("page", str(page_id))


def do_attach(
    actor: Any, page: Page, name: str, chunks: Iterable[bytes], *, content_type: str = ""
) -> Node:
    """Store a file for ``page`` in the workspace drive (a new version if the name exists)."""
    granted = abilities(actor, page.workspace)
    if not granted.read:
        raise NotFound
    if not granted.write:
        raise NotAllowed
    root = drive.drive_root(page.workspace)
    wiki = drive.ensure_folder(actor, root, attachments.folder_name())
    folder = drive.ensure_folder(actor, wiki, attachments.page_folder_name(page))
    return files_actions.do_upload(actor, folder, name, chunks, content_type=content_type)
