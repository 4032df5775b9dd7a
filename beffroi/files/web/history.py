"""Drive pages about the past: a space's trash (restore, delete for good) and restoring an
earlier version of a file (the versions are listed on the file's page).

Each view: parse, access, act, then redirect with a message. Someone who does not see the item
gets the same 404 as for a missing one; a reader who asks to restore or purge gets 403.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from beffroi.core.errors import BeffroiError
from beffroi.files import access, actions, policies
from beffroi.files.web.listing import icon_of, space_label
from beffroi.web.requests import acting_agent, address_of


@login_required
@require_GET
def space_trash(request: HttpRequest, slug: str) -> HttpResponse:
    """What was deleted in a space, latest first, with restore and delete-for-good buttons for
    those who may."""
    user = acting_agent(request)
    space = access.access_space_by_slug(user, slug)
    root = access.access_root(user, space)
    trashed = access.access_trash(user, space)
    items = [
        {"node": node, "icon": icon_of(node), "can": policies.abilities(user, node)}
        for node in trashed
    ]
    label = space_label(space, user)
    return render(
        request,
        "files/drive/space_trash.html",
        {
            "space": space,
            "root": root,
            "title": _("Corbeille de « %(space)s »") % {"space": label},
            "items": items,
            "can_empty": any(policies.abilities(user, node).delete for node in trashed),
        },
    )


def _trash_of(slug: str) -> HttpResponse:
    return redirect("files:space_trash", slug=slug)


@login_required
@require_POST
def restore(request: HttpRequest, node_id: uuid.UUID) -> HttpResponse:
    node = access.access_trashed_node(request.user, node_id)
    slug = node.space.slug
    try:
        restored = actions.do_restore_from_trash(
            acting_agent(request), node, address=address_of(request)
        )
    except BeffroiError as error:
        if error.http_status in (403, 404):
            raise
        messages.error(request, error.message)
        return _trash_of(slug)
    messages.success(request, _("« %(name)s » est restauré.") % {"name": restored.name})
    return _trash_of(slug)


@login_required
@require_POST
def purge(request: HttpRequest, node_id: uuid.UUID) -> HttpResponse:
    node = access.access_trashed_node(request.user, node_id)
    slug, name = node.space.slug, node.name
    try:
        actions.do_purge(acting_agent(request), node, address=address_of(request))
    except BeffroiError as error:
        if error.http_status in (403, 404):
            raise
        messages.error(request, error.message)
        return _trash_of(slug)
    messages.success(request, _("« %(name)s » est supprimé définitivement.") % {"name": name})
    return _trash_of(slug)


@login_required
@require_POST
def empty_trash(request: HttpRequest, slug: str) -> HttpResponse:
    """Delete for good everything in the space's trash that the agent may delete."""
    user = acting_agent(request)
    space = access.access_space_by_slug(user, slug)
    purged = actions.do_empty_trash(user, space, address=address_of(request))
    if purged:
        messages.success(
            request,
            ngettext(
                "%(count)d élément est supprimé définitivement.",
                "%(count)d éléments sont supprimés définitivement.",
                purged,
            )
            % {"count": purged},
        )
    else:
        messages.info(
            request, _("Rien n’a été supprimé : vous ne pouvez supprimer aucun de ces éléments.")
        )
    return _trash_of(slug)


@login_required
@require_POST
def restore_version(
    request: HttpRequest, node_id: uuid.UUID, version_id: uuid.UUID
) -> HttpResponse:
    node = access.access_living_node(request.user, node_id)
    version = access.access_version(request.user, node, version_id)
    actions.do_restore_version(acting_agent(request), node, version, address=address_of(request))
    messages.success(request, _("La version choisie est de nouveau le contenu du fichier."))
    return redirect("files:file", node_id=node.pk)
