"""The console's agent pages: administrators everywhere, managers in their departments."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from beffroi.audit.models import AuditEvent
from beffroi.core.errors import NotAuthenticated
from beffroi.directory.access import authenticate_app_password
from beffroi.directory.actions import do_create_app_password, handover
from beffroi.directory.models import Agent
from beffroi.directory.tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def _new_agent_form(**overrides):
    form = {
        "username": "lucie.moreau",
        "first_name": "Lucie",
        "last_name": "Moreau",
        "email": "lucie.moreau@ville-exemple.fr",
        "kind": "agent",
        "job_title": "Agente d'entretien",
        "phone": "",
        "office": "",
        "manager": "",
    }
    form.update(overrides)
    return form


def test_an_administrator_creates_an_agent_with_a_temporary_password(client, maire, voirie):
    """The new agent is in Voirie, must change the password shown once, and it is audited."""
    client.force_login(maire)

    response = client.post("/console/agents/nouveau/", _new_agent_form(departments=[voirie.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    password = re.search(r'id="mot-de-passe-provisoire">([^<]+)<', page).group(1)
    agent = Agent.objects.get(username="lucie.moreau")
    assert agent.check_password(password)
    assert agent.must_change_password
    assert list(agent.departments.values_list("code", flat=True)) == ["VOIRIE"]
    event = AuditEvent.objects.get(action="directory.agent_created", target_id=str(agent.pk))
    assert event.actor_id == maire.pk
    assert password not in str(event.details)


def test_creation_errors_are_explained_and_nothing_is_created(client, maire):
    """A taken username and a bad e-mail come back on the form, in French."""
    client.force_login(maire)
    AgentFactory(username="lucie.moreau")

    response = client.post(
        "/console/agents/nouveau/", _new_agent_form(email="pas-une-adresse", manager="personne")
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Corrigez les champs signalés" in page or "Cet identifiant est déjà utilisé." in page
    assert Agent.objects.filter(username="lucie.moreau").count() == 1


def test_a_manager_creates_agents_only_in_departments_they_manage(
    client, chef_services_techniques, voirie, finances
):
    """The head of Services techniques may add to Voirie (below them), not to Finances."""
    client.force_login(chef_services_techniques)

    refused = client.post("/console/agents/nouveau/", _new_agent_form(departments=[finances.pk]))
    accepted = client.post(
        "/console/agents/nouveau/",
        _new_agent_form(username="paul.girard", departments=[voirie.pk]),
    )

    assert refused.status_code == 200
    assert not Agent.objects.filter(username="lucie.moreau").exists()
    assert accepted.status_code == 200
    assert Agent.objects.get(username="paul.girard").departments.get() == voirie


def test_a_manager_cannot_make_an_administrator(client, chef_services_techniques, voirie):
    """The 'administrator' box is not even offered, and a forged one is ignored."""
    client.force_login(chef_services_techniques)

    form = client.get("/console/agents/nouveau/").content.decode()
    client.post("/console/agents/nouveau/", _new_agent_form(departments=[voirie.pk], is_admin="on"))

    assert 'name="is_admin"' not in form
    assert not Agent.objects.get(username="lucie.moreau").is_superuser


def test_the_list_shows_only_what_a_manager_administers(
    client, chef_services_techniques, agent_voirie, agent_finances, maire
):
    client.force_login(chef_services_techniques)

    page = client.get("/console/agents/").content.decode()

    assert "agent.voirie" in page
    assert "agent.finances" not in page
    assert ">maire<" not in page


def test_the_list_filters_by_words_and_status(client, maire, agent_voirie, agent_finances):
    client.force_login(maire)

    page = client.get("/console/agents/", {"q": "benali"}).content.decode()

    assert "agent.voirie" in page
    assert "agent.finances" not in page


@pytest.mark.parametrize("name", ["agent_finances", "elu", "invite_externe"])
def test_people_without_the_console_get_a_plain_not_found(request, client, name, agent_voirie):
    """Agents, elected officials and guests are told nothing exists there."""
    client.force_login(request.getfixturevalue(name))

    for url in ("/console/", "/console/agents/", f"/console/agents/{agent_voirie.pk}/"):
        assert client.get(url).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get("/console/agents/")

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_a_manager_cannot_open_an_agent_outside_their_departments(
    client, chef_services_techniques, agent_finances, maire
):
    """The same 404 as a missing agent: no existence leaks."""
    client.force_login(chef_services_techniques)

    assert client.get(f"/console/agents/{agent_finances.pk}/").status_code == 404
    assert client.get(f"/console/agents/{maire.pk}/").status_code == 404


def test_suspending_ends_sessions_and_sign_in(client, maire, agent_voirie):
    """A suspended agent's open sessions stop working at once; reactivation restores access."""
    victim = Client()
    victim.force_login(agent_voirie)
    assert victim.get("/").status_code == 200
    client.force_login(maire)

    client.post(f"/console/agents/{agent_voirie.pk}/statut/", {"statut": "suspended"})

    agent_voirie.refresh_from_db()
    assert agent_voirie.status == Agent.Status.SUSPENDED
    assert victim.get("/").status_code == 302
    assert SESSION_KEY not in victim.session
    client.post(f"/console/agents/{agent_voirie.pk}/statut/", {"statut": "active"})
    agent_voirie.refresh_from_db()
    assert agent_voirie.status == Agent.Status.ACTIVE
    actions = list(
        AuditEvent.objects.filter(target_id=str(agent_voirie.pk)).values_list("action", flat=True)
    )
    assert actions.count("directory.status_changed") == 2


