"""Console pages for agents: list, create, edit, departments, status, password, hand-over."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from beffroi.core.errors import InvalidInput
from beffroi.directory import actions, policies
from beffroi.directory.access import console as access
from beffroi.directory.access import credentials
from beffroi.directory.actions import NewAgent
from beffroi.directory.models import Agent, Department, DepartmentMembership
from beffroi.directory.web.common import acting_agent, address_of, show_problems
from beffroi.directory.web.forms import (
    AgentSearchForm,
    DepartmentsForm,
    NewAgentForm,
    ProfileForm,
    SuccessorForm,
)
from beffroi.directory.web.guards import console_required

PAGE_SIZE = 50


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@console_required
def agent_list(request: HttpRequest) -> HttpResponse:
    departments = access.access_administrable_departments(request.user)
    form = AgentSearchForm(request.GET or None, departments=departments)
    filters = form.cleaned_data if form.is_valid() else {}
    agents = access.access_administrable_agents(
        request.user,
        search=filters.get("q", ""),
        department_id=_uuid_or_none(filters.get("service", "")),
        status=filters.get("statut", ""),
    )
    page = Paginator(agents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "console/agents.html",
        {
            "console_section": "agents",
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "may_create": policies.is_administrator(request.user) or bool(departments),
        },
    )


@never_cache
@console_required
@require_http_methods(["GET", "POST"])
def agent_create(request: HttpRequest) -> HttpResponse:
    departments = access.access_administrable_departments(request.user)
    is_admin = policies.is_administrator(request.user)
    form = NewAgentForm(request.POST or None, departments=departments, may_make_admin=is_admin)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = {uuid.UUID(value) for value in data["departments"]}
        if not policies.may_create_agent_in(request.user, chosen):
            form.add_error("departments", _("Choisissez au moins un service que vous gérez."))
        else:
            codes = list(Department.objects.filter(pk__in=chosen).values_list("code", flat=True))
            temporary = actions.generate_temporary_password()
            try:
                agent = actions.do_create_agent(
                    NewAgent(
                        username=data["username"],
                        password=temporary,
                        email=data["email"],
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        kind=data["kind"],
                        is_admin=bool(data.get("is_admin")),
                        job_title=data["job_title"],
                        phone=data["phone"],
                        office=data["office"],
                        department_codes=codes,
                        manager_username=data["manager"],
                        must_change_password=True,
                    ),
                    acting=acting_agent(request),
                    address=address_of(request),
                )
            except InvalidInput as error:
                show_problems(form, error)
            else:
                return render(
                    request,
                    "console/agent_password.html",
                    {
                        "console_section": "agents",
                        "agent": agent,
                        "password": temporary,
                        "created": True,
                    },
                )
    return render(request, "console/agent_create.html", {"console_section": "agents", "form": form})


@never_cache
@console_required
@require_http_methods(["GET", "POST"])
def agent_detail(request: HttpRequest, agent_id: uuid.UUID) -> HttpResponse:
    agent = access.access_administrable_agent(request.user, agent_id)
    departments = access.access_administrable_departments(request.user)
    profile_form = ProfileForm(
        request.POST if request.POST.get("formulaire") == "profil" else None,
        initial={name: getattr(agent, name) for name in actions.PROFILE_FIELDS},
    )
    memberships = list(agent.memberships.select_related("department"))
    departments_form = DepartmentsForm(
        request.POST if request.POST.get("formulaire") == "services" else None,
        departments=departments,
        initial={
            "departments": [str(m.department_id) for m in memberships],
            "managed": [str(m.department_id) for m in memberships if m.is_manager],
        },
    )
    if profile_form.is_bound and profile_form.is_valid():
        try:
            actions.do_update_profile(
                agent,
                profile_form.cleaned_data,
                acting=acting_agent(request),
                address=address_of(request),
            )
        except InvalidInput as error:
            show_problems(profile_form, error)
        else:
            messages.success(request, _("Le profil est enregistré."))
            return redirect("console:agent", agent_id=agent.pk)
    if departments_form.is_bound and departments_form.is_valid():
        response = _save_departments(request, agent, departments_form, departments, memberships)
        if response is not None:
            return response
    return render(
        request,
        "console/agent_detail.html",
        {
            "console_section": "agents",
            "agent": agent,
            "abilities": policies.abilities(request.user, agent),
            "memberships": memberships,
            "profile_form": profile_form,
            "departments_form": departments_form,
            "successor_form": SuccessorForm(),
            "app_passwords": credentials.access_own_app_passwords(agent),
            "Status": Agent.Status,
        },
    )


def _save_departments(
    request: HttpRequest,
    agent: Agent,
    form: DepartmentsForm,
    departments: list[Department],
    memberships: list[DepartmentMembership],
) -> HttpResponse | None:
    """A manager changes memberships within their departments only; others are kept."""
    administrable = {d.pk for d in departments}
    kept = {m.department_id for m in memberships if m.department_id not in administrable}
    kept_managed = {
        m.department_id for m in memberships if m.department_id in kept and m.is_manager
    }
    chosen = {uuid.UUID(value) for value in form.cleaned_data["departments"]}
    managed = {uuid.UUID(value) for value in form.cleaned_data["managed"]} & chosen
    if not policies.is_administrator(request.user) and not (chosen or kept):
        form.add_error("departments", _("Un agent reste dans au moins un service."))
        return None
    try:
        actions.do_set_departments(
            agent,
            chosen | kept,
            managed_ids=managed | kept_managed,
            acting=acting_agent(request),
            address=address_of(request),
        )
    except InvalidInput as error:
        show_problems(form, error)
        return None
    messages.success(request, _("Les services de l'agent sont enregistrés."))
    return redirect("console:agent", agent_id=agent.pk)


_STATUS_MESSAGES = {
    Agent.Status.ACTIVE: _("Le compte est réactivé."),
    Agent.Status.SUSPENDED: _("Le compte est suspendu : ses sessions sont fermées."),
    Agent.Status.DEPARTED: _("L'agent est marqué comme parti : il ne peut plus se connecter."),
}


@console_required
@require_POST
def agent_status(request: HttpRequest, agent_id: uuid.UUID) -> HttpResponse:
    agent = access.access_administrable_agent(request.user, agent_id)
    status = request.POST.get("statut", "")
    if not policies.abilities(request.user, agent).change_status or status not in Agent.Status:
        messages.error(request, _("Ce changement de statut n'est pas possible."))
    else:
        actions.do_set_status(
            agent, status, acting=acting_agent(request), address=address_of(request)
        )
        messages.success(request, str(_STATUS_MESSAGES[Agent.Status(status)]))
    return redirect("console:agent", agent_id=agent.pk)


@never_cache
@console_required
@require_POST
def agent_reset_password(request: HttpRequest, agent_id: uuid.UUID) -> HttpResponse:
    agent = access.access_administrable_agent(request.user, agent_id)
    if not policies.abilities(request.user, agent).reset_password:
        messages.error(request, _("Vous ne pouvez pas réinitialiser ce mot de passe."))
        return redirect("console:agent", agent_id=agent.pk)
    temporary = actions.do_reset_password(
        agent, acting=acting_agent(request), address=address_of(request)
    )
    return render(
        request,
        "console/agent_password.html",
        {"console_section": "agents", "agent": agent, "password": temporary, "created": False},
    )


@console_required
@require_POST
def agent_end_sessions(request: HttpRequest, agent_id: uuid.UUID) -> HttpResponse:
    agent = access.access_administrable_agent(request.user, agent_id)
    ended = actions.do_end_all_sessions(
        agent, acting=acting_agent(request), address=address_of(request)
    )
    messages.success(request, _("%(n)s session(s) fermée(s).") % {"n": ended})
    return redirect("console:agent", agent_id=agent.pk)


@console_required
@require_POST
def agent_revoke_app_password(
    request: HttpRequest, agent_id: uuid.UUID, app_password_id: uuid.UUID
) -> HttpResponse:
    """A lost phone or laptop: the administrator cuts its access without the agent."""
    agent = access.access_administrable_agent(request.user, agent_id)
    if not policies.abilities(request.user, agent).reset_password:
        messages.error(request, _("Vous ne pouvez pas révoquer les accès de cet agent."))
        return redirect("console:agent", agent_id=agent.pk)
    app_password = credentials.access_own_app_password(agent, app_password_id)
    actions.do_revoke_app_password(
        app_password, acting=acting_agent(request), address=address_of(request)
    )
    messages.success(
        request,
        _("Le mot de passe d'application « %(label)s » est révoqué.")
        % {"label": app_password.label},
    )
    return redirect("console:agent", agent_id=agent.pk)


@console_required
@require_POST
def agent_hand_over(request: HttpRequest, agent_id: uuid.UUID) -> HttpResponse:
    agent = access.access_administrable_agent(request.user, agent_id)
    form = SuccessorForm(request.POST)
    successor = (
        Agent.objects.filter(username=form.cleaned_data["successor"]).first()
        if form.is_valid()
        else None
    )
    if not policies.abilities(request.user, agent).hand_over:
        messages.error(request, _("Seul un administrateur peut transmettre les données."))
    elif agent.status != Agent.Status.DEPARTED:
        messages.error(request, _("Marquez d'abord l'agent comme parti."))
    elif successor is None:
        messages.error(request, _("Successeur inconnu."))
    else:
        try:
            moved = actions.do_transfer_ownership(
                agent, successor, acting=acting_agent(request), address=address_of(request)
            )
        except InvalidInput as error:
            for problems in error.fields.values():
                for problem in problems:
                    messages.error(request, problem)
        else:
            messages.success(
                request,
                _("Données transmises à %(name)s (%(count)s élément(s)).")
                % {"name": successor.display_name, "count": sum(moved.values())},
            )
    return redirect("console:agent", agent_id=agent.pk)
