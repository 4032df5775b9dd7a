"""The drive's « Partage » page and a space's trash in a real browser, checked by axe-core at
1280×900 and 360×740. Screenshots land in test-artifacts/screenshots/drive-partage-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from beffroi.directory.models import Department, DepartmentMembership
from beffroi.directory.tests.factories import AgentFactory
from beffroi.files import actions
from beffroi.files.models import Node, Share
from beffroi.web.tests.browser import (
    assert_accessible,
    assert_fits_width,
    screenshot,
    sign_in_with_keyboard,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def chef(db):
    urbanisme = Department.objects.create(code="URBANISME", name="Urbanisme")
    agent = AgentFactory(username="chef.urbanisme", first_name="Claire", last_name="Chef")
    DepartmentMembership.objects.create(agent=agent, department=urbanisme, is_manager=True)
    space = actions.do_open_department_space(urbanisme)
    root = Node.objects.select_related("space").get(space=space, parent=None)
    plans = actions.do_create_folder(agent, root, "Plans")
    old = actions.do_upload(agent, plans, "ancien plan.pdf", [b"%PDF"])
    actions.do_trash(agent, old)
    return agent


def _share_then_trash(page: Page, base: str, chef, agent_voirie, name: str) -> None:
    page.set_default_timeout(60_000)
    page.goto(f"{base}/connexion/?next=/drive/")
    sign_in_with_keyboard(page, chef)
    expect(page.get_by_role("heading", level=1)).to_have_text("Fichiers")
    page.get_by_role("link", name="Urbanisme").first.click()
    page.get_by_role("link", name="Plans").click()
    page.get_by_role("link", name="Partage", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partage de « Plans »")
    page.get_by_label("Agent, groupe ou service").select_option(label=agent_voirie.display_name)
    page.get_by_label("Rôle", exact=True).select_option(label="lecteur")
    page.get_by_role("button", name="Partager", exact=True).click()
    expect(
        page.get_by_role("status").filter(has_text="Le partage est enregistré.")
    ).to_contain_text("Le partage est enregistré.")
    assert Share.objects.get(agent=agent_voirie).role == "reader"
    page.get_by_label("Pourquoi cette personne peut-elle voir ceci ?").select_option(
        label=agent_voirie.display_name
    )
    page.get_by_role("button", name="Expliquer").click()
    expect(page.get_by_text("Rôle : lecteur.")).to_be_visible()
    screenshot(page, f"drive-partage-{name}-1-partage")
    assert_accessible(page)
    assert_fits_width(page)

    page.goto(f"{base}/drive/espaces/urbanisme/corbeille/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Corbeille de « Urbanisme »")
    screenshot(page, f"drive-partage-{name}-2-corbeille")
    assert_accessible(page)
    assert_fits_width(page)
    page.get_by_role("button", name="Restaurer « ancien plan.pdf »").click()
    expect(
        page.get_by_role("status").filter(has_text="« ancien plan.pdf » est restauré.")
    ).to_contain_text("« ancien plan.pdf » est restauré.")
    assert Node.objects.get(name="ancien plan.pdf").trashed_at is None


def test_desktop_share_page_and_trash(live_server, desktop, chef, agent_voirie):
    page, problems = desktop
    _share_then_trash(page, live_server.url, chef, agent_voirie, "bureau")
    assert not problems


def test_phone_share_page_and_trash(live_server, phone, chef, agent_voirie):
    page, problems = phone
    _share_then_trash(page, live_server.url, chef, agent_voirie, "mobile")
    assert not problems