def test_an_agent_cannot_change_their_own_status_through_the_console(client, maire):
    client.force_login(maire)

    client.post(f"/console/agents/{maire.pk}/statut/", {"statut": "suspended"})

    maire.refresh_from_db()
    assert maire.status == Agent.Status.ACTIVE


def test_resetting_a_password_forces_a_change_and_shows_it_once(client, maire, agent_voirie):
    client.force_login(maire)

    response = client.post(f"/console/agents/{agent_voirie.pk}/mot-de-passe/")

    password = re.search(r'id="mot-de-passe-provisoire">([^<]+)<', response.content.decode()).group(
        1
    )
    agent_voirie.refresh_from_db()
    assert agent_voirie.check_password(password)
    assert agent_voirie.must_change_password
    assert AuditEvent.objects.filter(action="directory.password_reset").count() == 1


def test_a_departed_agents_data_is_handed_over_by_every_capability(
    client, maire, agent_voirie, agent_finances
):
    """Marking as departed, then handing over, runs each registered capability's hook."""
    moved = []

    def files_hook(previous, successor):
        moved.append((previous.username, successor.username))
        return 3

    handover.register_handover("fichiers-de-test", files_hook)
    try:
        client.force_login(maire)
        client.post(f"/console/agents/{agent_voirie.pk}/statut/", {"statut": "departed"})
        response = client.post(
            f"/console/agents/{agent_voirie.pk}/transmission/", {"successor": "agent.finances"}
        )
    finally:
        handover._hooks.pop("fichiers-de-test")

    assert response.status_code == 302
    assert moved == [("agent.voirie", "agent.finances")]
    agent_voirie.refresh_from_db()
    assert agent_voirie.status == Agent.Status.DEPARTED
    assert agent_voirie.departed_at is not None
    event = AuditEvent.objects.get(action="directory.ownership_transferred")
    assert event.details["moved"] == {"fichiers-de-test": 3}


def test_hand_over_waits_for_departure(client, maire, agent_voirie, agent_finances):
    client.force_login(maire)

    client.post(f"/console/agents/{agent_voirie.pk}/transmission/", {"successor": "agent.finances"})

    assert not AuditEvent.objects.filter(action="directory.ownership_transferred").exists()


def test_a_manager_moves_an_agent_within_their_departments_and_keeps_the_others(
    client, chef_services_techniques, agent_voirie, services_techniques, voirie, finances
):
    """Memberships outside the manager's reach (Finances) are kept when they edit Voirie's."""
    from beffroi.directory.models import DepartmentMembership

    DepartmentMembership.objects.create(agent=agent_voirie, department=finances)
    client.force_login(chef_services_techniques)

    client.post(
        f"/console/agents/{agent_voirie.pk}/",
        {"formulaire": "services", "departments": [services_techniques.pk]},
    )

    codes = set(agent_voirie.departments.values_list("code", flat=True))
    assert codes == {"TECHNIQUES", "FINANCES"}


def test_the_profile_is_edited_with_validation(client, maire, agent_voirie):
    client.force_login(maire)

    bad = client.post(
        f"/console/agents/{agent_voirie.pk}/",
        {"formulaire": "profil", "first_name": "Karim", "last_name": "Benali", "email": "x@"},
    )
    good = client.post(
        f"/console/agents/{agent_voirie.pk}/",
        {
            "formulaire": "profil",
            "first_name": "Karim",
            "last_name": "Benali",
            "email": "karim.benali@ville-exemple.fr",
            "job_title": "Chef d'équipe voirie",
        },
    )

    assert bad.status_code == 200
    assert good.status_code == 302
    agent_voirie.refresh_from_db()
    assert agent_voirie.job_title == "Chef d'équipe voirie"


def test_an_administrator_revokes_an_agents_app_password(client, maire, agent_voirie):
    """A lost phone: the console lists the agent's app passwords, one click cuts that device
    off, the audit trail names the administrator, and the password no longer opens anything."""
    phone, secret = do_create_app_password(agent_voirie, "Téléphone de service", ["calendars"])
    do_create_app_password(agent_voirie, "Ordinateur portable", ["files"])
    client.force_login(maire)

    page = client.get(f"/console/agents/{agent_voirie.pk}/").content.decode()
    assert "Téléphone de service" in page
    assert "Ordinateur portable" in page
    response = client.post(
        f"/console/agents/{agent_voirie.pk}/mots-de-passe-application/{phone.pk}/revoquer/"
    )

    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    listed = page.split('id="titre-mots-de-passe-application"')[1]
    assert "Téléphone de service" not in listed
    assert "Ordinateur portable" in listed
    assert "« Téléphone de service » est révoqué." in page
    event = AuditEvent.objects.get(action="directory.app_password_revoked")
    assert event.actor_id == maire.pk
    with pytest.raises(NotAuthenticated):
        authenticate_app_password("agent.voirie", secret, scope="calendars", address="127.0.0.1")


def test_app_passwords_are_revoked_only_through_their_own_agent(
    client, maire, agent_voirie, agent_finances, chef_services_techniques
):
    """Another agent's app password through this agent's page, or an agent outside the
    manager's departments: the same not-found answer, and nothing revoked."""
    theirs, _ = do_create_app_password(agent_finances, "Tablette", ["files"])

    client.force_login(maire)
    wrong_agent = client.post(
        f"/console/agents/{agent_voirie.pk}/mots-de-passe-application/{theirs.pk}/revoquer/"
    )
    client.force_login(chef_services_techniques)
    outside = client.post(
        f"/console/agents/{agent_finances.pk}/mots-de-passe-application/{theirs.pk}/revoquer/"
    )

    assert wrong_agent.status_code == 404
    assert outside.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
