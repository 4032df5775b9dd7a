"""Console pages for the organisation, its departments and groups: parse, access, act, render."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from beffroi.core.errors import InvalidInput
from beffroi.directory import actions, policies, queries
from beffroi.directory.access import console as access
from beffroi.directory.models import Agent, Department, Organisation
from beffroi.directory.web.common import acting_agent, address_of, show_problems
from beffroi.directory.web.forms import (
    DepartmentForm,
    GroupForm,
    GroupMembersForm,
    OrganisationForm,
)
from beffroi.directory.web.guards import administrator_required, console_required


@console_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "console/index.html",
        {
            "console_section": "index",
            "counts": access.directory_counts(),
            "is_administrator": policies.is_administrator(request.user),
        },
    )


def _tree(departments: list[Department]) -> list[tuple[Department, int]]:
    """Departments in tree order with their depth, for an indented list."""
    by_parent: dict[uuid.UUID | None, list[Department]] = {}
    present = {d.pk for d in departments}
    for department in departments:
        parent = department.parent_id if department.parent_id in present else None
        by_parent.setdefault(parent, []).append(department)
    ordered: list[tuple[Department, int]] = []

    def walk(parent: uuid.UUID | None, depth: int) -> None:
        for child in sorted(by_parent.get(parent, []), key=lambda d: d.name):
            ordered.append((child, depth))
            walk(child.pk, depth + 1)

    walk(None, 0)
    return ordered


@console_required
def department_list(request: HttpRequest) -> HttpResponse:
    departments = access.access_administrable_departments(request.user)
    return render(
        request,
        "console/departments.html",
        {"console_section": "departments", "tree": _tree(departments)},
    )


def _parent_from(form: DepartmentForm) -> Department | None:
    value = form.cleaned_data.get("parent") or ""
    return Department.objects.filter(pk=value).first() if value else None


@console_required
@require_http_methods(["GET", "POST"])
def department_create(request: HttpRequest) -> HttpResponse:
    departments = access.access_administrable_departments(request.user)
    is_admin = policies.is_administrator(request.user)
    form = DepartmentForm(request.POST or None, parents=departments, allow_root=is_admin)
    if request.method == "POST" and form.is_valid():
        parent = _parent_from(form)
        if not policies.may_create_department_under(request.user, parent):
            form.add_error("parent", _("Choisissez un service que vous gérez."))
        else:
            try:
                department = actions.do_create_department(
                    name=form.cleaned_data["name"],
                    code=form.cleaned_data["code"],
                    parent=parent,
                    acting=acting_agent(request),
                    address=address_of(request),
                )
            except InvalidInput as error:
                show_problems(form, error)
            else:
                messages.success(request, _("Le service « %(n)s » est créé.") % {"n": department})
                return redirect("console:departments")
    return render(
        request,
        "console/department_form.html",
        {"console_section": "departments", "form": form, "department": None},
    )


@console_required
@require_http_methods(["GET", "POST"])
def department_detail(request: HttpRequest, department_id: uuid.UUID) -> HttpResponse:
    department = access.access_administrable_department(request.user, department_id)
    below = queries.with_descendants([department.pk])
    parents = [
        d for d in access.access_administrable_departments(request.user) if d.pk not in below
    ]
    is_admin = policies.is_administrator(request.user)
    form = DepartmentForm(
        request.POST or None,
        parents=parents,
        allow_root=is_admin,
        with_code=False,
        initial={"name": department.name, "parent": str(department.parent_id or "")},
    )
    if request.method == "POST" and form.is_valid():
        parent = _parent_from(form)
        if parent != department.parent and not policies.may_create_department_under(
            request.user, parent
        ):
            form.add_error("parent", _("Choisissez un service que vous gérez."))
        else:
            try:
                actions.do_update_department(
                    department,
                    name=form.cleaned_data["name"],
                    parent=parent,
                    acting=acting_agent(request),
                    address=address_of(request),
                )
            except InvalidInput as error:
                show_problems(form, error)
            else:
                messages.success(request, _("Le service est enregistré."))
                return redirect("console:department", department_id=department.pk)
    members = department.memberships.select_related("agent").order_by(
        "agent__last_name", "agent__first_name"
    )
    return render(
        request,
        "console/department_form.html",
        {
            "console_section": "departments",
            "form": form,
            "department": department,
            "members": members,
        },
    )


@administrator_required
def group_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "console/groups.html",
        {"console_section": "groups", "groups": access.access_groups(request.user)},
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = actions.do_create_group(
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                acting=acting_agent(request),
                address=address_of(request),
            )
        except InvalidInput as error:
            show_problems(form, error)
        else:
            return redirect("console:group", group_id=group.pk)
    return render(request, "console/group_create.html", {"console_section": "groups", "form": form})


@administrator_required
@require_http_methods(["GET", "POST"])
def group_detail(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    group = access.access_group(request.user, group_id)
    members = list(group.members.order_by("last_name", "first_name"))
    form = GroupMembersForm(
        request.POST or None, initial={"members": "\n".join(m.username for m in members)}
    )
    if request.method == "POST" and form.is_valid():
        usernames = form.usernames()
        found = list(Agent.objects.filter(username__in=usernames))
        unknown = sorted(set(usernames) - {agent.username for agent in found})
        if unknown:
            form.add_error(
                "members", _("Identifiants inconnus : %(u)s.") % {"u": ", ".join(unknown)}
            )
        else:
            actions.do_set_group_members(
                group, found, acting=acting_agent(request), address=address_of(request)
            )
            messages.success(request, _("Les membres du groupe sont enregistrés."))
            return redirect("console:group", group_id=group.pk)
    return render(
        request,
        "console/group_detail.html",
        {"console_section": "groups", "group": group, "members": members, "form": form},
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def organisation(request: HttpRequest) -> HttpResponse:
    current = Organisation.current()
    form = OrganisationForm(
        request.POST or None,
        initial={
            "name": current.name,
            "siren": current.siren,
            "insee_code": current.insee_code,
            "mail_domains": "\n".join(current.mail_domains),
            "second_factor_roles": current.second_factor_roles,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_update_organisation(
                name=data["name"],
                siren=data["siren"],
                insee_code=data["insee_code"],
                mail_domains=data["mail_domains"].splitlines(),
                second_factor_roles=data["second_factor_roles"],
                acting=acting_agent(request),
                address=address_of(request),
            )
        except InvalidInput as error:
            show_problems(form, error)
        else:
            messages.success(request, _("Les réglages de l'organisation sont enregistrés."))
            return redirect("console:organisation")
    return render(
        request, "console/organisation.html", {"console_section": "organisation", "form": form}
    )
