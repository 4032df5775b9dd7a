"""What an import would change, computed before anything is written.

A plan names agents by their username as stored (new agents: as the source gives it, in lower
case). ``do_import_directory`` applies a plan only when it has no problem.
"""

from __future__ import annotations

from dataclasses import dataclass

from beffroi.directory.importing.rows import Problem


@dataclass(frozen=True)
class NewDepartment:
    code: str
    name: str


@dataclass(frozen=True)
class NewAgentRecord:
    username: str
    first_name: str
    last_name: str
    email: str
    job_title: str
    phone: str
    office: str
    kind: str


@dataclass(frozen=True)
class AgentUpdate:
    username: str
    changes: tuple[tuple[str, str], ...]

    @property
    def fields(self) -> list[str]:
        return [name for name, _ in self.changes]


@dataclass(frozen=True)
class Placement:
    """The agent works in exactly this department from now on (perhaps as its manager)."""

    username: str
    department_code: str
    is_manager: bool


@dataclass(frozen=True)
class ManagerLink:
    """The agent's manager becomes ``manager_username`` (empty: no manager)."""

    username: str
    manager_username: str


@dataclass(frozen=True)
class GroupChange:
    name: str
    is_new: bool
    add: tuple[str, ...]
    remove: tuple[str, ...]


@dataclass(frozen=True)
class ImportPlan:
    source: str
    rows_read: int
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    departments_to_create: tuple[NewDepartment, ...] = ()
    agents_to_create: tuple[NewAgentRecord, ...] = ()
    agents_to_update: tuple[AgentUpdate, ...] = ()
    placements: tuple[Placement, ...] = ()
    managers: tuple[ManagerLink, ...] = ()
    groups: tuple[GroupChange, ...] = ()
    agents_to_suspend: tuple[str, ...] = ()
    unchanged: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return any(
            (
                self.departments_to_create,
                self.agents_to_create,
                self.agents_to_update,
                self.placements,
                self.managers,
                self.groups,
                self.agents_to_suspend,
            )
        )

    def counts(self) -> dict[str, int]:
        """The figures of the report and of the audit event."""
        return {
            "rows": self.rows_read,
            "departments_created": len(self.departments_to_create),
            "agents_created": len(self.agents_to_create),
            "agents_updated": len(self.agents_to_update),
            "placements": len(self.placements),
            "managers": len(self.managers),
            "groups_created": sum(1 for g in self.groups if g.is_new),
            "groups_changed": sum(1 for g in self.groups if not g.is_new),
            "agents_suspended": len(self.agents_to_suspend),
            "unchanged": self.unchanged,
        }
