"""The workspace pages: mine, the directory, creating one, its home with the activity feed,
its settings. Each view: read (``access``), act (``actions``), render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beffroi.core.errors import InvalidInput
from beffroi.tasks.access import access_columns
from beffroi.web.requests import acting_agent
from beffroi.wiki.access import access_pages
from beffroi.workspaces import access, actions, blueprints, policies
from beffroi.workspaces.activity import describe
from beffroi.workspaces.models import Workspace
from beffroi.workspaces.web.forms import CreateWorkspaceForm, JoinForm, WorkspaceForm
from beffroi.workspaces.web.shell import workspace_context


def _fields_errors(form: WorkspaceForm, error: InvalidInput) -> None:
    for field, problems in error.fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
    if not error.fields:
        form.add_error(None, error.message)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    agent = acting_agent(request)
    return render(
        request,
        "workspaces/index.html",
        {
            "workspaces": access.access_my_workspaces(agent),
            "may_create": policies.may_create_workspace(agent),
            "may_browse": policies.may_browse_directory(agent),
        },
    )


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    agent = acting_agent(request)
    search = request.GET.get("q", "")
    listed = access.access_directory(agent, search)
    rows = [{"workspace": w, "abilities": policies.abilities(agent, w)} for w in listed]
    return render(
        request, "workspaces/directory.html", {"rows": rows, "search": search.strip()[:100]}
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    agent = acting_agent(request)
    if not policies.may_create_workspace(agent):
        return render(
            request,
            "web/error.html",
            {
                "title": _("Action impossible"),
                "explanation": _("Les invités ne créent pas d'espace de travail."),
            },
            status=403,
        )
    form = CreateWorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workspace = actions.do_create_workspace(
                agent,
                form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                visibility=form.cleaned_data["visibility"],
                blueprint=form.cleaned_data["blueprint"],
            )
        except InvalidInput as error:
            _fields_errors(form, error)
        else:
            messages.success(
                request, _("L'espace « %(name)s » est créé.") % {"name": workspace.name}
            )
            return redirect("workspaces:detail", workspace.slug)
    return render(
        request,
        "workspaces/create.html",
        {"form": form, "blueprints": list(blueprints.BLUEPRINTS.values())},
    )


@login_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access.access_workspace(agent, slug)
    granted = policies.abilities(agent, workspace)
    context = workspace_context(agent, workspace, "home")
    if not granted.read:
        context.update(
            {
                "join_form": JoinForm() if granted.ask_to_join else None,
                "pending": access.has_pending_request(agent, workspace),
            }
        )
        return render(request, "workspaces/outside.html", context)
    activity = [
        {"line": line, "text": describe(line)}
        for line in access.access_activity(agent, workspace, limit=30)
    ]
    context.update(
        {
            "activity": activity,
            "pages": access_pages(agent, workspace)[:8],
            "columns": access_columns(agent, workspace),
            "memberships": access.access_memberships(agent, workspace),
        }
    )
    return render(request, "workspaces/detail.html", context)


@login_required
def settings(request: HttpRequest, slug: str) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access.access_readable_workspace(agent, slug)
    if not policies.abilities(agent, workspace).manage:
        return redirect("workspaces:detail", workspace.slug)
    form = WorkspaceForm(
        request.POST or None,
        initial={
            "name": workspace.name,
            "description": workspace.description,
            "visibility": workspace.visibility,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_workspace(agent, workspace, **form.cleaned_data)
        except InvalidInput as error:
            _fields_errors(form, error)
        else:
            messages.success(request, _("Les paramètres de l'espace sont enregistrés."))
            return redirect("workspaces:settings", workspace.slug)
    context = workspace_context(agent, workspace, "settings")
    context["form"] = form
    return render(request, "workspaces/settings.html", context)


@login_required
@require_POST
def archive(request: HttpRequest, slug: str) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access.access_readable_workspace(agent, slug)
    if workspace.archived_at is None:
        actions.do_archive_workspace(agent, workspace)
        messages.success(request, _("L'espace est archivé : il est désormais en lecture seule."))
    else:
        actions.do_unarchive_workspace(agent, workspace)
        messages.success(request, _("L'espace est rouvert."))
    return redirect("workspaces:detail", workspace.slug)


@login_required
@require_POST
def trash(request: HttpRequest, slug: str) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access.access_readable_workspace(agent, slug)
    actions.do_trash_workspace(agent, workspace)
    messages.success(
        request,
        _("L'espace « %(name)s » est dans la corbeille des espaces, d'où vous pouvez le restaurer.")
        % {"name": workspace.name},
    )
    return redirect("workspaces:bin")


@login_required
def bin(request: HttpRequest) -> HttpResponse:
    agent = acting_agent(request)
    return render(
        request, "workspaces/bin.html", {"workspaces": access.access_trashed_workspaces(agent)}
    )


@login_required
@require_POST
def restore(request: HttpRequest, slug: str) -> HttpResponse:
    agent = acting_agent(request)
    workspace: Workspace = access.access_workspace(agent, slug)
    actions.do_restore_workspace(agent, workspace)
    messages.success(request, _("L'espace « %(name)s » est restauré.") % {"name": workspace.name})
    return redirect("workspaces:detail", workspace.slug)
