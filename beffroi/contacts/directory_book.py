"""The organisation's global address book, generated from the directory.

Nothing is stored: each card is written from the agent's row when asked for, its ETag is a hash
of the fields it is made of (so listing 10,000 ETags costs no vCard serialisation), and its UID
is the agent's own id, so it never changes. Listed: every active agent of the organisation
(guests and departed or suspended accounts are not).

The sync token is read from the directory itself: the latest modification time among agents,
department memberships, departments and the organisation, with the number of those rows. Any
edit moves the time; a removal (a membership deleted) lowers the count. "What changed since a
token" is then every agent, membership and department modified after the token's time (less a
safety margin, so that a write committed late or stamped by a clock slightly behind is still
reported: reporting a card again is harmless), and a token whose rows have since been deleted
is refused, so that the client reads the whole book again (RFC 6578 §3.2).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from functools import cached_property

import vobject  # type: ignore[import-untyped, unused-ignore]
from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _

from beffroi.contacts.vcard import etag_of
from beffroi.directory.models import Agent, Department, DepartmentMembership, Organisation

SLUG = "annuaire"
TOKEN_PREFIX = "urn:beffroi:sync:annuaire:"  # noqa: S105 - a URI scheme, not a secret
MARGIN = dt.timedelta(minutes=5)
# Bumped when the card layout below changes, so that every ETag changes with it.
_LAYOUT = "1"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class DirectoryBook:
    """The global address book as one agent's home shows it."""

    slug: str
    name: str
    description: str
    token: str
    revision: int  # the token's time, in microseconds: a CTag clients can compare

    @property
    def is_directory(self) -> bool:
        return True


@dataclass(frozen=True)
class DirectoryCard:
    """One agent's card: the same attributes as a stored ``Card`` that readers use."""

    agent: Agent
    organisation_name: str
    department_names: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.agent.pk}.vcf"

    @property
    def uid(self) -> str:
        return f"urn:uuid:{self.agent.pk}"

    @property
    def version(self) -> str:
        return "3.0"

    @property
    def full_name(self) -> str:
        return self.agent.display_name

    @property
    def organisation(self) -> str:
        return " – ".join([self.organisation_name, *self.department_names[:1]])

    @property
    def emails(self) -> str:
        return self.agent.email

    @property
    def phones(self) -> str:
        return self.agent.phone

    @property
    def updated_at(self) -> dt.datetime:
        return self.agent.updated_at

    @property
    def etag(self) -> str:
        fields = "\x1f".join(
            [
                _LAYOUT,
                self.organisation_name,
                *self.department_names,
                self.agent.first_name,
                self.agent.last_name,
                self.agent.username,
                self.agent.email,
                self.agent.phone,
                self.agent.job_title,
                self.agent.office,
            ]
        )
        return '"d' + hashlib.sha256(fields.encode("utf-8")).hexdigest()[:31] + '"'

    @cached_property
    def data(self) -> str:
        agent = self.agent
        card = vobject.vCard()
        card.add("version").value = "3.0"
        card.add("prodid").value = "-//Beffroi//Annuaire//FR"
        card.add("uid").value = self.uid
        card.add("fn").value = agent.display_name
        card.add("n").value = vobject.vcard.Name(family=agent.last_name, given=agent.first_name)
        card.add("org").value = [self.organisation_name, *self.department_names[:1]]
        if agent.job_title:
            card.add("title").value = agent.job_title
        if agent.email:
            email = card.add("email")
            email.value = agent.email
            email.type_paramlist = ["INTERNET", "WORK"]
        if agent.phone:
            tel = card.add("tel")
            tel.value = agent.phone
            tel.type_paramlist = ["WORK", "VOICE"]
        if agent.office:
            address = card.add("adr")
            address.value = vobject.vcard.Address(extended=agent.office)
            address.type_param = "WORK"
        card.add("categories").value = [_("Annuaire")]
        text: str = card.serialize()
        return text

    @property
    def content_etag(self) -> str:
        """The hash of the text itself (tests compare it with what clients received)."""
        return etag_of(self.data)


