"""THE permission test of the search (issue 6, « Done when » 2): for every persona and every
query, the results, their snippets and their counts hold nothing the persona may not read.

The world: three drives, each with a distinctive word in each document's content, and one word
(« kermesse ») in all of them:

- the Voirie department's drive, with a folder that stops inheritance (Voirie's members lose
  it; it is shared with the Finances agent);
- the Finances department's drive, with one file shared with the outside architect (a guest);
- the Voirie agent's personal drive, with a folder shared with the group « Élus » and a
  private file;

and, besides the drives, a calendar shared as reader with Finances (a public event, a private
one), an address book shared with Voirie, the people themselves, and three workspaces (a works
project of Voirie where Finances contributes and the architect reads, Finances' private budget,
a listed festival with the elected official), each with a page, a task and a file.

What each persona may read is asked of the access model itself, object by object
(``files.policies.abilities``, ``directory.policies.abilities``), never of the search. To add a
place (a workspace, its wiki, its board), add a builder to ``PLACES``: it plants documents and
says, for each, how the access model answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from beffroi.calendars import actions as calendars
from beffroi.calendars import policies as calendar_policies
from beffroi.calendars.models import CalendarShare
from beffroi.calendars.tests.samples import event_text
from beffroi.contacts import actions as contacts
from beffroi.contacts import policies as contact_policies
from beffroi.contacts.models import ShareRole
from beffroi.contacts.tests.samples import card_text
from beffroi.core.text import fold
from beffroi.directory import policies as directory_policies
from beffroi.directory.models import Agent, AgentGroup
from beffroi.files import actions as files
from beffroi.files import policies as files_policies
from beffroi.files.models import Node, Share
from beffroi.search.access import access_search
from beffroi.search.tests.conftest import department_root, personal_root
from beffroi.tasks import actions as tasks
from beffroi.tasks.models import Column
from beffroi.wiki import actions as wiki
from beffroi.workspaces import actions as workspace_actions
from beffroi.workspaces import policies as workspace_policies
from beffroi.workspaces.models import Workspace

PERSONAS = ["maire", "agent_voirie", "agent_finances", "elu", "invite_externe", "anonyme"]
COMMON = "kermesse"


@dataclass(frozen=True)
class Planted:
    """A searchable object put in the world, with what only it says."""

    kind: str
    object_id: str
    title: str
    word: str  # a word only this object's content holds
    readable: Callable[[Any], bool]  # the access model's answer for a person


@dataclass
class World:
    people: dict[str, Any]
    committed: Callable[[], Any]
    planted: list[Planted]


def _file(node: Node, word: str) -> Planted:
    def readable(user: Any) -> bool:
        return files_policies.abilities(user, Node.objects.get(pk=node.pk)).read

    return Planted("file", str(node.pk), node.name, word, readable)


def _upload(agent: Agent, folder: Node, name: str, word: str) -> Node:
    text = f"Compte rendu : {word}. Préparation de la {COMMON} de la commune."
    return files.do_upload(agent, folder, name, [text.encode()])


def voirie_drive(world: World) -> list[Planted]:
    """Voirie's drive: a file for its members, and « Confidentiel », which stops inheritance
    and is shared with the Finances agent only."""
    voirie = world.people["agent_voirie"]
    chef = world.people["chef_services_techniques"]
    root = department_root(voirie.departments.get(), chef)
    with world.committed():
        plan = _upload(voirie, root, "plan-alpha.txt", "giratoire")
        secret = files.do_create_folder(chef, root, "Confidentiel")
        files.do_set_inheritance(chef, secret, inherits=False)
        files.do_share(chef, secret, world.people["agent_finances"], "reader")
        mutation = _upload(chef, secret, "note-beta.txt", "mutation")
    return [_file(plan, "giratoire"), _file(mutation, "mutation")]


def finances_drive(world: World) -> list[Planted]:
    """Finances' drive: a file for its members, another shared with the architect."""
    finances = world.people["agent_finances"]
    root = department_root(finances.departments.get(), finances)
    with world.committed():
        budget = _upload(finances, root, "tableau-gamma.txt", "mandatement")
        devis = _upload(finances, root, "devis-delta.txt", "honoraires")
        # Shared by the department's head (not a persona): written as the share action would.
        Share.objects.create(node=devis, agent=world.people["invite_externe"], role="reader")
    return [_file(budget, "mandatement"), _file(devis, "honoraires")]


def personal_drive(world: World) -> list[Planted]:
    """The Voirie agent's own drive: « Pour les élus » shared with the group « Élus », and a
    private file."""
    voirie = world.people["agent_voirie"]
    elus = AgentGroup.objects.create(name="Élus")
    elus.members.add(world.people["elu"], world.people["maire"])
    root = personal_root(voirie)
    with world.committed():
        folder = files.do_create_folder(voirie, root, "Pour les élus")
        files.do_share(voirie, folder, elus, "reader")
        sketch = _upload(voirie, folder, "projet-epsilon.txt", "esquisse")
        holiday = _upload(voirie, root, "perso-zeta.txt", "vacances")
    return [_file(sketch, "esquisse"), _file(holiday, "vacances")]


