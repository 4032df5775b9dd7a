"""CardDAV requests as clients send them, answered in-process by the adapter: discovery,
writes with ETags, queries, sync, and bad input refused with the CardDAV precondition and a
French reason, nothing stored."""

from __future__ import annotations

import base64

import pytest
from defusedxml.ElementTree import fromstring

from beffroi.contacts.actions import do_create_address_book, do_share_address_book
from beffroi.contacts.models import AddressBook, Card, ShareRole
from beffroi.contacts.tests.conftest import dav_client
from beffroi.contacts.tests.samples import card_text
from beffroi.contacts.vcard import MAX_CARD_BYTES

pytestmark = pytest.mark.django_db

NS = {"D": "DAV:", "CR": "urn:ietf:params:xml:ns:carddav", "B": "urn:beffroi:dav"}
HOME = "/agent.voirie/"
BOOK = "/agent.voirie/contacts/"


def _hrefs(response) -> list[str]:
    return sorted(
        n.text or "" for n in fromstring(response.body).iterfind(".//D:response/D:href", NS)
    )


def _message(response) -> str:
    return fromstring(response.body).findtext("B:message", namespaces=NS) or ""


def _precondition(response) -> str:
    root = fromstring(response.body)
    return root[0].tag.split("}")[1]


def test_discovery_finds_the_home_its_books_and_the_directory(dav):
    """From the root, the principal names its address-book home (and its calendar home); the
    home lists « Contacts » and the organisation's directory."""
    root = dav("PROPFIND", "/", Depth="0")
    assert root.status == 207
    found = fromstring(root.body)
    assert (
        found.findtext(".//D:current-user-principal/D:href", namespaces=NS)
        == "/dav/card/agent.voirie/"
    )
    home = dav(
        "PROPFIND",
        HOME,
        '<propfind xmlns="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><prop>'
        "<CR:addressbook-home-set/><resourcetype/><displayname/></prop></propfind>",
        Depth="1",
    )
    assert home.status == 207
    assert _hrefs(home) == [
        "/dav/card/agent.voirie/",
        "/dav/card/agent.voirie/annuaire/",
        "/dav/card/agent.voirie/contacts/",
    ]
    body = fromstring(home.body)
    assert (
        body.findtext(".//CR:addressbook-home-set/D:href", namespaces=NS)
        == "/dav/card/agent.voirie/"
    )
    assert len(body.findall(".//D:resourcetype/CR:addressbook", NS)) == 2


def test_put_get_update_with_etags_and_delete(dav, agent_voirie):
    """A card is created with If-None-Match, read back byte for byte, updated with If-Match; a
    stale If-Match gets 412 and changes nothing; then it is deleted."""
    text = card_text("c1", "Paul Moreau", email="paul@moreau.example")
    created = dav("PUT", BOOK + "c1.vcf", text, If_None_Match="*")
    assert created.status == 201
    etag = created.headers["ETag"]
    got = dav("GET", BOOK + "c1.vcf")
    assert got.status == 200
    assert got.body.decode() == text
    assert got.headers["ETag"] == etag
    assert dav("PUT", BOOK + "c1.vcf", text, If_None_Match="*").status == 412
    changed = text.replace("Paul Moreau", "Paul Moreau-Durand")
    assert dav("PUT", BOOK + "c1.vcf", changed, If_Match=etag).status == 204
    stale = dav("PUT", BOOK + "c1.vcf", text, If_Match=etag)
    assert stale.status == 412
    assert "modifié entre-temps" in stale.body.decode()
    assert Card.objects.get(name="c1.vcf").full_name == "Paul Moreau-Durand"
    assert dav("DELETE", BOOK + "c1.vcf").status == 204
    assert dav("GET", BOOK + "c1.vcf").status == 404


