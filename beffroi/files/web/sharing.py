"""Drive pages about sharing: what is shared with me, and a node's « Partage » page (its
shares, adding one, changing a role, taking one back, stopping or resuming inheritance, and
« Pourquoi … peut-il voir ceci ? »).

Each view: parse, access, act, then redirect with a message. Someone who does not see the node
gets the same 404 as for a missing one; a reader or an editor who asks to change the sharing
gets 403 (``NotAllowed`` from the action).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from beffroi.core.errors import BeffroiError, NotFound
from beffroi.directory import access as directory_access
from beffroi.directory.models import Agent, AgentGroup, Department
from beffroi.files import access, actions, policies
from beffroi.files.models import Node, Share
from beffroi.files.web.listing import parse_uuid, space_label
from beffroi.web.requests import acting_agent, address_of

_KINDS = {"agent": "agent_id", "groupe": "group_id", "service": "department_id"}


def _first_error(error: BeffroiError) -> str:
    for problems in error.fields.values():
        if problems:
            return problems[0]
    return error.message


def _grantee_label(share: Share) -> str:
    if share.agent is not None:
        return share.agent.display_name
    if share.group is not None:
        return _("Groupe « %(name)s »") % {"name": share.group.name}
    assert share.department is not None
    return _("Service « %(name)s »") % {"name": share.department.name}


@login_required
@require_GET
def shared_with_me(request: HttpRequest) -> HttpResponse:
    """Folders and files others shared with me, with where they are and my role."""
    agent = acting_agent(request)
    items = [
        {
            "item": item,
            "space_label": space_label(item.space, agent),
            "role": policies.role_label(item.role),
        }
        for item in access.access_shared_with_me(agent)
    ]
    return render(request, "files/drive/shared.html", {"items": items})


def _page(node: Node) -> HttpResponse:
    return redirect("files:sharing", node_id=node.pk)


@login_required
@require_GET
def sharing(request: HttpRequest, node_id: uuid.UUID) -> HttpResponse:
    """A node's shares and why someone may see it; the forms only for its managers."""
    user = acting_agent(request)
    node = access.access_readable_node(user, node_id)
    can = policies.abilities(user, node)
    about: Agent | None = None
    asked = parse_uuid(request.GET.get("pour"))
    if asked is not None and asked != user.pk:
        about = access.access_agent_for_explanation(user, asked)
    explanation = access.access_explanation(user, node, about)
    shares = access.access_shares(user, node)
    context: dict[str, object] = {
        "node": node,
        "title": _("Partage de « %(name)s »")
        % {"name": node.name or space_label(node.space, user)},
        "path": access.access_path(node),
        "can": can,
        "shares": [(share, _grantee_label(share)) for share in shares],
        "roles": Share.Role.choices,
        "explanation": explanation,
        "about": about or user,
        "about_role": policies.role_label(explanation.abilities.role)
        if explanation.abilities.role
        else "",
        "can_stop_inheritance": node.is_folder and node.parent_id is not None,
    }
    if can.share:
        context["agents"] = directory_access.access_agents(user, limit=500)
        context["departments"] = directory_access.access_departments(user)
        context["groups"] = access.access_share_groups(user)
    return render(request, "files/drive/sharing.html", context)


def _grantee(request: HttpRequest) -> Agent | AgentGroup | Department | None:
    kind, _sep, value = request.POST.get("beneficiaire", "").partition(":")
    chosen = parse_uuid(value)
    if kind not in _KINDS or chosen is None:
        return None
    try:
        return access.access_grantee(request.user, **{_KINDS[kind]: chosen})
    except NotFound:
        return None


@login_required
@require_POST
def add_share(request: HttpRequest, node_id: uuid.UUID) -> HttpResponse:
    node = access.access_readable_node(request.user, node_id)
    grantee = _grantee(request)
    if grantee is None:
        messages.error(request, _("Choisissez un agent, un groupe ou un service de l'annuaire."))
        return _page(node)
    try:
        actions.do_share(
            acting_agent(request),
            node,
            grantee,
            request.POST.get("role", ""),
            address=address_of(request),
        )
    except BeffroiError as error:
        if error.http_status in (403, 404):
            raise
        messages.error(request, _first_error(error))
        return _page(node)
    messages.success(request, _("Le partage est enregistré."))
    return _page(node)


@login_required
@require_POST
def change_share(request: HttpRequest, share_id: uuid.UUID) -> HttpResponse:
    share = access.access_share(request.user, share_id)
    try:
        actions.do_change_share_role(
            acting_agent(request), share, request.POST.get("role", ""), address=address_of(request)
        )
    except BeffroiError as error:
        if error.http_status in (403, 404):
            raise
        messages.error(request, _first_error(error))
        return _page(share.node)
    messages.success(request, _("Le rôle est changé."))
    return _page(share.node)


@login_required
@require_POST
def remove_share(request: HttpRequest, share_id: uuid.UUID) -> HttpResponse:
    share = access.access_share(request.user, share_id)
    try:
        actions.do_unshare(acting_agent(request), share, address=address_of(request))
    except BeffroiError as error:
        if error.http_status in (403, 404):
            raise
        messages.error(request, _first_error(error))
        return _page(share.node)
    messages.success(request, _("Le partage est retiré."))
    return _page(share.node)


@login_required
@require_POST
def inheritance(request: HttpRequest, node_id: uuid.UUID) -> HttpResponse:
    """Stop (``herite=non``) or resume (``herite=oui``) the roles that come from above."""
    node = access.access_readable_node(request.user, node_id)
    inherits = request.POST.get("herite") == "oui"
    try:
        actions.do_set_inheritance(
            acting_agent(request), node, inherits=inherits, address=address_of(request)
        )
    except BeffroiError as error:
        if error.http_status in (403, 404):
            raise
        messages.error(request, _first_error(error))
        return _page(node)
    if inherits:
        messages.success(request, _("Le dossier hérite de nouveau des droits du dossier parent."))
    else:
        messages.success(request, _("Le dossier n'hérite plus des droits du dossier parent."))
    return _page(node)
