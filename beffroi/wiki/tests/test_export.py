"""A page, and a page with its subpages, exported as OpenDocument text."""

from __future__ import annotations

import io
import zipfile

import pytest
from defusedxml import ElementTree
from django.test import Client

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


def test_a_page_and_its_subpages_become_one_document(chantier, agent_voirie):
    parent = do_create_page(
        agent_voirie,
        chantier,
        "Compte rendu <du> 3 décembre",
        "## Décisions\n\n**Toiture** en *janvier*, voir [[Planning des travaux]].\n\n"
        "- [x] Devis reçu\n- [ ] Visite\n\n"
        "| Lot | Montant |\n| --- | --- |\n| Toiture | 42 000 € |\n",
    )
    do_create_page(agent_voirie, chantier, "Annexe", "Photos du chantier.", parent=parent)
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


def test_an_outsider_exports_nothing(chantier, agent_voirie, elu):
    page = do_create_page(agent_voirie, chantier, "Secret", "x")
    client = Client()
    client.force_login(elu)
    assert client.get(f"/espaces/{chantier.slug}/wiki/{page.pk}/export.odt").status_code == 404
