"""The demo commune's deposit box for the urbanism department."""

from __future__ import annotations

import random

from django.test import Client

from beffroi.directory.demo import DemoCommune
from beffroi.directory.models import Department
from beffroi.files.demo_links import DEPOSIT_FOLDER, seed_public_links
from beffroi.files.models import PublicLink
from beffroi.files.tests.public_link_helpers import urbanism_manager


def test_the_demo_seed_opens_a_deposit_box_for_urbanism(db, maire):
    """A deposit link on the urbanism drive's deposit folder, whose page works."""
    chef, _root = urbanism_manager()
    said: list[str] = []
    commune = DemoCommune(
        administrator=maire,
        agents={chef.username: chef},
        departments={"URBANISME": Department.objects.get(code="URBANISME")},
        groups={},
        random=random.Random(1),
        say=said.append,
    )

    seed_public_links(commune)

    link = PublicLink.objects.get()
    assert link.kind == PublicLink.Kind.DEPOSIT
    assert link.node.name == DEPOSIT_FOLDER
    assert link.created_by == chef
    assert f"/p/{link.token}/" in said[0]
    assert Client().get(f"/p/{link.token}/").status_code == 200
