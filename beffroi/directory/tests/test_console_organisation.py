"""The console's departments, groups and organisation settings."""

from __future__ import annotations

import pytest

from beffroi.audit.models import AuditEvent
from beffroi.directory.models import AgentGroup, Department, Organisation, Role

pytestmark = pytest.mark.django_db


def test_an_administrator_creates_a_top_level_department(client, maire):
    client.force_login(maire)

    response = client.post(
        "/console/services/nouveau/", {"name": "Éducation", "code": "education", "parent": ""}
    )

    assert response.status_code == 302
    department = Department.objects.get(code="EDUCATION")
    assert department.parent is None
    assert AuditEvent.objects.filter(action="directory.department_created").count() == 1


def test_a_department_code_is_checked(client, maire):
    client.force_login(maire)

    response = client.post(
        "/console/services/nouveau/", {"name": "Éducation", "code": "édu cation", "parent": ""}
    )

    assert response.status_code == 200
    assert "majuscules" in response.content.decode()
    assert not Department.objects.filter(name="Éducation").exists()


def test_a_manager_creates_a_department_only_below_their_own(
    client, chef_services_techniques, services_techniques, finances
):
    client.force_login(chef_services_techniques)

    below = client.post(
        "/console/services/nouveau/",
        {"name": "Bâtiments", "code": "BATIMENTS", "parent": services_techniques.pk},
    )
    top = client.post("/console/services/nouveau/", {"name": "Sport", "code": "SPORT"})
    elsewhere = client.post(
        "/console/services/nouveau/",
        {"name": "Paie", "code": "PAIE", "parent": finances.pk},
    )

    assert below.status_code == 302
    assert Department.objects.get(code="BATIMENTS").parent == services_techniques
    assert top.status_code == 200
    assert elsewhere.status_code == 200
    assert not Department.objects.filter(code__in=["SPORT", "PAIE"]).exists()


def test_a_department_cannot_move_below_itself(client, maire, services_techniques, voirie):
    """Services techniques cannot become a child of Voirie, which is below it."""
    client.force_login(maire)

    response = client.post(
        f"/console/services/{services_techniques.pk}/",
        {"name": "Services techniques", "parent": voirie.pk},
    )

    assert response.status_code == 200
    services_techniques.refresh_from_db()
    assert services_techniques.parent is None


def test_the_tree_lists_departments_with_their_agents(client, maire, agent_voirie):
    client.force_login(maire)

    page = client.get("/console/services/").content.decode()

    assert page.index("Services techniques") < page.index("Voirie")
    assert "tree__item--depth-1" in page


def test_groups_gather_agents_across_departments(client, maire, agent_voirie, agent_finances):
    client.force_login(maire)

    client.post("/console/groupes/nouveau/", {"name": "Cellule de crise", "description": ""})
    group = AgentGroup.objects.get(name="Cellule de crise")
    response = client.post(
        f"/console/groupes/{group.pk}/", {"members": "agent.voirie\nagent.finances\n"}
    )

    assert response.status_code == 302
    assert set(group.members.values_list("username", flat=True)) == {
        "agent.voirie",
        "agent.finances",
    }


def test_unknown_members_are_named_and_nothing_changes(client, maire, agent_voirie):
    client.force_login(maire)
    group = AgentGroup.objects.create(name="Élus")

    response = client.post(f"/console/groupes/{group.pk}/", {"members": "agent.voirie\nfantome"})

    assert "fantome" in response.content.decode()
    assert group.members.count() == 0


def test_groups_are_for_administrators_only(client, chef_services_techniques):
    client.force_login(chef_services_techniques)

    assert client.get("/console/groupes/").status_code == 404
    assert client.get("/console/organisation/").status_code == 404


def test_the_organisation_settings_are_validated_and_saved(client, maire):
    client.force_login(maire)

    bad = client.post(
        "/console/organisation/",
        {"name": "Ville-Exemple", "siren": "12345", "insee_code": "", "mail_domains": "pas un"},
    )
    good = client.post(
        "/console/organisation/",
        {
            "name": "Ville-Exemple",
            "siren": "213401234",
            "insee_code": "34123",
            "mail_domains": "ville-exemple.fr\nmairie-exemple.fr",
            "second_factor_roles": [Role.ADMINISTRATOR, Role.ELECTED],
        },
    )

    assert bad.status_code == 200
    assert "SIREN" in bad.content.decode()
    assert good.status_code == 302
    organisation = Organisation.current()
    assert organisation.siren == "213401234"
    assert organisation.mail_domains == ["mairie-exemple.fr", "ville-exemple.fr"]
    assert organisation.second_factor_roles == ["administrator", "elected"]
