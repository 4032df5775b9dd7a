"""Changes to agents' accounts: creation, profile, departments, status, passwords, sign-ins."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput
from beffroi.core.events import agent_group, publish_on_commit
from beffroi.directory import search
from beffroi.directory.actions import security
from beffroi.directory.models import Agent, Department, DepartmentMembership


@dataclass(frozen=True)
class NewAgent:
    """An account to create. ``password=None`` creates one that cannot sign in by password
    until an administrator sets one (agents imported from a directory, single sign-on)."""

    username: str
    password: str | None
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    kind: str = Agent.Kind.AGENT
    is_admin: bool = False
    job_title: str = ""
    phone: str = ""
    office: str = ""
    department_codes: Sequence[str] = field(default_factory=tuple)
    manager_username: str = ""
    must_change_password: bool = False


def _check_email(email: str, problems: dict[str, list[str]]) -> None:
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems["email"] = [_("Cette adresse électronique n'est pas valide.")]


def _check_password(password: str, candidate: Agent, problems: dict[str, list[str]]) -> None:
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        problems["password"] = list(error.messages)


def _validate_new_agent(new: NewAgent) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not new.username:
        problems["username"] = [_("L'identifiant est obligatoire.")]
    else:
        try:
            Agent.username_validator(new.username)
        except ValidationError as error:
            problems["username"] = list(error.messages)
        if Agent.objects.filter(username__iexact=new.username).exists():
            problems["username"] = [_("Cet identifiant est déjà utilisé.")]
    _check_email(new.email, problems)
    if new.kind not in Agent.Kind.values:
        problems["kind"] = [_("Catégorie inconnue.")]
    unknown = set(new.department_codes) - set(
        Department.objects.filter(code__in=new.department_codes).values_list("code", flat=True)
    )
    if unknown:
        problems["departments"] = [
            _("Service inconnu : %(code)s.") % {"code": code} for code in sorted(unknown)
        ]
    if new.manager_username and not Agent.objects.filter(username=new.manager_username).exists():
        problems["manager"] = [_("Responsable inconnu : %(u)s.") % {"u": new.manager_username}]
    if new.password is not None:
        candidate = Agent(
            username=new.username,
            email=new.email,
            first_name=new.first_name,
            last_name=new.last_name,
        )
        _check_password(new.password, candidate, problems)
    return problems


def do_create_agent(
    new: NewAgent, *, acting: Agent | None = None, address: str | None = None
) -> Agent:
    """Create an agent account, or raise ``InvalidInput`` naming every field at fault."""
    problems = _validate_new_agent(new)
    if problems:
        raise InvalidInput(fields=problems)
    with transaction.atomic():
        agent = Agent(
            username=new.username,
            email=new.email,
            first_name=new.first_name,
            last_name=new.last_name,
            kind=new.kind,
            is_staff=new.is_admin,
            is_superuser=new.is_admin,
            job_title=new.job_title,
            phone=new.phone,
            office=new.office,
            must_change_password=new.must_change_password,
            manager=Agent.objects.filter(username=new.manager_username).first()
            if new.manager_username
            else None,
        )
        if new.password is None:
            agent.set_unusable_password()
        else:
            agent.set_password(new.password)
        agent.save()
        departments = Department.objects.filter(code__in=new.department_codes)
        DepartmentMembership.objects.bulk_create(
            DepartmentMembership(agent=agent, department=department) for department in departments
        )
        record(
            "directory.agent_created",
            actor=acting,
            target=agent,
            address=address,
            details={
                "username": agent.username,
                "administrator": new.is_admin,
                "departments": sorted(new.department_codes),
            },
        )
        search.agents_changed([agent.pk])
        _give_mailbox(agent, acting)
    return agent


def _give_mailbox(agent: Agent, acting: Agent | None) -> None:
    """An agent whose address is in one of the organisation's mail domains gets their mailbox
    (imported here: the mail app builds on the directory, not the other way round)."""
    from beffroi.mail.actions.lifecycle import give_mailbox_if_served

    give_mailbox_if_served(agent, acting=acting)


FIRST_ADMIN_USERNAME = "admin"


def do_create_first_administrator() -> tuple[Agent, str] | None:
    """On an instance with no administrator, create one with a random password.

    Returns the account and its password (to be shown once), or None when one already exists.
    """
    with transaction.atomic():
        if Agent.objects.filter(is_superuser=True).exists():
            return None
        password = secrets.token_urlsafe(18)
        agent = do_create_agent(
            NewAgent(
                username=FIRST_ADMIN_USERNAME,
                password=password,
                first_name="Administrateur",
                is_admin=True,
            )
        )
    return agent, password


# Profile fields an administrator or the agent may change, with their validation.
PROFILE_FIELDS = ("first_name", "last_name", "email", "job_title", "phone", "office")
_PROFILE_LIMITS = {
    "first_name": 150,
    "last_name": 150,
    "email": 254,
    "job_title": 150,
    "phone": 40,
    "office": 150,
}


def do_update_profile(
    agent: Agent, changes: dict[str, str], *, acting: Agent, address: str | None = None
) -> Agent:
    """Change profile fields; unknown fields and invalid values are refused together."""
    problems: dict[str, list[str]] = {}
    for name in changes:
        if name not in PROFILE_FIELDS:
            problems[name] = [_("Ce champ ne peut pas être modifié.")]
    _check_email(changes.get("email", ""), problems)
    for name, value in changes.items():
        limit = _PROFILE_LIMITS.get(name)
        if limit is not None and len(value) > limit:
            problems[name] = [_("%(n)s caractères au plus.") % {"n": limit}]
    if problems:
        raise InvalidInput(fields=problems)
    changed = {name: value for name, value in changes.items() if getattr(agent, name) != value}
    if not changed:
        return agent
    with transaction.atomic():
        for name, value in changed.items():
            setattr(agent, name, value)
        agent.save(update_fields=[*changed, "updated_at"])
        record(
            "directory.profile_updated",
            actor=acting,
            target=agent,
            address=address,
            details={"fields": sorted(changed)},
        )
        search.agents_changed([agent.pk])
        if "email" in changed:
            _give_mailbox(agent, acting)
    return agent


def do_set_departments(
    agent: Agent,
    department_ids: Iterable[uuid.UUID],
    *,
    acting: Agent | None,
    managed_ids: Iterable[uuid.UUID] = (),
    address: str | None = None,
) -> None:
    """Put an agent in exactly these departments (managers of ``managed_ids`` among them)."""
    wanted = set(department_ids)
    managers = set(managed_ids) & wanted
    departments = {d.pk: d for d in Department.objects.filter(pk__in=wanted)}
    if len(departments) != len(wanted):
        raise InvalidInput(fields={"departments": [_("Service inconnu.")]})
    with transaction.atomic():
        agent.memberships.exclude(department_id__in=wanted).delete()
        existing = {m.department_id: m for m in agent.memberships.all()}
        for department_id, department in departments.items():
            membership = existing.get(department_id)
            is_manager = department_id in managers
            if membership is None:
                DepartmentMembership.objects.create(
                    agent=agent, department=department, is_manager=is_manager
                )
            elif membership.is_manager != is_manager:
                membership.is_manager = is_manager
                membership.save(update_fields=["is_manager", "updated_at"])
        record(
            "directory.departments_changed",
            actor=acting,
            target=agent,
            address=address,
            details={
                "departments": sorted(d.code for d in departments.values()),
                "manages": sorted(departments[i].code for i in managers),
            },
        )
        search.agents_changed([agent.pk])


def _end_sessions(agent: Agent) -> int:
    """End every live web session of ``agent``; returns how many there were.

    Sessions are found through allauth's list of each agent's sessions, so this works with any
    session engine (database, cache, Redis), without decoding every session of the instance."""
    return security.end_every_session(agent)


def do_end_all_sessions(agent: Agent, *, acting: Agent, address: str | None = None) -> int:
    with transaction.atomic():
        ended = _end_sessions(agent)
        record(
            "directory.sessions_ended",
            actor=acting,
            target=agent,
            address=address,
            details={"sessions": ended},
        )
    return ended


def do_set_status(
    agent: Agent, status: str, *, acting: Agent | None, address: str | None = None
) -> Agent:
    """Suspend, reactivate or mark as departed. Leaving active ends every session at once;
    a departed agent keeps their data until it is handed over."""
    if status not in Agent.Status.values:
        raise InvalidInput(fields={"status": [_("Statut inconnu.")]})
    previous = agent.status
    if previous == status:
        return agent
    with transaction.atomic():
        agent.status = status
        agent.departed_at = timezone.now() if status == Agent.Status.DEPARTED else None
        agent.save(update_fields=["status", "departed_at", "updated_at"])
        ended = _end_sessions(agent) if status != Agent.Status.ACTIVE else 0
        record(
            "directory.status_changed",
            actor=acting,
            target=agent,
            address=address,
            details={"from": previous, "to": status, "sessions_ended": ended},
        )
        publish_on_commit([agent_group(agent.pk)], "directory.signed_out", {})
        search.agents_changed([agent.pk])
    return agent


def generate_temporary_password() -> str:
    """A password given once to an agent, to be changed at their first sign-in."""
    return secrets.token_urlsafe(12)


def do_reset_password(agent: Agent, *, acting: Agent, address: str | None = None) -> str:
    """Give the agent a temporary password, to be changed at their next sign-in."""
    temporary = generate_temporary_password()
    with transaction.atomic():
        agent.set_password(temporary)
        agent.must_change_password = True
        agent.save(update_fields=["password", "must_change_password", "updated_at"])
        ended = _end_sessions(agent)
        record(
            "directory.password_reset",
            actor=acting,
            target=agent,
            address=address,
            details={"sessions_ended": ended},
        )
    return temporary


def do_change_password(agent: Agent, new_password: str, *, address: str | None = None) -> None:
    """The agent chooses a new password (also after a reset)."""
    problems: dict[str, list[str]] = {}
    _check_password(new_password, agent, problems)
    if problems:
        raise InvalidInput(fields=problems)
    with transaction.atomic():
        agent.set_password(new_password)
        agent.must_change_password = False
        agent.save(update_fields=["password", "must_change_password", "updated_at"])
        record("directory.password_changed", actor=agent, target=agent, address=address)


def do_set_language(agent: Agent, language: str) -> None:
    """Remember the agent's language, so every device and e-mail uses it."""
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(fields={"language": [_("Langue non disponible.")]})
    if agent.language != language:
        agent.language = language
        agent.save(update_fields=["language", "updated_at"])


def do_record_sign_in(agent: Agent, *, channel: str, address: str | None) -> None:
    record(
        "directory.sign_in",
        actor=agent,
        target=agent,
        address=address,
        details={"channel": channel},
    )


def do_record_failed_sign_in(
    username: str, *, channel: str, address: str | None, failures: int
) -> None:
    # The username as typed is kept (it may be a typo of a real one), never the password.
    record(
        "directory.sign_in_failed",
        address=address,
        details={"channel": channel, "username": username[:150], "failures": failures},
    )
