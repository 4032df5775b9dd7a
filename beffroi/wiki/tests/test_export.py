"""A page, and a page with its subpages, exported as OpenDocument text."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from defusedxml import ElementTree
from django.test import Client

from beffroi.directory.models import Organisation
from beffroi.wiki.actions import do_create_page

pytestmark = pytest.mark.django_db

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def _content(data: bytes) -> ElementTree:
    archive = zipfile.ZipFile(io.BytesIO(data))
    first = archive.infolist()[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    return ElementTree.fromstring(archive.read("content.xml"))


MINUTES = (
    "## Décisions\n\n**Toiture** en *janvier*, voir [[Planning des travaux]].\n\n"
    "- [x] Devis reçu\n- [ ] Visite\n\n"
    "| Lot | Montant |\n| --- | --- |\n| Toiture | 42 000 € |\n"
)


@pytest.fixture
def minutes(chantier, agent_voirie):
    parent = do_create_page(agent_voirie, chantier, "Compte rendu <du> 3 décembre", MINUTES)
    do_create_page(agent_voirie, chantier, "Annexe", "Photos du chantier.", parent=parent)
    return parent


def test_a_page_and_its_subpages_become_one_document(chantier, agent_voirie, minutes):
    parent = minutes
    client = Client()
    client.force_login(agent_voirie)
    url = f"/espaces/{chantier.slug}/wiki/{parent.pk}/export.odt"
    alone = client.get(url)
    assert alone.status_code == 200
    assert alone["Content-Disposition"] == 'attachment; filename="compte-rendu-du-3-decembre.odt"'
    root = _content(alone.content)
    headings = [h.text for h in root.iter(f"{{{TEXT}}}h")]
    assert headings == ["Compte rendu <du> 3 décembre", "Décisions"]
    text = "".join(root.itertext())
    assert "Toiture en janvier, voir Planning des travaux." in text
    assert "☑ Devis reçu" in text
    assert "☐ Visite" in text
    assert len(list(root.iter(f"{{{TABLE}}}table-cell"))) == 4
    whole = _content(client.get(url + "?sous-pages=1").content)
    assert [h.text for h in whole.iter(f"{{{TEXT}}}h")][-1] == "Annexe"
    assert "Photos du chantier." in "".join(whole.itertext())
    # The commune's letterhead heads every page.
    styles = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(alone.content)).read("styles.xml"))
    header = next(styles.iter("{urn:oasis:names:tc:opendocument:xmlns:style:1.0}header"))
    assert "".join(header.itertext()) == Organisation.current().name


def test_word_reads_the_page_with_its_headings_lists_table_and_links(
    chantier, agent_voirie, minutes
):
    """python-docx (Word's object model) opens the .docx: the title and the page's headings
    in Word's heading styles, the runs in bold and italic, the task boxes, the table, the link
    and the commune's name in the page header."""
    do_create_page(
        agent_voirie,
        chantier,
        "Liens",
        "1. Premier\n2. Second\n\nVoir [le site](https://ville-exemple.fr/travaux) "
        "et `code`.\n\n---\n\n```\nligne 1\nligne 2\n```\n",
        parent=minutes,
    )
    client = Client()
    client.force_login(agent_voirie)
    url = f"/espaces/{chantier.slug}/wiki/{minutes.pk}/export.docx"
    response = client.get(url + "?sous-pages=1")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="compte-rendu-du-3-decembre.docx"'
    )
    document = docx.Document(io.BytesIO(response.content))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings == [
        ("Heading 1", "Compte rendu <du> 3 décembre"),
        ("Heading 3", "Décisions"),
        ("Heading 2", "Annexe"),
        ("Heading 2", "Liens"),
    ]
    decisions = next(p for p in document.paragraphs if p.text.startswith("Toiture"))
    assert decisions.text == "Toiture en janvier, voir Planning des travaux."
    assert [(r.text, bool(r.bold), bool(r.italic)) for r in decisions.runs][:3] == [
        ("Toiture", True, False),
        (" en ", False, False),
        ("janvier", False, True),
    ]
    listed = [p for p in document.paragraphs if p.style.name == "List Paragraph"]
    assert [p.text for p in listed] == ["☑ Devis reçu", "☐ Visite", "Premier", "Second"]
    (table,) = document.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Lot", "Montant"],
        ["Toiture", "42 000 €"],
    ]
    assert all(run.bold for run in table.rows[0].cells[0].paragraphs[0].runs)
    links = [
        rel.target_ref for rel in document.part.rels.values() if rel.reltype.endswith("/hyperlink")
    ]
    assert links == ["https://ville-exemple.fr/travaux"]
    assert [p.text for p in document.paragraphs if p.style.name == "Code"] == [
        "ligne 1",
        "ligne 2",
    ]
    header = document.sections[0].header
    assert [p.text for p in header.paragraphs] == [Organisation.current().name]
    assert document.core_properties.title == "Compte rendu <du> 3 décembre"


def test_an_outsider_exports_nothing(chantier, agent_voirie, elu):
    page = do_create_page(agent_voirie, chantier, "Secret", "x")
    client = Client()
    client.force_login(elu)
    for extension in ("odt", "docx"):
        url = f"/espaces/{chantier.slug}/wiki/{page.pk}/export.{extension}"
        assert client.get(url).status_code == 404