def agenda_and_contacts(world: World) -> list[Planted]:
    """The Voirie agent's calendar, shared as reader with Finances: a public event and a
    private one; Finances' address book, shared as reader with Voirie: one card."""
    voirie, finances = world.people["agent_voirie"], world.people["agent_finances"]
    with world.committed():
        calendar = calendars.do_ensure_default_calendar(voirie)
        for uid, summary, extra in [
            ("public", "Pavoisement", ()),
            ("prive", "Ophtalmologie", ("CLASS:PRIVATE",)),
        ]:
            text = event_text(uid, summary, extra=extra)
            calendars.do_put_event(voirie, calendar, f"{uid}.ics", text)
        calendars.do_share_calendar(
            voirie, calendar, CalendarShare.Role.READER, to_department=finances.departments.get()
        )
        book = contacts.do_create_address_book(finances, slug="fournisseurs", name="Fournisseurs")
        contacts.do_put_card(finances, book, "g.vcf", card_text("g", "Gaston Ferronnier"))
        contacts.do_share_address_book(finances, book, voirie.departments.get(), ShareRole.READER)
    events = {event.name: event for event in calendar.events.all()}

    def calendar_reads(user: Any, private: bool = False) -> bool:
        granted = calendar_policies.abilities(user, calendar)
        return granted.see_private if private else granted.read

    def book_reads(user: Any) -> bool:
        return contact_policies.abilities(user, book).read

    card = book.cards.get()
    return [
        Planted(
            "event", str(events["public.ics"].pk), "Pavoisement", "pavoisement", calendar_reads
        ),
        Planted(
            "event",
            str(events["prive.ics"].pk),
            "Ophtalmologie",
            "ophtalmologie",
            lambda user: calendar_reads(user, private=True),
        ),
        Planted("contact", str(card.pk), "Gaston Ferronnier", "ferronnier", book_reads),
    ]


JOBS = {
    "maire": "ornithologue",
    "agent_voirie": "cantonnier",
    "agent_finances": "trésorière",
    "elu": "conseiller",
    "invite_externe": "architecte",
}


def people(world: World) -> list[Planted]:
    """The people themselves, each by a word only their entry holds (their job title)."""
    for name, job in JOBS.items():
        Agent.objects.filter(pk=world.people[name].pk).update(job_title=job)
    call_command("search", "reindex", "--kind", "agent", verbosity=0)
    planted = []
    for name, job in JOBS.items():
        agent = Agent.objects.get(pk=world.people[name].pk)

        def readable(user: Any, agent: Agent = agent) -> bool:
            return directory_policies.abilities(user, Agent.objects.get(pk=agent.pk)).view

        planted.append(Planted("agent", str(agent.pk), agent.display_name, job, readable))
    return planted


def _in_workspace(
    world: World, workspace: Workspace, author: Agent, words: list[str]
) -> list[Planted]:
    """A page, a task and a file of ``workspace``, each with one of ``words``."""
    page_word, task_word, file_word = words
    with world.committed():
        page = wiki.do_create_page(author, workspace, f"Page {page_word[:3]}", _text(page_word))
        card = tasks.do_create_card(
            author,
            Column.objects.filter(board__workspace=workspace).first(),  # type: ignore[arg-type]
            f"Tâche {task_word[:3]}",
            description=_text(task_word),
        )
        root = Node.objects.get(space__workspace=workspace, parent=None)
        document = _upload(author, root, f"piece-{file_word[:3]}.txt", file_word)

    def member(user: Any) -> bool:
        return workspace_policies.abilities(user, Workspace.objects.get(pk=workspace.pk)).read

    return [
        Planted("page", str(page.pk), page.title, page_word, member),
        Planted("task", str(card.pk), card.title, task_word, member),
        _file(document, file_word),
    ]


def workspaces(world: World) -> list[Planted]:
    """Three workspaces: Voirie's works project where Finances contributes and the architect
    reads; Finances' private budget; a listed festival where the elected official contributes
    (listed: others see its name in the directory, never its content)."""
    voirie, finances = world.people["agent_voirie"], world.people["agent_finances"]
    works = workspace_actions.do_create_workspace(voirie, "Chantier", blueprint="projet-travaux")
    workspace_actions.do_add_member(voirie, works, finances.departments.get(), "contributor")
    workspace_actions.do_add_member(voirie, works, world.people["invite_externe"], "reader")
    budget = workspace_actions.do_create_workspace(finances, "Budget")
    festival = workspace_actions.do_create_workspace(
        voirie, "Festival", visibility=Workspace.Visibility.LISTED
    )
    workspace_actions.do_add_member(voirie, festival, world.people["elu"], "contributor")
    return [
        *_in_workspace(world, works, voirie, ["charpente", "echafaudage", "ragreage"]),
        *_in_workspace(world, budget, finances, ["amortissement", "provision", "emprunt"]),
        *_in_workspace(world, festival, voirie, ["fanfare", "buvette", "feuxartifice"]),
    ]


