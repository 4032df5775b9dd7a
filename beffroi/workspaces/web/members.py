"""The members page of a workspace: who is in it with which role, adding agents, guests, groups
and whole departments, and the requests to join."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beffroi.core.errors import InvalidInput
from beffroi.directory.models import Agent
from beffroi.web.requests import acting_agent
from beffroi.workspaces import access, actions, policies
from beffroi.workspaces.models import Role
from beffroi.workspaces.web.forms import JoinForm, MemberForm, RoleForm
from beffroi.workspaces.web.shell import workspace_context


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access.access_readable_workspace(agent, slug)
    manage = policies.abilities(agent, workspace).manage
    form = MemberForm(request.POST or None) if manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            actions.do_add_member(
                agent, workspace, form.cleaned_data["grantee"], form.cleaned_data["role"]
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(name)s fait désormais partie de l'espace.")
                % {"name": actions.grantee_label(form.cleaned_data["grantee"])},
            )
            return redirect("workspaces:members", workspace.slug)
    context = workspace_context(agent, workspace, "members")
    context.update(
        {
            "memberships": access.access_memberships(agent, workspace),
            "form": form,
            "roles": Role.choices,
            "requests": access.access_join_requests(agent, workspace),
            "known_agents": (
                Agent.objects.filter(is_active=True, status=Agent.Status.ACTIVE)
                .order_by("last_name", "first_name")
                .only("username", "first_name", "last_name")[:1000]
                if manage
                else []
            ),
        }
    )
    return render(
        request, "workspaces/members.html", context, status=400 if form and form.errors else 200
    )


@login_required
@require_POST
def change_role(request: HttpRequest, slug: str, membership_id: str) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access.access_readable_workspace(agent, slug)
    membership = access.access_membership(agent, workspace, membership_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            actions.do_change_role(agent, membership, form.cleaned_data["role"])
        except InvalidInput as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Le rôle est modifié."))
    return redirect("workspaces:members", workspace.slug)


@login_required
@require_POST
def remove(request: HttpRequest, slug: str, membership_id: str) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access.access_readable_workspace(agent, slug)
    membership = access.access_membership(agent, workspace, membership_id)
    try:
        actions.do_remove_member(agent, membership)
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Le membre est retiré de l'espace."))
    return redirect("workspaces:members", workspace.slug)


@login_required
@require_POST
def ask_to_join(request: HttpRequest, slug: str) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access.access_workspace(agent, slug)
    form = JoinForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    actions.do_ask_to_join(agent, workspace, message)
    messages.success(request, _("Votre demande est transmise aux gestionnaires de l'espace."))
    return redirect("workspaces:detail", workspace.slug)


@login_required
@require_POST
def decide(request: HttpRequest, slug: str, request_id: str) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access.access_readable_workspace(agent, slug)
    join_request = access.access_join_request(agent, workspace, request_id)
    accept = request.POST.get("decision") == "accept"
    actions.do_decide_join_request(agent, join_request, accept=accept)
    messages.success(request, _("Demande acceptée.") if accept else _("Demande refusée."))
    return redirect("workspaces:members", workspace.slug)
