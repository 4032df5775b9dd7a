"""Done-when 6 of the Drive: a public deposit link accepts an anonymous upload, refuses a
download, and expires on time. A citizen sends documents to the urbanism department without an
account; the department sees them in its drive; the link's owner reads who came and when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from beffroi.audit.models import AuditEvent
from beffroi.directory.tests.factories import AgentFactory
from beffroi.files import access, actions
from beffroi.files.models import Node, PublicLink, PublicLinkAccess
from beffroi.files.tests.public_link_helpers import (
    api_client,
    content_of,
    main_of,
    urbanism_manager,
)

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
CITIZEN = "203.0.113.77"


@pytest.fixture
def deposit_box(db) -> tuple[PublicLink, Node]:
    chef, root = urbanism_manager()
    folder = actions.do_create_folder(chef, root, "Dépôts des administrés")
    with time_machine.travel(NOW, tick=False):
        link = actions.do_create_link(
            chef,
            folder,
            kind=PublicLink.Kind.DEPOSIT,
            label="Urbanisme : dépôt de pièces",
            expires_at=NOW + timedelta(days=7),
        )
    return link, folder


def _send(client: Client, link: PublicLink, *files: tuple[str, bytes]) -> object:
    return client.post(
        f"/p/{link.token}/deposer/",
        {"fichiers": [SimpleUploadedFile(name, data) for name, data in files]},
        REMOTE_ADDR=CITIZEN,
    )


def test_an_anonymous_citizen_deposits_documents_into_the_department_folder(deposit_box):
    """The form needs no account; the files land in the folder, a taken name is numbered."""
    link, folder = deposit_box
    citizen = Client()
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        page = citizen.get(f"/p/{link.token}/", REMOTE_ADDR=CITIZEN)
        assert page.status_code == 200
        assert "Déposer des documents" in page.content.decode()
        assert 'type="file"' in page.content.decode()

        first = _send(citizen, link, ("devis.pdf", b"%PDF devis 1"), ("plan.png", b"\x89PNG plan"))
        second = _send(citizen, link, ("devis.pdf", b"%PDF devis 2"))

    assert first.status_code == 200
    assert second.status_code == 200
    assert "devis (2).pdf" in second.content.decode()
    names = {node.name: node for node in Node.objects.filter(parent=folder, trashed_at=None)}
    assert set(names) == {"devis.pdf", "devis (2).pdf", "plan.png"}
    assert content_of(names["devis.pdf"]) == b"%PDF devis 1"
    assert content_of(names["devis (2).pdf"]) == b"%PDF devis 2"
    assert names["devis.pdf"].content_type == "application/pdf"
    assert names["devis.pdf"].current_version.created_by is None  # type: ignore[union-attr]
    uploads = PublicLinkAccess.objects.filter(link=link, event="upload")
    assert {(a.name, a.address) for a in uploads} == {
        ("devis.pdf", "203.0.113.0"),
        ("plan.png", "203.0.113.0"),
        ("devis (2).pdf", "203.0.113.0"),
    }
    assert AuditEvent.objects.filter(action="files.link.deposit").count() == 3


def test_a_deposit_link_shows_nothing_and_refuses_every_download(deposit_box):
    """No listing of what others sent, and no download of it, under any address."""
    link, folder = deposit_box
    chef = folder.space.department.memberships.get().agent  # type: ignore[union-attr]
    actions.do_upload(chef, folder, "dossier-confidentiel.pdf", [b"secret"])
    visitor = Client()
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        page = visitor.get(f"/p/{link.token}/")
        missing = visitor.get("/p/lien-qui-n-existe-pas/")
        attempts = [
            visitor.get(f"/p/{link.token}/telecharger/dossier-confidentiel.pdf"),
            visitor.get(f"/p/{link.token}/telecharger/"),
            visitor.get(f"/p/{link.token}/dossier/Sous-dossier/"),
            visitor.get(f"/p/{link.token}/dossier-confidentiel.pdf"),
        ]

    assert "dossier-confidentiel" not in page.content.decode()
    for answer in attempts:
        assert answer.status_code == 404
        assert b"secret" not in answer.content
        assert main_of(answer.content) == main_of(missing.content)
    assert not PublicLinkAccess.objects.filter(link=link, event="download").exists()


def test_a_deposit_link_expires_on_time(deposit_box):
    """Open until its expiry instant, then the same 404 as a link that never existed; the
    refused visit is logged for the owner, and nothing is saved."""
    link, folder = deposit_box
    citizen = Client()
    expiry = NOW + timedelta(days=7)
    with time_machine.travel(expiry - timedelta(seconds=1), tick=False):
        assert citizen.get(f"/p/{link.token}/").status_code == 200
        assert _send(citizen, link, ("avant.pdf", b"ok")).status_code == 200
    with time_machine.travel(expiry, tick=False):
        expired_page = citizen.get(f"/p/{link.token}/")
        late = _send(citizen, link, ("apres.pdf", b"trop tard"))
        missing = citizen.get("/p/lien-qui-n-existe-pas/")

    assert expired_page.status_code == 404
    assert late.status_code == 404
    assert main_of(expired_page.content) == main_of(missing.content)
    assert [n.name for n in access.access_children(link.created_by, folder)] == ["avant.pdf"]
    events = list(
        PublicLinkAccess.objects.filter(link=link)
        .order_by("at", "pk")
        .values_list("event", flat=True)
    )
    assert events[-2:] == ["expired", "expired"]


def test_the_owner_reads_the_access_log_with_truncated_addresses(deposit_box):
    """Through the API: every visit with its time and the visitor's network, not address."""
    link, _folder = deposit_box
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        Client().get(f"/p/{link.token}/", REMOTE_ADDR="2001:db8:1234:5678::9")
        _send(Client(), link, ("piece.pdf", b"x"))
    answer = api_client(link.created_by).get(f"/api/v1/files/links/{link.id}/accesses")

    assert answer.status_code == 200
    log = answer.json()
    assert [(entry["event"], entry["address"]) for entry in log] == [
        ("upload", "203.0.113.0"),
        ("view", "2001:db8:1234::"),
    ]
    assert log[0]["name"] == "piece.pdf"
    assert log[0]["size"] == 1
    stranger = api_client(AgentFactory(username="autre"))
    assert stranger.get(f"/api/v1/files/links/{link.id}/accesses").status_code == 404


def test_a_deposit_over_the_size_limit_is_refused_and_nothing_is_kept(deposit_box, settings):
    """The form stops at the limit with a French message; no file appears."""
    link, folder = deposit_box
    settings.FILES_DEPOSIT_MAX_BYTES = 1024
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        answer = _send(Client(), link, ("gros.pdf", b"x" * 4096))

    assert answer.status_code == 413
    assert "dépasse la taille permise" in answer.content.decode()
    assert not Node.objects.filter(parent=folder).exists()


def test_a_deposit_with_a_forbidden_name_is_refused_in_french(deposit_box):
    """Names are checked as everywhere in the drive (here, one Windows reserves)."""
    link, folder = deposit_box
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        answer = _send(Client(), link, ("CON.pdf", b"x"))

    assert answer.status_code == 400
    assert "réservé par Windows" in answer.content.decode()
    assert not Node.objects.filter(parent=folder).exists()
