"""Public-link pages in a real browser, on a phone: Debian's chromium through Playwright,
checked by axe-core. A citizen deposits a document; a visitor opens a protected folder link."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from beffroi.files import actions
from beffroi.files.models import Node, PublicLink
from beffroi.files.tests.public_link_helpers import personal_root, urbanism_manager
from beffroi.web.tests.browser import (
    assert_accessible,
    assert_fits_width,
    assert_styled,
    screenshot,
)

pytestmark = pytest.mark.browser


def test_a_citizen_deposits_a_document_from_a_phone(live_server, phone, tmp_path):
    """The deposit page is styled, fits a phone, passes axe-core before and after sending."""
    chef, root = urbanism_manager()
    folder = actions.do_create_folder(chef, root, "Dépôts des administrés")
    link = actions.do_create_link(
        chef, folder, kind=PublicLink.Kind.DEPOSIT, label="Urbanisme : permis de construire"
    )
    document = tmp_path / "plan de masse.pdf"
    document.write_bytes(b"%PDF-1.7 plan")
    page, problems = phone

    page.goto(f"{live_server.url}/p/{link.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Déposer des documents")
    assert_styled(page)
    assert_fits_width(page)
    assert_accessible(page)
    screenshot(page, "lien-depot-1-formulaire")

    page.get_by_label("Documents", exact=True).set_input_files(str(document))
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("status").filter(has_text="plan de masse.pdf")).to_contain_text(
        "plan de masse.pdf"
    )
    assert_accessible(page)
    screenshot(page, "lien-depot-2-recu")
    assert Node.objects.filter(parent=folder, name="plan de masse.pdf").exists()
    assert not problems, "\n".join(problems)


def test_a_visitor_opens_a_protected_folder_link_from_a_phone(live_server, phone, agent_voirie):
    """Password page, then the folder's listing; both accessible and within the screen."""
    root = personal_root(agent_voirie)
    folder = actions.do_create_folder(agent_voirie, root, "Chantier rue Hugo")
    actions.do_upload(agent_voirie, folder, "planning des travaux.pdf", [b"%PDF"])
    actions.do_create_folder(agent_voirie, folder, "Photos")
    link = actions.do_create_link(
        agent_voirie, folder, kind=PublicLink.Kind.READ, password="rue-hugo", max_downloads=5
    )
    page, problems = phone

    page.goto(f"{live_server.url}/p/{link.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lien protégé par un mot de passe")
    assert_accessible(page)
    page.get_by_label("Mot de passe", exact=True).fill("pas celui-là")
    page.get_by_label("Mot de passe", exact=True).press("Enter")
    expect(page.get_by_role("alert")).to_have_text("Ce mot de passe n'est pas le bon.")
    assert_accessible(page)
    screenshot(page, "lien-lecture-1-mot-de-passe")

    page.get_by_label("Mot de passe", exact=True).fill("rue-hugo")
    page.get_by_label("Mot de passe", exact=True).press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chantier rue Hugo")
    expect(page.get_by_role("link", name="planning des travaux.pdf")).to_be_visible()
    assert_fits_width(page)
    assert_accessible(page)
    screenshot(page, "lien-lecture-2-dossier")

    page.goto(f"{live_server.url}/p/inconnu/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lien indisponible")
    assert_accessible(page)
    # The 401 and 404 answers are part of the story; anything else in the console is not.
    unexpected = [p for p in problems if "401" not in p and "404" not in p]
    assert not unexpected, "\n".join(unexpected)
