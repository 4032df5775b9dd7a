"""The drive in a real browser (Debian's chromium through Playwright), checked by axe-core at
1280×900 and 360×740. Screenshots land in test-artifacts/screenshots/drive-*.png.

The resumable upload runs for real: the script cuts a file into chunks, one chunk's request is
cut off on the way, and the script asks the server where it stands and finishes the file.
"""

from __future__ import annotations

import hashlib
import os
import re

import pytest
from playwright.sync_api import Page, Route, expect

from beffroi.files import access
from beffroi.files.blobs import blob_store
from beffroi.files.models import Node
from beffroi.web.tests.browser import (
    assert_accessible,
    assert_fits_width,
    assert_styled,
    screenshot,
    sign_in_with_keyboard,
)

pytestmark = pytest.mark.browser

# Uploads go through several requests (and a retry after a cut): on a busy machine that takes
# a while. A generous wait, never a measure.
UPLOAD_WAIT = 60_000


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 64 KiB, so that a few hundred kilobytes make several requests."""
    monkeypatch.setattr("beffroi.files.web.browse.MAX_CHUNK_BYTES", 128 * 1024)


def _sign_in_to_drive(page: Page, base: str, agent) -> None:
    # The machine running the suite may be busy: waits are generous, never a measure.
    page.set_default_timeout(60_000)
    page.goto(f"{base}/connexion/?next=/drive/")
    sign_in_with_keyboard(page, agent)
    expect(page.get_by_role("heading", level=1)).to_have_text("Fichiers")


def _content(node: Node) -> bytes:
    assert node.current_version is not None
    with blob_store().open_read(node.current_version.blob_id) as reader:
        return reader.read()


def _open_menu(page: Page, name: str) -> None:
    page.locator("summary", has_text=name).click()


def test_desktop_upload_through_a_network_cut_then_rename_and_delete(
    live_server, desktop, agent_voirie, small_chunks
):
    """On a desktop an agent opens their drive, creates a folder, uploads two files with the
    button (one chunk request is cut off and the upload resumes), renames one and deletes
    the other; every page passes axe-core."""
    page, problems = desktop
    base = live_server.url
    _sign_in_to_drive(page, base, agent_voirie)
    expect(page.get_by_role("link", name="Fichiers", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    assert_styled(page)
    screenshot(page, "drive-bureau-1-accueil")
    assert_accessible(page)

    page.get_by_role("link", name="Mon espace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    page.get_by_label("Nouveau dossier").fill("Chantiers")
    page.get_by_label("Nouveau dossier").press("Enter")
    expect(
        page.get_by_role("status").filter(has_text="Le dossier « Chantiers » est créé.")
    ).to_contain_text("Le dossier « Chantiers » est créé.")
    page.get_by_role("link", name="Chantiers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chantiers")

    cut = {"done": False}

    def cut_the_second_chunk(route: Route) -> None:
        offset = route.request.headers.get("upload-offset")
        if route.request.method == "PUT" and offset == str(64 * 1024) and not cut["done"]:
            cut["done"] = True
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/drive/envois/**", cut_the_second_chunk)
    survey = os.urandom(300 * 1024)
    page.get_by_label("Fichiers à envoyer").set_input_files(
        [
            {
                "name": "relevé topographique.bin",
                "mimeType": "application/octet-stream",
                "buffer": survey,
            },
            {
                "name": "notes.txt",
                "mimeType": "text/plain",
                "buffer": "Réunion de chantier : lundi 9 h.\n".encode(),
            },
        ]
    )
    page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(page.get_by_role("link", name="notes.txt")).to_be_visible(timeout=UPLOAD_WAIT)
    assert cut["done"], "the chunk request was never cut"
    uploaded = Node.objects.get(name="relevé topographique.bin")
    assert hashlib.sha256(_content(uploaded)).hexdigest() == hashlib.sha256(survey).hexdigest()
    expect(page.get_by_role("cell", name="300,0 Kio")).to_be_visible()
    screenshot(page, "drive-bureau-2-dossier")
    assert_accessible(page)

    _open_menu(page, "— notes.txt")
    screenshot(page, "drive-bureau-3-menu")
    assert_accessible(page)
    page.get_by_role("link", name="Renommer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Renommer « notes.txt »")
    page.get_by_label("Nom").fill("con.txt")
    page.get_by_label("Nom").press("Enter")
    expect(page.locator(".field__error")).to_contain_text("réservé par Windows")
    screenshot(page, "drive-bureau-4-renommer-erreur")
    assert_accessible(page)
    page.get_by_label("Nom").fill("compte rendu.txt")
    page.get_by_label("Nom").press("Enter")
    expect(page.get_by_role("link", name="compte rendu.txt")).to_be_visible()

    page.get_by_role("link", name="compte rendu.txt").click()
    expect(page.locator(".preview__text")).to_contain_text("Réunion de chantier")
    screenshot(page, "drive-bureau-5-apercu-texte")
    assert_accessible(page)
    page.get_by_role("navigation", name="Fil d’Ariane").get_by_role(
        "link", name="Chantiers"
    ).click()

    _open_menu(page, "— relevé topographique.bin")
    page.get_by_role("link", name="Supprimer").click()
    screenshot(page, "drive-bureau-6-supprimer")
    assert_accessible(page)
    page.get_by_role("button", name="Mettre à la corbeille").click()
    expect(page.get_by_role("status").filter(has_text="est dans la corbeille")).to_contain_text(
        "est dans la corbeille"
    )
    expect(page.get_by_role("link", name="relevé topographique.bin")).to_have_count(0)

    page.get_by_role("link", name="Grille").click()
    expect(page.locator(".drive-grid")).to_be_visible()
    screenshot(page, "drive-bureau-7-grille")
    assert_accessible(page)
    folder = Node.objects.get(name="Chantiers")
    assert [n.name for n in access.access_children(agent_voirie, folder)] == ["compte rendu.txt"]
    assert not problems, "\n".join(problems)


def test_phone_browse_upload_and_move(live_server, phone, agent_voirie):
    """On a 360 px phone the drive fits the screen, uploads with the button, and moves a file
    into a folder with the destination chooser; every page passes axe-core."""
    page, problems = phone
    base = live_server.url
    _sign_in_to_drive(page, base, agent_voirie)
    assert_fits_width(page)
    screenshot(page, "drive-telephone-1-accueil")
    assert_accessible(page)

    page.get_by_role("link", name="Mon espace").click()
    page.get_by_label("Nouveau dossier").fill("Arrêtés")
    page.get_by_role("button", name="Créer le dossier").click()
    page.get_by_label("Fichiers à envoyer").set_input_files(
        [{"name": "arrêté 2027-14.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n"}]
    )
    page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(page.get_by_role("link", name="arrêté 2027-14.pdf")).to_be_visible(timeout=UPLOAD_WAIT)
    assert_fits_width(page)
    screenshot(page, "drive-telephone-2-dossier")
    assert_accessible(page)

    _open_menu(page, "— arrêté 2027-14.pdf")
    assert_fits_width(page)
    screenshot(page, "drive-telephone-3-menu")
    page.get_by_role("link", name="Déplacer").click()
    page.get_by_role("link", name="Arrêtés").click()
    expect(page.get_by_text("Destination : Arrêtés")).to_be_visible()
    assert_fits_width(page)
    screenshot(page, "drive-telephone-4-deplacer")
    assert_accessible(page)
    page.get_by_role("button", name="Déplacer ici").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arrêtés")
    expect(page.get_by_role("link", name="arrêté 2027-14.pdf")).to_be_visible()
    page.get_by_role("link", name="Grille").click()
    expect(page).to_have_url(re.compile(r"vue=grille"))
    assert_fits_width(page)
    screenshot(page, "drive-telephone-5-grille")
    assert_accessible(page)
    assert not problems, "\n".join(problems)


def test_uploads_run_under_the_content_security_policy(live_server, strict_phone, agent_voirie):
    """With the strict Content-Security-Policy enforced the upload script runs and its
    requests pass, by the button and by drag and drop: nothing inline slipped in."""
    page, problems = strict_phone
    _sign_in_to_drive(page, live_server.url, agent_voirie)
    page.get_by_role("link", name="Mon espace").click()
    page.get_by_label("Fichiers à envoyer").set_input_files(
        [{"name": "budget.csv", "mimeType": "text/csv", "buffer": b"poste;montant\n"}]
    )
    page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(page.get_by_role("link", name="budget.csv")).to_be_visible(timeout=UPLOAD_WAIT)
    assert Node.objects.filter(name="budget.csv").exists()

    # Two files dropped on the listing, as the browser delivers a drop from the desktop.
    page.locator("[data-drop-zone]").evaluate(
        """zone => {
            const dropped = new DataTransfer();
            dropped.items.add(new File(["ordre du jour"], "odj.txt", {type: "text/plain"}));
            dropped.items.add(new File(["délibération"], "délib.txt", {type: "text/plain"}));
            for (const kind of ["dragenter", "dragover", "drop"]) {
                zone.dispatchEvent(new DragEvent(kind, {dataTransfer: dropped, bubbles: true,
                                                        cancelable: true}));
            }
        }"""
    )
    expect(page.get_by_role("link", name="délib.txt")).to_be_visible(timeout=UPLOAD_WAIT)
    expect(page.get_by_role("link", name="odj.txt")).to_be_visible()
    assert _content(Node.objects.get(name="délib.txt")) == "délibération".encode()
    assert not problems, "\n".join(problems)
