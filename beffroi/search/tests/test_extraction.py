"""Reading the text of documents, within limits no file can push."""

from __future__ import annotations

import pytest

from beffroi.search import extraction
from beffroi.search.extraction import extract_bytes
from beffroi.search.tests import samples


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("note.txt", "Réunion de chantier : la voirie.".encode()),
        ("note.md", "# Réunion\n\nLa *voirie*.".encode()),
        ("export.csv", "Réunion;voirie\n".encode("cp1252")),
        ("rapport.pdf", samples.pdf("Réunion de la voirie")),
        ("rapport.odt", samples.odt("Réunion", "de la voirie")),
        ("tableau.ods", samples.ods("Réunion", "voirie")),
        ("rapport.docx", samples.docx("Réunion", "de la voirie")),
        ("tableau.xlsx", samples.xlsx("Réunion", "voirie")),
        ("diapos.pptx", samples.pptx("Réunion", "voirie")),
    ],
)
def test_each_format_gives_its_text(name, data):
    """Plain text, Markdown, CSV (even in Windows' encoding), PDF, OpenDocument, Office."""
    extracted = extract_bytes(name, data)

    assert "Réunion" in extracted.text
    assert "voirie" in extracted.text
    assert extracted.reason == ""


def test_paragraphs_stay_apart():
    """Two paragraphs do not glue their words together."""
    text = extract_bytes("a.odt", samples.odt("premier", "second")).text
    assert "premier\nsecond" in text


def test_an_unknown_format_gives_nothing():
    """An image is not read."""
    assert extract_bytes("photo.jpg", b"\xff\xd8\xff").reason == "unsupported"


def test_a_file_over_the_size_limit_is_not_read():
    """The size is checked before anything is read."""
    extracted = extraction.extract("énorme.txt", None, extraction.MAX_SOURCE_BYTES + 1)  # type: ignore[arg-type]
    assert (extracted.text, extracted.reason) == ("", "too large")


def test_a_zip_bomb_is_stopped_at_the_decompressed_limit(monkeypatch):
    """A content.xml that inflates past the limit is refused after reading the limit only."""
    monkeypatch.setattr(extraction, "MAX_XML_BYTES", 1024 * 1024)
    bomb = samples.zip_bomb("content.xml", 8 * 1024 * 1024)
    assert len(bomb) < 64 * 1024

    extracted = extract_bytes("bombe.odt", bomb)

    assert extracted.reason == "decompressed size limit"
    assert extracted.text == ""


def test_a_pdf_is_read_up_to_the_page_limit(monkeypatch):
    """Pages past the limit are left; the text read so far is kept."""
    monkeypatch.setattr(extraction, "MAX_PDF_PAGES", 2)

    extracted = extract_bytes("long.pdf", samples.pdf("un", "deux", "trois"))

    assert extracted.reason == "page limit"
    assert "deux" in extracted.text
    assert "trois" not in extracted.text


def test_the_text_kept_is_cut_at_the_body_limit(monkeypatch):
    """A huge text file keeps the first characters only."""
    monkeypatch.setattr(extraction, "MAX_BODY_CHARS", 100)

    extracted = extract_bytes("long.txt", b"mot " * 1000)

    assert len(extracted.text) == 100
    assert extracted.reason == "text limit"


def test_xml_entities_are_refused():
    """A « billion laughs » content.xml is not expanded: no text, a reason, no crash."""
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        "<office:document-content>&lol2;</office:document-content>"
    )
    archive = samples._zip({"content.xml": laughs})

    extracted = extract_bytes("rires.odt", archive)

    assert extracted.text == ""
    assert extracted.reason.startswith("unreadable")


@pytest.mark.parametrize("name", ["abîmé.pdf", "abîmé.docx", "abîmé.odt", "abîmé.pptx"])
def test_a_damaged_file_gives_a_reason_not_an_error(name):
    """Garbage in a known format: no text, a reason, no exception."""
    extracted = extract_bytes(name, b"ceci n'est pas un document" * 10)

    assert extracted.text == ""
    assert extracted.reason.startswith("unreadable")
