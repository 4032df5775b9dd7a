"""The drive's demo data: department drives with files, and the shares of the story."""

from __future__ import annotations

from beffroi.directory.actions import do_create_first_administrator
from beffroi.directory.demo import seed_demo
from beffroi.directory.models import Agent
from beffroi.files import access, policies
from beffroi.files.models import Node, Share, Space


def test_the_demo_fills_department_drives_and_shares_the_plans_with_voirie(db):
    do_create_first_administrator()
    said: list[str] = []

    seed_demo(say=said.append)

    urbanisme = Space.objects.get(slug="urbanisme")
    plans = Node.objects.get(space=urbanisme, name="Plans")
    secret = Node.objects.get(parent=plans, name="Confidentiel")
    assert Share.objects.filter(node=plans, department__code="VOIRIE", role="reader").exists()
    assert secret.stops_inheritance
    assert Space.objects.filter(kind=Space.Kind.DEPARTMENT).count() == 12
    assert Node.objects.filter(space=urbanisme, name__startswith="CR réunion").count() == 3
    voirie_agent = Agent.objects.filter(memberships__department__code="VOIRIE").first()
    assert policies.abilities(voirie_agent, plans).role == "reader"
    assert not policies.abilities(voirie_agent, secret).read
    assert [item.path for item in access.access_shared_with_me(voirie_agent)] == ["/Plans"]
    assert any("Espaces de fichiers des services remplis" in line for line in said)
