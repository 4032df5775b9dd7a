"""Drive pages that read: the drive's home, a folder, a file, search in a space.

Each view: parse, access, render. Another agent's drive, a missing id and a trashed node all
answer the same 404 page (``access`` raises ``NotFound``; the web shell maps it).
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from beffroi.core.errors import NotFound
from beffroi.files import access, actions, policies
from beffroi.files.models import Node, Space
from beffroi.files.quotas import SpaceUsage
from beffroi.files.web.listing import (
    ORDERS,
    SORTS,
    VIEWS,
    choice_from,
    icon_of,
    items_for,
    preview_kind,
    sorted_nodes,
    space_label,
)
from beffroi.files.web.uploads import MAX_CHUNK_BYTES
from beffroi.web.requests import acting_agent

TEXT_PREVIEW_BYTES = 256 * 1024
FOLDER_PAGE_SIZE = 200


def _usage(user: object, space: Space) -> SpaceUsage | None:
    """What the drive holds, for those who see its root (not for a share deep inside)."""
    try:
        return access.access_space_usage(user, space)
    except NotFound:
        return None


@login_required
@require_GET
def drive_home(request: HttpRequest) -> HttpResponse:
    """My drive, my departments' drives, favourites, recent files, shared with me."""
    agent = acting_agent(request)
    actions.do_open_personal_space(agent)
    actions.do_open_department_spaces(agent)
    spaces = [
        {
            "space": space,
            "label": space_label(space, agent),
            "usage": _usage(agent, space),
        }
        for space in access.access_reachable_spaces(agent)
    ]
    favourites = access.access_favourites(agent)
    recent = access.access_recent_files(agent)
    return render(
        request,
        "files/drive/home.html",
        {
            "spaces": spaces,
            "favourites": [(node, icon_of(node)) for node in favourites],
            "recent": [(node, icon_of(node)) for node in recent],
            "shared": access.access_shared_with_me(agent),
        },
    )


@login_required
@require_GET
def space(request: HttpRequest, slug: str) -> HttpResponse:
    found = access.access_space_by_slug(request.user, slug)
    root = access.access_root(request.user, found)
    return redirect("files:folder", node_id=root.pk)


def _crumbs(request: HttpRequest, node: Node) -> list[tuple[str, Node]]:
    chain = access.access_ancestors(request.user, node)
    crumbs = [(n.name or space_label(n.space, request.user), n) for n in chain]
    return crumbs


@login_required
@require_GET
def folder(request: HttpRequest, node_id: uuid.UUID) -> HttpResponse:
    node = access.access_visible_node(request.user, node_id)
    if not node.is_folder:
        return redirect("files:file", node_id=node.pk)
    choice = choice_from(request)
    children = access.access_children(request.user, node)
    # A page at a time: a folder of 10,000 entries must open as fast as one of 200.
    page = Paginator(sorted_nodes(children, choice), FOLDER_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    ordered = list(page.object_list)
    granted = policies.children_abilities(request.user, node, ordered)
    can = policies.abilities(request.user, node)
    query = request.GET.copy()
    query.pop("page", None)
    title = node.name or space_label(node.space, request.user)
    return render(
        request,
        "files/drive/folder.html",
        {
            "folder": node,
            "title": title,
            "crumbs": _crumbs(request, node),
            "items": items_for(
                request.user, ordered, granted, want_thumbnails=choice.view == "grille"
            ),
            "can": can,
            "choice": choice,
            "sorts": SORTS,
            "orders": ORDERS,
            "views": VIEWS,
            "usage": _usage(request.user, node.space),
            "chunk_bytes": MAX_CHUNK_BYTES // 2,
            "page": page,
            "query": query.urlencode(),
        },
    )


def _text_excerpt(node: Node) -> tuple[str, bool]:
    from beffroi.files.web.transfer import open_content

    with open_content(node) as reader:
        data = reader.read(TEXT_PREVIEW_BYTES + 1)
    cut = len(data) > TEXT_PREVIEW_BYTES
    return data[:TEXT_PREVIEW_BYTES].decode("utf-8", errors="replace"), cut


@login_required
@require_GET
def file(request: HttpRequest, node_id: uuid.UUID) -> HttpResponse:
    """A file's page: its preview, facts and actions."""
    node = access.access_readable_node(request.user, node_id)
    if node.is_folder:
        return redirect("files:folder", node_id=node.pk)
    kind = preview_kind(node)
    text, cut = _text_excerpt(node) if kind == "text" else ("", False)
    thumbnail = access.access_thumbnail(request.user, node)
    if kind == "image" and thumbnail is None:
        actions.do_request_thumbnail(node)
    return render(
        request,
        "files/drive/file.html",
        {
            "node": node,
            "title": node.name,
            "crumbs": _crumbs(request, node),
            "kind": kind,
            "text": text,
            "text_cut": cut,
            "can": policies.abilities(request.user, node),
            "favourite": node.pk in access.access_favourite_ids(request.user, [node]),
            "versions": access.access_versions(request.user, node),
        },
    )


@login_required
@require_GET
def search(request: HttpRequest, slug: str) -> HttpResponse:
    """Items of one space whose name contains the words typed."""
    found_space: Space = access.access_space_by_slug(request.user, slug)
    text = request.GET.get("q", "")[:255]
    results = access.access_search(request.user, found_space, text)
    within = request.GET.get("dans")
    try:
        back = access.access_visible_node(request.user, uuid.UUID(str(within)))
    except (ValueError, NotFound):
        back = access.access_root(request.user, found_space)
    return render(
        request,
        "files/drive/search.html",
        {
            "space": found_space,
            "space_label": space_label(found_space, request.user),
            "text": text,
            "results": [(node, icon_of(node), access.access_path(node)) for node in results],
            "back": back,
        },
    )
