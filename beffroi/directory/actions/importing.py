"""Apply a directory import plan: everything or nothing, in one transaction.

Agents, their departments and managers are written in bulk (an import brings thousands of agents
at once); departments, groups and suspensions go through the ordinary actions, which are few and
write their own audit events. One summary event names every agent created or changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput
from beffroi.directory import search
from beffroi.directory.actions.agents import do_set_status
from beffroi.directory.actions.organisation import do_create_department, do_create_group
from beffroi.directory.importing.plan import ImportPlan
from beffroi.directory.models import (
    Agent,
    AgentGroup,
    Department,
    DepartmentMembership,
    Organisation,
)

_BATCH = 500


@dataclass(frozen=True)
class ImportResult:
    changed: bool
    counts: dict[str, int]


def do_import_directory(
    plan: ImportPlan, *, acting: Agent | None, address: str | None = None
) -> ImportResult:
    """Apply ``plan``, or raise ``InvalidInput`` when it has problems. A plan with nothing to
    change writes nothing (an import run twice changes nothing the second time)."""
    if not plan.is_valid:
        raise InvalidInput(
            _("L'import comporte des erreurs : rien n'a été importé."),
            fields={"lignes": [str(problem) for problem in plan.problems]},
        )
    if not plan.has_changes:
        return ImportResult(changed=False, counts=plan.counts())
    try:
        with transaction.atomic():
            _apply(plan, acting=acting, address=address)
    except IntegrityError:
        # Someone changed the directory between the plan and now (the same username created
        # from the console, for example): nothing was written; planning again sees the change.
        raise InvalidInput(
            _("L'annuaire a changé pendant l'import : rien n'a été importé, relancez l'import.")
        ) from None
    return ImportResult(changed=True, counts=plan.counts())


def _apply(plan: ImportPlan, *, acting: Agent | None, address: str | None) -> None:
    for new_department in plan.departments_to_create:
        do_create_department(
            name=new_department.name,
            code=new_department.code,
            parent=None,
            acting=acting,
            address=address,
        )
    _create_agents(plan)
    agents = _agents_named(plan)
    _update_agents(plan, agents)
    _place_agents(plan, agents)
    _set_managers(plan, agents)
    search.agents_changed(agent.pk for agent in agents.values())
    _change_groups(plan, agents, acting=acting, address=address)
    for username in plan.agents_to_suspend:
        do_set_status(agents[username], Agent.Status.SUSPENDED, acting=acting, address=address)
    record(
        "directory.import_applied",
        actor=acting,
        target=Organisation.current(),
        address=address,
        details=_summary(plan),
    )


def _agents_named(plan: ImportPlan) -> dict[str, Agent]:
    usernames = {
        *(n.username for n in plan.agents_to_create),
        *(u.username for u in plan.agents_to_update),
        *(p.username for p in plan.placements),
        *(m.username for m in plan.managers),
        *(m.manager_username for m in plan.managers if m.manager_username),
        *(u for g in plan.groups for u in g.add + g.remove),
        *plan.agents_to_suspend,
    }
    found: dict[str, Agent] = {}
    names = sorted(usernames)
    for start in range(0, len(names), _BATCH):
        for agent in Agent.objects.filter(username__in=names[start : start + _BATCH]):
            found[agent.username] = agent
    return found


def _create_agents(plan: ImportPlan) -> None:
    # Imported agents cannot sign in by password until an administrator resets it, or they
    # come through single sign-on.
    Agent.objects.bulk_create(
        (
            Agent(
                username=new.username,
                first_name=new.first_name,
                last_name=new.last_name,
                email=new.email,
                job_title=new.job_title,
                phone=new.phone,
                office=new.office,
                kind=new.kind,
                password=make_password(None),
            )
            for new in plan.agents_to_create
        ),
        batch_size=_BATCH,
    )


def _update_agents(plan: ImportPlan, agents: dict[str, Agent]) -> None:
    by_fields: dict[tuple[str, ...], list[Agent]] = {}
    now = timezone.now()
    for update in plan.agents_to_update:
        agent = agents[update.username]
        for name, value in update.changes:
            setattr(agent, name, value)
        agent.updated_at = now
        by_fields.setdefault(tuple(sorted(update.fields)), []).append(agent)
    for fields, group in by_fields.items():
        Agent.objects.bulk_update(group, [*fields, "updated_at"], batch_size=_BATCH)


def _place_agents(plan: ImportPlan, agents: dict[str, Agent]) -> None:
    if not plan.placements:
        return
    codes = {placement.department_code for placement in plan.placements}
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    moved = [agents[placement.username].pk for placement in plan.placements]
    for start in range(0, len(moved), _BATCH):
        DepartmentMembership.objects.filter(agent_id__in=moved[start : start + _BATCH]).delete()
    DepartmentMembership.objects.bulk_create(
        (
            DepartmentMembership(
                agent=agents[placement.username],
                department=departments[placement.department_code],
                is_manager=placement.is_manager,
            )
            for placement in plan.placements
        ),
        batch_size=_BATCH,
    )


def _set_managers(plan: ImportPlan, agents: dict[str, Agent]) -> None:
    # One UPDATE per manager: an organisation chart has far fewer managers than agents.
    reports: dict[str, list[object]] = {}
    for link in plan.managers:
        reports.setdefault(link.manager_username, []).append(agents[link.username].pk)
    now = timezone.now()
    for manager_username, agent_ids in reports.items():
        manager = agents[manager_username] if manager_username else None
        for start in range(0, len(agent_ids), _BATCH):
            Agent.objects.filter(pk__in=agent_ids[start : start + _BATCH]).update(
                manager=manager, updated_at=now
            )


def _summary(plan: ImportPlan) -> dict[str, object]:
    """What the import did, agent by agent, for the audit trail: one event, whatever the size
    (a sealed event per agent costs several round trips each: minutes for a large commune)."""
    changed: dict[str, set[str]] = {}
    for update in plan.agents_to_update:
        changed.setdefault(update.username, set()).update(update.fields)
    created = {new.username for new in plan.agents_to_create}
    for placement in plan.placements:
        if placement.username not in created:
            changed.setdefault(placement.username, set()).add("departments")
    for link in plan.managers:
        if link.username not in created:
            changed.setdefault(link.username, set()).add("manager")
    return {
        "source": plan.source,
        **plan.counts(),
        "created": sorted(created),
        "updated": {username: sorted(fields) for username, fields in sorted(changed.items())},
        "suspended": list(plan.agents_to_suspend),
        "departments": [d.code for d in plan.departments_to_create],
    }


def _change_groups(
    plan: ImportPlan, agents: dict[str, Agent], *, acting: Agent | None, address: str | None
) -> None:
    through = AgentGroup.members.through
    for change in plan.groups:
        if change.is_new:
            group = do_create_group(
                name=change.name, description="", acting=acting, address=address
            )
        else:
            group = AgentGroup.objects.get(name=change.name)
        removed: Sequence[object] = [agents[u].pk for u in change.remove]
        through.objects.filter(agentgroup=group, agent_id__in=removed).delete()
        through.objects.bulk_create(
            (through(agentgroup=group, agent=agents[u]) for u in change.add), batch_size=_BATCH
        )
        record(
            "directory.group_members_changed",
            actor=acting,
            target=group,
            address=address,
            details={
                "added": len(change.add),
                "removed": len(change.remove),
                "source": plan.source,
            },
        )