@pytest.mark.parametrize(
    ("body", "precondition", "reason"),
    [
        ("pas une fiche", "valid-address-data", "pas une fiche vCard lisible"),
        ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Sans UID\r\nEND:VCARD\r\n", "valid-address-data", "UID"),
        (
            "BEGIN:VCARD\r\nVERSION:2.1\r\nUID:x\r\nFN:Vieux\r\nEND:VCARD\r\n",
            "supported-address-data",
            "3.0 et 4.0",
        ),
        (
            card_text("a", "Un Deux") + card_text("b", "Trois Quatre"),
            "valid-address-data",
            "une seule fiche",
        ),
        (
            card_text("big", "Grande Fiche").replace(
                "END:VCARD", "NOTE:" + "x" * (MAX_CARD_BYTES) + "\r\nEND:VCARD"
            ),
            "max-resource-size",
            "taille autorisée",
        ),
        (
            card_text("photo", "Avec Photo").replace(
                "END:VCARD",
                "PHOTO;ENCODING=b;TYPE=JPEG:"
                + base64.b64encode(b"\xff" * 300_000).decode()[:400_000]
                + "\r\nEND:VCARD",
            ),
            "max-resource-size",
            "photo",
        ),
    ],
)
def test_bad_cards_are_refused_with_a_reason_and_nothing_stored(dav, body, precondition, reason):
    """Each bad card names the CardDAV precondition it breaks, in French, and stores nothing."""
    response = dav("PUT", BOOK + "bad.vcf", body)
    assert response.status in (403, 413)
    assert _precondition(response) == precondition
    assert reason in _message(response)
    assert not Card.objects.filter(name="bad.vcf").exists()


def test_a_uid_reused_in_the_same_book_is_a_conflict(dav):
    assert dav("PUT", BOOK + "one.vcf", card_text("same", "Anne Un")).status == 201
    response = dav("PUT", BOOK + "two.vcf", card_text("same", "Anne Deux"))
    assert response.status == 409
    assert _precondition(response) == "no-uid-conflict"
    assert "identifiant (UID)" in _message(response)
    assert Card.objects.filter(uid="same").count() == 1


def test_an_xml_bomb_is_refused(dav):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<propfind xmlns="DAV:"><prop><displayname>&b;</displayname></prop></propfind>'
    )
    response = dav("PROPFIND", HOME, bomb, Depth="0")
    assert response.status == 400
    assert "XML" in response.body.decode()


def test_addressbook_query_matches_names_emails_and_phones(dav):
    dav("PUT", BOOK + "a.vcf", card_text("a", "Paul Moreau", email="paul@btp.example"))
    dav("PUT", BOOK + "b.vcf", card_text("b", "Hélène Lambert", tel="+33 6 12 34 56 78"))
    dav("PUT", BOOK + "c.vcf", card_text("c", "Odile Marchand", version="4.0"))

    def query(prop: str, text: str, match: str = "contains") -> list[str]:
        body = (
            '<CR:addressbook-query xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav">'
            "<D:prop><D:getetag/></D:prop><CR:filter>"
            f'<CR:prop-filter name="{prop}"><CR:text-match match-type="{match}">{text}'
            "</CR:text-match></CR:prop-filter></CR:filter></CR:addressbook-query>"
        )
        response = dav("REPORT", BOOK, body, Depth="1")
        assert response.status == 207
        return [href.rsplit("/", 1)[-1] for href in _hrefs(response)]

    assert query("FN", "hélène") == ["b.vcf"]
    assert query("EMAIL", "BTP.example") == ["a.vcf"]
    assert query("TEL", "12 34") == ["b.vcf"]
    assert query("FN", "o", "starts-with") == ["c.vcf"]
    assert query("FN", "personne") == []