def listed_agents() -> QuerySet[Agent]:
    """The agents the global address book lists."""
    return Agent.objects.filter(status=Agent.Status.ACTIVE, is_active=True).exclude(
        kind=Agent.Kind.GUEST
    )


def directory_book() -> DirectoryBook:
    stamp, count = _state()
    return DirectoryBook(
        slug=SLUG,
        name=_("Annuaire de l'organisation"),
        description=_("Les agents et élus de l'organisation, tirés de l'annuaire (lecture seule)."),
        token=f"{TOKEN_PREFIX}{stamp}-{count}",
        revision=stamp,
    )


def directory_cards(
    *, names: list[str] | None = None, search: str = "", agent_ids: set[uuid.UUID] | None = None
) -> list[DirectoryCard]:
    """The cards of the book (of ``names``, matching ``search``, or of ``agent_ids``)."""
    agents = listed_agents()
    if names is not None:
        agents = agents.filter(pk__in=_agent_ids(names))
    if agent_ids is not None:
        agents = agents.filter(pk__in=agent_ids)
    for word in search.split()[:5]:
        agents = agents.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
            | Q(phone__icontains=word)
            | Q(job_title__icontains=word)
            | Q(memberships__department__name__icontains=word)
        )
    organisation = Organisation.current().name
    rows = agents.distinct().prefetch_related("memberships__department")
    return [
        DirectoryCard(
            agent=agent,
            organisation_name=organisation,
            department_names=tuple(
                sorted(membership.department.name for membership in agent.memberships.all())
            ),
        )
        for agent in rows.order_by("last_name", "first_name", "username")
    ]


@dataclass(frozen=True)
class DirectoryChanges:
    changed: list[DirectoryCard]
    removed: list[str]  # resource names


def directory_changes_since(token: str) -> DirectoryChanges | None:
    """What changed since ``token``, or None when the token cannot say (the client reads the
    whole book again)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    stamp_text, _dash, count_text = token[len(TOKEN_PREFIX) :].partition("-")
    if not stamp_text.isdigit() or not count_text.isdigit():
        return None
    if token == directory_book().token:
        return DirectoryChanges(changed=[], removed=[])
    since = _EPOCH + dt.timedelta(microseconds=int(stamp_text))
    if _count(created_until=since) != int(count_text):
        return None  # something the token knew has been deleted since
    if Organisation.objects.filter(updated_at__gt=since).exists():
        return None  # the organisation's name is on every card
    after = since - MARGIN
    touched_departments = Department.objects.filter(updated_at__gt=after).values("pk")
    agent_ids = set(Agent.objects.filter(updated_at__gt=after).values_list("pk", flat=True))
    agent_ids |= set(
        DepartmentMembership.objects.filter(
            Q(updated_at__gt=after) | Q(department__in=touched_departments)
        ).values_list("agent_id", flat=True)
    )
    changed = directory_cards(agent_ids=agent_ids)
    listed = {card.agent.pk for card in changed}
    removed = sorted(f"{pk}.vcf" for pk in agent_ids - listed)
    return DirectoryChanges(changed=changed, removed=removed)


def _agent_ids(names: list[str]) -> list[uuid.UUID]:
    ids = []
    for name in names:
        if not name.endswith(".vcf"):
            continue
        try:
            ids.append(uuid.UUID(name.removesuffix(".vcf")))
        except ValueError:
            continue
    return ids


def _state() -> tuple[int, int]:
    latest = [
        model.objects.aggregate(latest=Max("updated_at"))["latest"]
        for model in (Agent, DepartmentMembership, Department, Organisation)
    ]
    known = [moment for moment in latest if moment is not None]
    newest = max(known) if known else _EPOCH
    stamp = (newest - _EPOCH) // dt.timedelta(microseconds=1)
    return stamp, _count(created_until=None)


def _count(*, created_until: dt.datetime | None) -> int:
    total = 0
    for model in (Agent, DepartmentMembership, Department):
        rows = model.objects.all()
        if created_until is not None:
            rows = rows.filter(created_at__lte=created_until)
        total += rows.count()
    return total