def _text(word: str) -> str:
    return f"Compte rendu : {word}. Préparation de la {COMMON} de la commune."


# Each builder plants documents in one place.
PLACES: list[Callable[[World], list[Planted]]] = [
    voirie_drive,
    finances_drive,
    personal_drive,
    agenda_and_contacts,
    workspaces,
]


@pytest.fixture
def world(
    maire,
    agent_voirie,
    agent_finances,
    elu,
    invite_externe,
    anonyme,
    chef_services_techniques,
    committed,
) -> World:
    cast = {
        "maire": maire,
        "agent_voirie": agent_voirie,
        "agent_finances": agent_finances,
        "elu": elu,
        "invite_externe": invite_externe,
        "anonyme": anonyme,
        "chef_services_techniques": chef_services_techniques,
    }
    # The head of Services techniques manages Voirie's drive; not a persona, and out of the
    # people the queries find.
    Agent.objects.filter(pk=chef_services_techniques.pk).update(job_title="")
    world = World(cast, committed, [])
    for place in PLACES:
        world.planted.extend(place(world))
    world.planted.extend(people(world))
    return world


WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def _queries(world: World) -> list[tuple[str, bool]]:
    """Every distinctive word, typed in full and as a prefix, every title's own word, the
    common word, and a phrase."""
    queries: list[tuple[str, bool]] = [(COMMON, False), (COMMON[:5], True)]
    for planted in world.planted:
        queries.append((planted.word, False))
        queries.append((planted.word[:-2], True))
        if planted.kind == "file":
            queries.append((_words(planted.title)[1], False))
    queries.append(('"préparation de la kermesse"', False))
    return queries


def _said(planted: Planted) -> list[str]:
    if planted.kind in ("file", "page", "task"):
        return _words(f"{planted.title} Compte rendu : {planted.word}. Préparation de la {COMMON}")
    return _words(f"{planted.title} {planted.word}")


def _expected(world: World, user: Any, text: str, prefix: bool) -> set[tuple[str, str]]:
    """What matches ``text`` among what the access model lets ``user`` read (the queries are
    made of words no other document shares, so a word or its start is enough)."""
    asked = _words(text)
    found = set()
    for planted in world.planted:
        said = _said(planted)
        matches = all(any(w.startswith(word) for w in said) for word in asked)
        if matches and planted.readable(user):
            found.add((planted.kind, planted.object_id))
    return found


def _forbidden(world: World, user: Any) -> list[str]:
    """What no answer to ``user`` may contain: the words and titles of what they may not read."""
    hidden = [planted for planted in world.planted if not planted.readable(user)]
    return [p.word.lower() for p in hidden] + [p.title.lower() for p in hidden]


def _check_in_process(world: World, name: str) -> None:
    """For each query: the hits are exactly what the access model lets the persona read among
    what matches, the counts equal them, and no title or snippet shows a hidden word."""
    user = world.people[name]
    for text, prefix in _queries(world):
        results = access_search(user, text, prefix=prefix, limit=50)
        found = {(hit.kind, hit.object_id) for group in results.groups for hit in group.hits}
        expected = _expected(world, user, text, prefix)
        assert found == expected, (name, text, prefix)
        for group in results.groups:
            assert group.count == len([k for k, _ in expected if k == group.kind]), (name, text)
            assert not group.more
        shown = " ".join(
            f"{hit.title} {hit.snippet} {hit.url}" for group in results.groups for hit in group.hits
        ).lower()
        for word in _forbidden(world, user):
            assert word not in shown, (name, text, word)


def _check_through_the_api(world: World, name: str) -> None:
    """Through ``/api/v1/search``: the same hits and counts, and the groups of the JSON answer
    (all of it but the query echoed back) free of any hidden word; anonymous people are
    refused."""
    user = world.people[name]
    client = Client()
    if name == "anonyme":
        assert client.get("/api/v1/search", {"q": COMMON}).status_code == 401
        return
    client.force_login(user)
    for text, prefix in _queries(world):
        response = client.get(
            "/api/v1/search", {"q": text, "prefix": str(prefix).lower(), "limit": 50}
        )
        assert response.status_code == 200
        body = response.json()
        found = {(hit["kind"], hit["object_id"]) for g in body["groups"] for hit in g["hits"]}
        assert found == _expected(world, user, text, prefix), (name, text)
        assert sum(group["count"] for group in body["groups"]) == len(found)
        answer = json.dumps(body["groups"], ensure_ascii=False).lower()
        for word in _forbidden(world, user):
            assert word not in answer, (name, text, word)


@pytest.mark.parametrize("name", PERSONAS)
def test_no_persona_finds_counts_or_glimpses_what_they_may_not_read(world, name):
    """In process and through the API, every query's hits, counts, titles and snippets hold
    exactly what the access model lets the persona read. The test can fail: each persona but
    the anonymous may read some planted documents and not others (one world per persona:
    building it is the costly part)."""
    if name != "anonyme":
        readable = [p.readable(world.people[name]) for p in world.planted]
        assert any(readable), name
        assert not all(readable), name
    _check_in_process(world, name)
    _check_through_the_api(world, name)