def test_multiget_and_sync_collection_report_changes_and_deletions(dav):
    dav("PUT", BOOK + "a.vcf", card_text("a", "Anne Un"))
    dav("PUT", BOOK + "b.vcf", card_text("b", "Bruno Deux"))
    sync = (
        '<D:sync-collection xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav">'
        "<D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level>"
        "<D:prop><D:getetag/><CR:address-data/></D:prop></D:sync-collection>"
    )
    first = dav("REPORT", BOOK, sync.format(token=""))
    assert first.status == 207
    token = fromstring(first.body).findtext("D:sync-token", namespaces=NS)
    assert len(_hrefs(first)) == 2

    dav("PUT", BOOK + "a.vcf", card_text("a", "Anne Un-Modifiée"))
    dav("DELETE", BOOK + "b.vcf")
    dav("PUT", BOOK + "c.vcf", card_text("c", "Claire Trois"))
    changes = fromstring(dav("REPORT", BOOK, sync.format(token=token)).body)
    statuses = {
        node.findtext("D:href", namespaces=NS).rsplit("/", 1)[-1]: (
            node.findtext("D:status", namespaces=NS)
            or node.findtext("D:propstat/D:status", namespaces=NS)
        )
        for node in changes.iterfind("D:response", NS)
    }
    assert statuses == {
        "a.vcf": "HTTP/1.1 200 OK",
        "b.vcf": "HTTP/1.1 404 Not Found",
        "c.vcf": "HTTP/1.1 200 OK",
    }
    assert "Anne Un-Modifiée" in (changes.findtext(".//CR:address-data", namespaces=NS) or "")
    bad = dav("REPORT", BOOK, sync.format(token="urn:beffroi:sync:autre:3"))
    assert bad.status == 403
    assert _precondition(bad) == "valid-sync-token"

    multiget = (
        '<CR:addressbook-multiget xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav">'
        "<D:prop><D:getetag/><CR:address-data/></D:prop>"
        f"<D:href>/dav/card{BOOK}a.vcf</D:href><D:href>/dav/card{BOOK}b.vcf</D:href>"
        "</CR:addressbook-multiget>"
    )
    got = fromstring(dav("REPORT", BOOK, multiget).body)
    assert [n.findtext("D:status", namespaces=NS) for n in got.iterfind("D:response", NS)] == [
        None,
        "HTTP/1.1 404 Not Found",
    ]


def test_extended_mkcol_creates_a_book_and_plain_mkcol_is_refused(dav, agent_voirie):
    body = (
        '<D:mkcol xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><D:set><D:prop>'
        "<D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype>"
        "<D:displayname>Prestataires</D:displayname></D:prop></D:set></D:mkcol>"
    )
    assert dav("MKCOL", HOME + "prestataires/", body).status == 201
    book = AddressBook.objects.get(owner=agent_voirie, slug="prestataires")
    assert book.name == "Prestataires"
    assert dav("MKCOL", HOME + "prestataires/", body).status == 405
    assert dav("MKCOL", HOME + "autre/").status == 403
    assert dav("MKCOL", HOME + "annuaire/", body).status == 403
    props = dav(
        "PROPFIND",
        HOME + "prestataires/",
        '<propfind xmlns="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><prop>'
        "<CR:supported-address-data/><CR:max-resource-size/><sync-token/></prop></propfind>",
        Depth="0",
    )
    found = fromstring(props.body)
    versions = [n.get("version") for n in found.iterfind(".//CR:address-data-type", NS)]
    assert versions == ["3.0", "4.0"]
    assert found.findtext(".//CR:max-resource-size", namespaces=NS) == str(MAX_CARD_BYTES)
    assert dav("DELETE", HOME + "prestataires/").status == 204
    assert not AddressBook.objects.filter(slug="prestataires").exists()


def test_a_shared_book_appears_in_the_grantees_home_with_its_role(
    agent_voirie, agent_finances, voirie
):
    """Shared with the Voirie department as readers: Karim sees it and reads it, cannot write;
    Sophie (Finances) does not see it."""
    book = do_create_address_book(agent_finances, slug="prestataires", name="Prestataires")
    do_share_address_book(agent_finances, book, voirie, ShareRole.READER)
    owner = dav_client(agent_finances)
    assert (
        owner("PUT", "/agent.finances/prestataires/p.vcf", card_text("p", "Paul M")).status == 201
    )
    reader = dav_client(agent_voirie)
    home = reader("PROPFIND", HOME, Depth="1")
    shared = f"/dav/card/agent.voirie/partage-{book.pk}/"
    assert shared in _hrefs(home)
    assert reader("GET", f"{HOME}partage-{book.pk}/p.vcf").status == 200
    refused = reader("PUT", f"{HOME}partage-{book.pk}/q.vcf", card_text("q", "Quentin R"))
    assert refused.status == 403
    assert reader("DELETE", f"{HOME}partage-{book.pk}/").status == 403
    assert reader("PROPFIND", "/agent.finances/prestataires/", Depth="0").status == 404
    assert Card.objects.filter(address_book=book).count() == 1


def test_another_agents_home_is_not_found_and_no_credentials_is_401(dav):
    assert dav("PROPFIND", "/agent.finances/", Depth="0").status == 404
    from beffroi.dav.carddav.handler import handle
    from beffroi.dav.common.messages import DavRequest

    anonymous = handle(DavRequest("PROPFIND", HOME, "/dav/card", {"depth": "0"}))
    assert anonymous.status == 401
