"""Changes to the organisation chart: the organisation, its departments, groups of agents."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput
from beffroi.directory import queries, search
from beffroi.directory.models import Agent, AgentGroup, Department, Organisation, Role

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _field_errors(instance: object, exclude: list[str] | None = None) -> dict[str, list[str]]:
    try:
        instance.full_clean(exclude=exclude, validate_unique=True)  # type: ignore[attr-defined]
    except ValidationError as error:
        return {name: list(messages) for name, messages in error.message_dict.items()}
    return {}


def do_update_organisation(
    *,
    name: str,
    siren: str,
    insee_code: str,
    mail_domains: Iterable[str],
    second_factor_roles: Iterable[str],
    acting: Agent,
    address: str | None = None,
) -> Organisation:
    organisation = Organisation.current()
    domains = sorted({domain.strip().lower() for domain in mail_domains if domain.strip()})
    roles = sorted(set(second_factor_roles))
    organisation.name = name.strip()
    organisation.siren = siren.strip()
    organisation.insee_code = insee_code.strip().upper()
    organisation.mail_domains = domains
    organisation.second_factor_roles = roles
    problems = _field_errors(organisation)
    bad_domains = [domain for domain in domains if not _DOMAIN.match(domain)]
    if bad_domains:
        problems["mail_domains"] = [
            _("Nom de domaine invalide : %(d)s.") % {"d": domain} for domain in bad_domains
        ]
    if set(roles) - set(Role.values):
        problems["second_factor_roles"] = [_("Rôle inconnu.")]
    if problems:
        raise InvalidInput(fields=problems)
    with transaction.atomic():
        organisation.save()
        record(
            "directory.organisation_updated",
            actor=acting,
            target=organisation,
            address=address,
            details={"mail_domains": domains, "second_factor_roles": roles},
        )
    return organisation


def do_create_department(
    *,
    name: str,
    code: str,
    parent: Department | None,
    acting: Agent | None,
    address: str | None = None,
) -> Department:
    department = Department(name=name.strip(), code=code.strip().upper(), parent=parent)
    return _save_department(department, "directory.department_created", acting, address)


def do_update_department(
    department: Department,
    *,
    name: str,
    parent: Department | None,
    acting: Agent,
    address: str | None = None,
) -> Department:
    """Rename or move a department; a department cannot be moved below itself."""
    if parent is not None and parent.pk in queries.with_descendants([department.pk]):
        raise InvalidInput(
            fields={"parent": [_("Un service ne peut pas être placé sous lui-même.")]}
        )
    department.name = name.strip()
    department.parent = parent
    return _save_department(department, "directory.department_updated", acting, address)


def _save_department(
    department: Department, action: str, acting: Agent | None, address: str | None
) -> Department:
    problems = _field_errors(department)
    if problems:
        raise InvalidInput(fields=problems)
    parent = department.parent
    with transaction.atomic():
        department.save()
        record(
            action,
            actor=acting,
            target=department,
            address=address,
            details={
                "code": department.code,
                "name": department.name,
                "parent": parent.code if parent else None,
            },
        )
        # Agents are found by their departments' names.
        search.agents_changed(department.memberships.values_list("agent_id", flat=True))
    return department


def do_create_group(
    *, name: str, description: str, acting: Agent | None, address: str | None = None
) -> AgentGroup:
    group = AgentGroup(name=name.strip(), description=description.strip())
    problems = _field_errors(group)
    if problems:
        raise InvalidInput(fields=problems)
    with transaction.atomic():
        group.save()
        record(
            "directory.group_created",
            actor=acting,
            target=group,
            address=address,
            details={"name": group.name},
        )
    return group


def do_set_group_members(
    group: AgentGroup,
    members: Iterable[Agent],
    *,
    acting: Agent | None,
    address: str | None = None,
) -> None:
    wanted = {member.pk: member for member in members}
    with transaction.atomic():
        before = set(group.members.values_list("pk", flat=True))
        group.members.set(list(wanted.values()))
        record(
            "directory.group_members_changed",
            actor=acting,
            target=group,
            address=address,
            details={"added": len(wanted.keys() - before), "removed": len(before - wanted.keys())},
        )
