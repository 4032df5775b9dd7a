"""What every source of agents produces: rows in the directory's words, and the problems found.

A source (a CSV file, an LDAP directory) turns its own format into ``SourceRow``s. Only the
columns the source actually has are authoritative: a CSV without a ``telephone`` column leaves
the agents' phone numbers as they are, while an empty ``telephone`` cell clears one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# The fields a source may carry, in the order reports list them.
FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "department",
    "job_title",
    "phone",
    "office",
    "manager",
    "kind",
    "manages_department",
    "groups",
)


@dataclass(frozen=True)
class Problem:
    """Why part of a source cannot be imported, located as the administrator will look for it:
    ``ligne 12 : adresse électronique invalide`` (CSV, header on line 1) or an LDAP entry's DN."""

    where: str
    reason: str
    # Where the problem sits in the source (a CSV line number), to report in reading order.
    order: int = 0

    def __str__(self) -> str:
        return f"{self.where} : {self.reason}"


@dataclass(frozen=True)
class SourceRow:
    """One person as the source describes them. ``where`` locates the row for error messages."""

    where: str
    username: str
    order: int = 0
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    department: str = ""
    job_title: str = ""
    phone: str = ""
    office: str = ""
    manager: str = ""
    kind: str = ""
    manages_department: bool = False
    groups: tuple[str, ...] = ()


@dataclass
class SourceRows:
    """Everything a source read: its rows, the fields it carries, and what was wrong."""

    label: str
    columns: frozenset[str]
    rows: list[SourceRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def line_template() -> str:
    """How a CSV line is named in messages (the header is line 1), to fill with ``number``
    (translated once per file: thousands of lines each asking gettext would be slow)."""
    return _("ligne %(number)s")


def line(number: int) -> str:
    return line_template() % {"number": number}
