"""The demo's five workspaces, their members and content."""

from __future__ import annotations

from beffroi.directory.actions import do_create_first_administrator
from beffroi.directory.demo import seed_demo
from beffroi.directory.models import Agent
from beffroi.tasks.models import Card
from beffroi.wiki.models import Page
from beffroi.workspaces import access, policies
from beffroi.workspaces.models import Workspace


def test_the_demo_brings_five_workspaces_with_pages_tasks_and_files(db):
    do_create_first_administrator()
    said: list[str] = []

    seed_demo(say=said.append)

    names = set(Workspace.objects.values_list("name", flat=True))
    assert names == {
        "Rénovation de l'école Jules-Ferry",
        "Budget primitif 2027",
        "Festival d'été",
        "Cellule de crise",
        "Intranet",
    }
    school = Workspace.objects.get(name="Rénovation de l'école Jules-Ferry")
    assert Page.objects.filter(workspace=school, title="Réunion de chantier du 3 décembre").exists()
    assert Card.objects.filter(board__workspace=school).count() == 3
    architect = Agent.objects.get(username="archi.lambert")
    assert [w.name for w in access.access_my_workspaces(architect)] == [school.name]
    teacher = Agent.objects.filter(memberships__department__code="EDUCATION").first()
    granted = policies.abilities(teacher, school)
    assert granted.read
    assert not granted.contribute
    intranet = Workspace.objects.get(name="Intranet")
    assert policies.abilities(teacher, intranet).read
    assert any("Espaces de travail : 5 créés" in line for line in said)
