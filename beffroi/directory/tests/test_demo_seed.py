"""`beffroi demo seed`: Ville-Exemple on an empty instance, refused on any other."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from beffroi.directory import demo
from beffroi.directory.actions import do_create_first_administrator
from beffroi.directory.models import (
    Agent,
    AgentGroup,
    Department,
    DepartmentMembership,
    Organisation,
)

PASSWORD = re.compile(r"mot de passe de démonstration (\S+)")


def seed() -> str:
    out = io.StringIO()
    call_command("demo", "seed", stdout=out)
    return out.getvalue()


def refused_seed() -> str:
    """Run the command expecting a refusal; returns what it printed on standard error."""
    err = io.StringIO()
    with pytest.raises(SystemExit) as stop:
        call_command("demo", "seed", stdout=io.StringIO(), stderr=err)
    assert stop.value.code == 1
    return err.getvalue()


@pytest.fixture
def fresh_instance(db) -> Agent:
    """What `beffroi init` leaves: one administrator and nothing else."""
    administrator, _password = do_create_first_administrator()
    return administrator


def test_seed_builds_ville_exemple(fresh_instance):
    """12 departments as a tree, 120 agents and elected officials with managers, the groups
    « Élus » and « Cellule de crise », two guests, and the organisation's details."""
    out = seed()

    assert "Ville-Exemple est prête : 12 services, 120 agents et élus, 2 invités, 2 groupes." in out
    assert Department.objects.count() == 12
    voirie = Department.objects.get(code="VOIRIE")
    assert voirie.parent.code == "TECHNIQUES"
    assert voirie.parent.parent.name == "Direction générale des services"
    people = Agent.objects.exclude(pk=fresh_instance.pk)
    assert people.exclude(kind=Agent.Kind.GUEST).count() == 120
    guests = people.filter(kind=Agent.Kind.GUEST)
    assert sorted(guests.values_list("job_title", flat=True)) == [
        "Architecte, Lambert & associés",
        "Conducteur de travaux, Moreau BTP",
    ]
    assert not guests.filter(departments__isnull=False).exists()
    elus = AgentGroup.objects.get(name="Élus")
    assert elus.members.count() == 9
    assert set(elus.members.values_list("kind", flat=True)) == {Agent.Kind.ELECTED}
    assert (
        AgentGroup.objects.get(name="Cellule de crise")
        .members.filter(username="claire.dubois")
        .exists()
    )
    karim = Agent.objects.get(username="karim.benali")
    assert (karim.job_title, karim.manager.username) == ("Agent de voirie", "marc.henry")
    assert DepartmentMembership.objects.filter(is_manager=True).count() == 12
    assert people.filter(kind=Agent.Kind.AGENT, manager__isnull=True).count() == 0, (
        "every agent has a manager"
    )
    organisation = Organisation.current()
    assert (organisation.name, organisation.mail_domains) == ("Ville-Exemple", ["ville-exemple.fr"])
    assert len(organisation.siren) == 9


def test_the_printed_password_signs_in_the_listed_people_only(fresh_instance):
    """The password shown once works for the listed accounts; the others have none."""
    out = seed()

    password = PASSWORD.search(out).group(1)
    for username, _who in demo.SIGN_IN_AS:
        assert f"  {username}" in out
        assert authenticate(username=username, password=password) is not None
    assert not Agent.objects.get(username="marc.henry").has_usable_password()


def test_the_same_seed_gives_the_same_commune(fresh_instance):
    """The names are drawn from a fixed seed: two instances get the same people."""
    first = [row.username for row in demo.demo_rows(demo.random.Random(demo.SEED))]
    second = [row.username for row in demo.demo_rows(demo.random.Random(demo.SEED))]

    assert first == second
    assert len(set(first)) == 122


def test_a_second_run_is_refused_and_changes_nothing(fresh_instance):
    """Once the commune exists, seeding again is refused with a clear message."""
    seed()
    count = Agent.objects.count()

    err = refused_seed()

    assert err == (
        "Cette instance n'est pas vide (122 autres comptes que l'administrateur, ou des "
        "services, des groupes) : la commune de démonstration ne se crée que sur une "
        "instance neuve.\n"
    )
    assert Agent.objects.count() == count


def test_an_instance_with_its_own_agents_is_refused(fresh_instance, agent_voirie):
    """A real commune's instance is never filled with fictional people."""
    assert "Cette instance n'est pas vide (1 autre compte que l'administrateur" in refused_seed()
    assert not Department.objects.exclude(code__in=["VOIRIE", "TECHNIQUES"]).exists()
    assert Agent.objects.count() == 2


def test_registered_seeders_run_after_the_directory(fresh_instance):
    """A capability's seeder receives the commune, its people and departments."""
    seen = {}

    def files_seeder(commune: demo.DemoCommune) -> None:
        seen["agents"] = len(commune.agents)
        seen["voirie"] = commune.departments["VOIRIE"].name
        commune.say("dossiers partagés créés")

    demo.register_demo_seeder("fichiers", files_seeder)
    try:
        out = seed()
    finally:
        demo._seeders.pop("fichiers")

    assert seen == {"agents": 123, "voirie": "Voirie"}
    assert "Données de démonstration : fichiers\ndossiers partagés créés\n" in out


def test_a_failing_seeder_leaves_the_instance_empty(fresh_instance):
    """All in one transaction: a capability that fails undoes the whole commune."""

    def broken(commune: demo.DemoCommune) -> None:
        raise RuntimeError("panne")

    demo.register_demo_seeder("cassé", broken)
    try:
        with pytest.raises(RuntimeError):
            seed()
    finally:
        demo._seeders.pop("cassé")

    assert Agent.objects.count() == 1
    assert not Department.objects.exists()


def test_an_instance_without_administrator_is_told_to_run_init(db):
    """Before `beffroi init` there is nobody to act as: the command says what to run first."""
    assert refused_seed() == (
        "Aucun administrateur : lancez d'abord « beffroi init », puis la démonstration.\n"
    )
    assert not Department.objects.exists()


def test_production_instances_are_refused(fresh_instance, settings):
    """Fictional people never land on a production instance."""
    settings.PRODUCTION = True

    assert "ne se crée pas en production" in refused_seed()
    assert not Department.objects.exists()
