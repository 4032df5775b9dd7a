"""What a person may do with an agent's record."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from beffroi.directory.models import Agent


@dataclass(frozen=True)
class AgentAbilities:
    view: bool
    edit_profile: bool
    administer: bool


def abilities(user: Agent | AnonymousUser, agent: Agent) -> AgentAbilities:
    if not user.is_authenticated or not isinstance(user, Agent):
        return AgentAbilities(view=False, edit_profile=False, administer=False)
    is_self = user.pk == agent.pk
    is_admin = user.is_superuser
    # A guest sees only themselves until sharing exists to tell whom else they work with.
    sees_directory = user.kind != Agent.Kind.GUEST and agent.status == Agent.Status.ACTIVE
    return AgentAbilities(
        view=is_self or is_admin or sees_directory,
        edit_profile=is_self or is_admin,
        administer=is_admin,
    )
