"""Compare what a source says with the directory, and say what an import would change.

Nothing is written here. Every problem of every row is collected, so that the administrator fixes
the file once; a plan with problems is never applied. The directory is read in a handful of
queries, whatever the number of agents.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from beffroi.core.text import fold
from beffroi.directory.importing.plan import (
    AgentUpdate,
    GroupChange,
    ImportPlan,
    ManagerLink,
    NewAgentRecord,
    NewDepartment,
    Placement,
)
from beffroi.directory.importing.rows import Problem, SourceRow, SourceRows
from beffroi.directory.models import Agent, AgentGroup, Department, DepartmentMembership

PROFILE_FIELDS = ("first_name", "last_name", "email", "job_title", "phone", "office")
LIMITS = {
    "username": 150,
    "first_name": 150,
    "last_name": 150,
    "email": 254,
    "job_title": 150,
    "phone": 40,
    "office": 150,
    "department": 200,
}
FIELD_NAMES = {
    "username": "identifiant",
    "first_name": "prénom",
    "last_name": "nom",
    "email": "courriel",
    "job_title": "fonction",
    "phone": "téléphone",
    "office": "bureau",
    "department": "service",
}
CODE_LENGTH = 40
GROUP_NAME_LENGTH = 150
_username_validator = UnicodeUsernameValidator()


@dataclass(frozen=True)
class _Known:
    """An agent already in the directory, as far as an import is concerned."""

    id: uuid.UUID
    username: str
    manager_id: uuid.UUID | None
    status: str
    kind: str
    is_superuser: bool
    profile: dict[str, str]


@dataclass
class _Directory:
    """The directory as it is, read once: agents by lower-case username, departments,
    memberships."""

    agents: dict[str, _Known]
    usernames_by_id: dict[uuid.UUID, str]
    codes: dict[str, uuid.UUID]
    names: dict[str, str]
    memberships: dict[uuid.UUID, dict[str, bool]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> _Directory:
        agents: dict[str, _Known] = {}
        for values in Agent.objects.values(
            "id", "username", "manager_id", "status", "kind", "is_superuser", *PROFILE_FIELDS
        ):
            agents[values["username"].lower()] = _Known(
                id=values["id"],
                username=values["username"],
                manager_id=values["manager_id"],
                status=values["status"],
                kind=values["kind"],
                is_superuser=values["is_superuser"],
                profile={name: values[name] for name in PROFILE_FIELDS},
            )
        departments = list(Department.objects.values_list("id", "code", "name"))
        code_by_id = {pk: code for pk, code, _name in departments}
        directory = cls(
            agents=agents,
            usernames_by_id={a.id: a.username for a in agents.values()},
            codes={code: pk for pk, code, _name in departments},
            names={fold(name): code for _pk, code, name in departments},
        )
        for agent_id, department_id, is_manager in DepartmentMembership.objects.values_list(
            "agent_id", "department_id", "is_manager"
        ):
            directory.memberships.setdefault(agent_id, {})[code_by_id[department_id]] = is_manager
        return directory


class _Departments:
    """Finds a department named by code or by name, or plans its creation with a new code."""

    def __init__(self, directory: _Directory) -> None:
        self.directory = directory
        self.new: dict[str, NewDepartment] = {}
        self.codes_taken = set(directory.codes)

    def resolve(self, value: str) -> str:
        if value.upper() in self.directory.codes:
            return value.upper()
        key = fold(value)
        if key in self.directory.names:
            return self.directory.names[key]
        if key not in self.new:
            code = self._free_code(value)
            self.codes_taken.add(code)
            self.new[key] = NewDepartment(code=code, name=value)
        return self.new[key].code

    def _free_code(self, name: str) -> str:
        """An upper-case ASCII slug of the name, numbered when already taken."""
        slug = re.sub(r"[^A-Z0-9]+", "-", fold(name).upper()).strip("-") or "SERVICE"
        slug = slug[:CODE_LENGTH].rstrip("-")
        candidate, number = slug, 1
        while candidate in self.codes_taken:
            number += 1
            suffix = f"-{number}"
            candidate = slug[: CODE_LENGTH - len(suffix)].rstrip("-") + suffix
        return candidate


def _row_problems(row: SourceRow, columns: frozenset[str]) -> list[str]:
    reasons: list[str] = []
    if not row.username:
        return [_("identifiant manquant.")]
    try:
        _username_validator(row.username)
    except ValidationError:
        reasons.append(
            _("identifiant « %(u)s » invalide : lettres, chiffres et . @ + - _ seulement.")
            % {"u": row.username}
        )
    if row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            reasons.append(_("adresse électronique « %(e)s » invalide.") % {"e": row.email})
    for name, limit in LIMITS.items():
        if len(str(getattr(row, name))) > limit:
            reasons.append(
                _("%(field)s trop long : %(max)s caractères au plus.")
                % {"field": FIELD_NAMES[name], "max": limit}
            )
    if row.manages_department and not row.department:
        reasons.append(_("responsable du service, mais aucun service n'est indiqué."))
    if "groups" in columns:
        for group in row.groups:
            if len(group) > GROUP_NAME_LENGTH:
                reasons.append(
                    _("nom de groupe trop long : %(max)s caractères au plus.")
                    % {"max": GROUP_NAME_LENGTH}
                )
    return reasons


def _valid_rows(source: SourceRows, problems: list[Problem]) -> list[SourceRow]:
    """Rows whose own content is acceptable; the others are reported."""
    already: dict[str, str] = {}
    valid: list[SourceRow] = []
    bad_locations = {p.where for p in source.problems}
    for row in source.rows:
        reasons = _row_problems(row, source.columns)
        if row.username and row.username in already:
            reasons.append(
                _("identifiant « %(u)s » en double (déjà en %(where)s).")
                % {"u": row.username, "where": already[row.username]}
            )
        elif row.username:
            already[row.username] = row.where
        problems.extend(Problem(row.where, reason, row.order) for reason in reasons)
        if not reasons and row.where not in bad_locations:
            valid.append(row)
    return valid


def _check_managers(
    source: SourceRows, rows: list[SourceRow], directory: _Directory, problems: list[Problem]
) -> None:
    """Every manager exists (in the source or the directory) and nobody manages themselves,
    even through others. A manager whose own row has a problem is in the source all the
    same: that row's problem is reported once, not again on each of their reports' lines."""
    if "manager" not in source.columns:
        return
    in_source = {row.username for row in source.rows}
    chain: dict[str, str] = {}
    for key, agent in directory.agents.items():
        if agent.manager_id in directory.usernames_by_id:
            chain[key] = directory.usernames_by_id[agent.manager_id].lower()
    row_of: dict[str, SourceRow] = {}
    for row in rows:
        row_of[row.username] = row
        chain.pop(row.username, None)
        if not row.manager:
            continue
        if row.manager not in in_source and row.manager not in directory.agents:
            problems.append(
                Problem(
                    row.where,
                    _("responsable « %(m)s » introuvable, ni dans l'import ni dans l'annuaire.")
                    % {"m": row.manager},
                    row.order,
                )
            )
            continue
        chain[row.username] = row.manager
    for loop in _loops(chain, start=[row.username for row in rows]):
        described = " → ".join([*loop, loop[0]])
        for username in loop:
            if username in row_of:
                problems.append(
                    Problem(
                        row_of[username].where,
                        _("boucle de responsables : %(loop)s.") % {"loop": described},
                        row_of[username].order,
                    )
                )


def _loops(chain: dict[str, str], start: Iterable[str]) -> list[list[str]]:
    """Cycles of the "manager of" relation reachable from ``start`` (each found once)."""
    done: set[str] = set()
    loops: list[list[str]] = []
    for origin in start:
        path: list[str] = []
        position: dict[str, int] = {}
        current: str | None = origin
        while current is not None and current not in done:
            if current in position:
                loops.append(path[position[current] :])
                break
            position[current] = len(path)
            path.append(current)
            current = chain.get(current)
        done.update(path)
    return loops


@dataclass
class _Changes:
    to_create: list[NewAgentRecord] = field(default_factory=list)
    to_update: list[AgentUpdate] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    managers: list[ManagerLink] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)


def _agent_changes(
    rows: list[SourceRow],
    directory: _Directory,
    departments: _Departments,
    columns: frozenset[str],
    notes: list[str],
) -> _Changes:
    changes = _Changes()
    canonical = {row.username: row.username for row in rows}
    canonical.update({key: a.username for key, a in directory.agents.items()})
    for row in rows:
        existing = directory.agents.get(row.username)
        username = canonical[row.username]
        if existing is None:
            changes.to_create.append(
                NewAgentRecord(
                    username=username,
                    kind=row.kind or Agent.Kind.AGENT,
                    **{name: getattr(row, name) for name in PROFILE_FIELDS},
                )
            )
            changes.touched.add(username)
            memberships: dict[str, bool] = {}
            manager = ""
        else:
            if existing.status != Agent.Status.ACTIVE:
                notes.append(
                    f"{row.where} : "
                    + _("%(u)s n'est pas actif ; l'import ne le réactive pas.") % {"u": username}
                )
            wanted = [
                (name, str(getattr(row, name)))
                for name in PROFILE_FIELDS
                if name in columns and existing.profile[name] != getattr(row, name)
            ]
            if row.kind and row.kind != existing.kind:
                wanted.append(("kind", row.kind))
            if wanted:
                changes.to_update.append(AgentUpdate(username=username, changes=tuple(wanted)))
                changes.touched.add(username)
            memberships = directory.memberships.get(existing.id, {})
            manager = (
                directory.usernames_by_id.get(existing.manager_id, "")
                if existing.manager_id
                else ""
            )
        if "department" in columns and row.department:
            code = departments.resolve(row.department)
            is_manager = (
                row.manages_department
                if "manages_department" in columns
                else memberships.get(code, False)
            )
            if memberships != {code: is_manager}:
                changes.placements.append(Placement(username, code, is_manager))
                changes.touched.add(username)
        if "manager" in columns:
            wanted_manager = canonical.get(row.manager, "") if row.manager else ""
            if wanted_manager != manager:
                changes.managers.append(ManagerLink(username, wanted_manager))
                changes.touched.add(username)
    return changes


def _group_changes(
    rows: list[SourceRow], directory: _Directory, columns: frozenset[str]
) -> list[GroupChange]:
    """For each group the source names: its members among the source's agents become exactly
    those the source lists; members the source does not know are left alone."""
    if "groups" not in columns:
        return []
    canonical = {key: a.username for key, a in directory.agents.items()}
    wanted: dict[str, tuple[str, set[str]]] = {}
    for row in rows:
        for name in row.groups:
            entry = wanted.setdefault(name.lower(), (name, set()))
            entry[1].add(canonical.get(row.username, row.username))
    if not wanted:
        return []
    in_source = {canonical.get(row.username, row.username) for row in rows}
    existing = {g.name.lower(): g for g in AgentGroup.objects.all()}
    through = AgentGroup.members.through
    members: dict[uuid.UUID, set[str]] = {}
    for group_id, agent_id in through.objects.filter(
        agentgroup_id__in=[g.pk for key, g in existing.items() if key in wanted]
    ).values_list("agentgroup_id", "agent_id"):
        members.setdefault(group_id, set()).add(directory.usernames_by_id.get(agent_id, ""))
    changes: list[GroupChange] = []
    for key, (name, usernames) in sorted(wanted.items()):
        group = existing.get(key)
        current = members.get(group.pk, set()) if group is not None else set()
        add = usernames - current
        remove = (current & in_source) - usernames
        if group is None or add or remove:
            changes.append(
                GroupChange(
                    name=group.name if group is not None else name,
                    is_new=group is None,
                    add=tuple(sorted(add)),
                    remove=tuple(sorted(remove)),
                )
            )
    return changes


def _missing_agents(
    rows: list[SourceRow], directory: _Directory, protected: Iterable[str]
) -> list[str]:
    """Active agents and elected officials the source no longer lists. Administrators and
    guests are never suspended by an import (the source does not manage them)."""
    in_source = {row.username for row in rows} | {p.lower() for p in protected}
    return sorted(
        agent.username
        for key, agent in directory.agents.items()
        if key not in in_source
        and agent.status == Agent.Status.ACTIVE
        and not agent.is_superuser
        and agent.kind != Agent.Kind.GUEST
    )


def plan_import(
    source: SourceRows, *, suspend_missing: bool = False, protected: Iterable[str] = ()
) -> ImportPlan:
    """What importing ``source`` would change. ``protected`` usernames (the administrator
    running the import) are never suspended."""
    problems: list[Problem] = []
    notes = list(source.notes)
    rows = _valid_rows(source, problems)
    problems = [*source.problems, *problems]
    directory = _Directory.load()
    _check_managers(source, rows, directory, problems)
    if suspend_missing and not rows:
        problems.append(
            Problem(
                source.label,
                _("aucun agent dans la source : la suspension des absents est refusée."),
            )
        )
    departments = _Departments(directory)
    changes = _agent_changes(rows, directory, departments, source.columns, notes)
    groups = _group_changes(rows, directory, source.columns)
    for group in groups:
        changes.touched.update(group.add + group.remove)
    suspend = _missing_agents(rows, directory, protected) if suspend_missing else []
    return ImportPlan(
        source=source.label,
        rows_read=len(source.rows),
        problems=tuple(sorted(problems, key=lambda problem: problem.order)),
        notes=tuple(notes),
        departments_to_create=tuple(departments.new.values()),
        agents_to_create=tuple(changes.to_create),
        agents_to_update=tuple(changes.to_update),
        placements=tuple(changes.placements),
        managers=tuple(changes.managers),
        groups=tuple(groups),
        agents_to_suspend=tuple(suspend),
        unchanged=len(rows) - len({r.username for r in rows} & _lower(changes.touched)),
    )


def _lower(usernames: set[str]) -> set[str]:
    return {u.lower() for u in usernames}
