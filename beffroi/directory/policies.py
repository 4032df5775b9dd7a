"""What a person may do with an agent's record or a department: one answer per object."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from beffroi.directory import queries
from beffroi.directory.models import Agent, Department

Person = Agent | AnonymousUser


@dataclass(frozen=True)
class AgentAbilities:
    view: bool
    edit_profile: bool
    administer: bool
    change_status: bool
    reset_password: bool
    hand_over: bool


@dataclass(frozen=True)
class DepartmentAbilities:
    view: bool
    administer: bool


NO_AGENT_ABILITIES = AgentAbilities(False, False, False, False, False, False)


def _signed_in_agent(user: Person) -> Agent | None:
    if isinstance(user, Agent) and user.is_authenticated and user.can_sign_in:
        return user
    return None


def is_administrator(user: Person) -> bool:
    agent = _signed_in_agent(user)
    return agent is not None and agent.is_superuser


def may_open_console(user: Person) -> bool:
    """Organisation administrators and department managers use the administration console."""
    agent = _signed_in_agent(user)
    if agent is None:
        return False
    return agent.is_superuser or agent.memberships.filter(is_manager=True).exists()


def abilities(user: Person, agent: Agent) -> AgentAbilities:
    viewer = _signed_in_agent(user)
    if viewer is None:
        return NO_AGENT_ABILITIES
    is_self = viewer.pk == agent.pk
    if viewer.is_superuser:
        administer = True
    else:
        managed = queries.managed_department_ids(viewer)
        # A manager administers the agents of their departments, never an administrator.
        administer = (
            bool(managed & queries.department_ids_of(agent))
            and not agent.is_superuser
            and not is_self
        )
    # A guest sees only themselves until sharing tells whom else they work with.
    sees_directory = viewer.kind != Agent.Kind.GUEST and agent.status == Agent.Status.ACTIVE
    return AgentAbilities(
        view=is_self or administer or sees_directory,
        edit_profile=is_self or administer,
        administer=administer,
        change_status=administer and not is_self,
        reset_password=administer and not is_self,
        hand_over=viewer.is_superuser and not is_self,
    )


def department_abilities(user: Person, department: Department) -> DepartmentAbilities:
    viewer = _signed_in_agent(user)
    if viewer is None:
        return DepartmentAbilities(view=False, administer=False)
    administer = viewer.is_superuser or department.pk in queries.managed_department_ids(viewer)
    return DepartmentAbilities(
        view=viewer.kind != Agent.Kind.GUEST or administer, administer=administer
    )


def may_create_agent_in(user: Person, department_ids: set[uuid.UUID]) -> bool:
    """Administrators anywhere; managers only inside the departments they administer,
    and a manager's new agent must belong to at least one of them."""
    if is_administrator(user):
        return True
    viewer = _signed_in_agent(user)
    if viewer is None or not department_ids:
        return False
    return department_ids <= queries.managed_department_ids(viewer)


def may_create_department_under(user: Person, parent: Department | None) -> bool:
    if is_administrator(user):
        return True
    viewer = _signed_in_agent(user)
    if viewer is None or parent is None:
        return False
    return parent.pk in queries.managed_department_ids(viewer)
