"""Real CardDAV clients against ``beffroi serve``: Debian's vdirsyncer syncs an address book
both ways and reads the organisation's directory; plain HTTP requests walk the discovery a phone
makes; and the ``caldav`` Python client, which has no address-book objects (3.6 here), writes,
queries, updates and deletes cards through its WebDAV layer."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import niquests
import pytest
from defusedxml.ElementTree import fromstring

from tests.conftest import beffroi, free_port
from tests.test_serve import running_server

pytestmark = pytest.mark.slow

NS = {"D": "DAV:", "CR": "urn:ietf:params:xml:ns:carddav", "C": "urn:ietf:params:xml:ns:caldav"}


def _card(uid: str, name: str, *, version: str = "3.0", email: str = "") -> str:
    lines = ["BEGIN:VCARD", f"VERSION:{version}", f"UID:{uid}", f"FN:{name}"]
    if version == "3.0":
        lines.append(f"N:{name.split()[-1]};{name.split()[0]};;;")
    if email:
        lines.append(f"EMAIL;TYPE=WORK:{email}")
    return "\r\n".join([*lines, "END:VCARD", ""])


@pytest.fixture
def server(process_env, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A running server with the agents "jeanne" and "paul", and an app password for jeanne's
    calendars and contacts."""
    assert beffroi("migrate", "--no-input", env=process_env).returncode == 0
    for username in ("jeanne", "paul"):
        added = beffroi(
            "user",
            "add",
            username,
            "--email",
            f"{username}@mairie.test",
            "--password-stdin",
            env=process_env,
            stdin="un mot de passe assez long\n",
        )
        assert added.returncode == 0, added.stderr
    issued = beffroi(
        "app-password",
        "add",
        "jeanne",
        "--label",
        "contacts",
        "--scope",
        "calendars",
        env=process_env,
    )
    assert issued.returncode == 0, issued.stderr
    port = free_port()
    with running_server(process_env, port, tmp_path / "serve.log"):
        yield f"http://127.0.0.1:{port}", issued.stdout.strip()


VDIRSYNCER_CONFIG = """\
[general]
status_path = "{root}/status/"

[pair contacts]
a = "contacts_local"
b = "contacts_remote"
collections = ["from b"]
conflict_resolution = "b wins"

[storage contacts_local]
type = "filesystem"
path = "{root}/contacts/"
fileext = ".vcf"

[storage contacts_remote]
type = "carddav"
url = "{base}/"
username = "jeanne"
password = "{secret}"
"""


def _vdirsyncer(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/usr/bin/vdirsyncer", "-c", str(config), *args],
        input="y\n" * 5,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _synced(config: Path) -> None:
    done = _vdirsyncer(config, "sync")
    log = config.parent / "serve.log"
    assert done.returncode == 0, done.stderr + "\n" + log.read_text()[-5000:]


def test_vdirsyncer_syncs_contacts_both_ways_and_reads_the_directory(server, tmp_path):
    """From /.well-known/carddav, vdirsyncer finds « Contacts » and the directory; a card made
    on each side reaches the other, and so do edits and deletions on each side. The directory
    comes down with one card per agent."""
    base, secret = server
    auth = ("jeanne", secret)
    root = tmp_path / "vdirsyncer"
    config = tmp_path / "vdirsyncer.conf"
    config.write_text(VDIRSYNCER_CONFIG.format(root=root, base=base, secret=secret))
    remote = f"{base}/dav/card/jeanne/contacts"
    with niquests.Session() as http:
        server_card = _card("moreau", "Paul Moreau", email="paul@moreau-btp.example")
        created = http.put(f"{remote}/moreau.vcf", data=server_card.encode(), auth=auth)
        assert created.status_code == 201
        # A card that stays: vdirsyncer refuses to sync a side that was emptied completely.
        staying = _card("mairie", "Accueil de la mairie", email="accueil@mairie.test")
        assert http.put(f"{remote}/mairie.vcf", data=staying.encode(), auth=auth).ok

        discovered = _vdirsyncer(config, "discover")
        assert discovered.returncode == 0, discovered.stderr
        _synced(config)
        local = root / "contacts" / "contacts"
        assert sorted(path.name for path in local.iterdir()) == ["mairie.vcf", "moreau.vcf"]
        assert "FN:Paul Moreau" in (local / "moreau.vcf").read_text()
        directory = root / "contacts" / "annuaire"
        names = sorted(
            line.removeprefix("FN:")
            for path in directory.iterdir()
            for line in path.read_text().splitlines()
            if line.startswith("FN:")
        )
        # Accounts made by ``beffroi user add`` have no first and last names yet.
        assert names == ["jeanne", "paul"]

        # Made locally (vCard 4.0), then pushed.
        (local / "lambert.vcf").write_text(_card("lambert", "Hélène Lambert", version="4.0"))
        _synced(config)
        pushed = http.get(f"{remote}/lambert.vcf", auth=auth)
        assert pushed.status_code == 200
        assert "Hélène Lambert" in pushed.text

        # Edited on the server, pulled; edited locally, pushed.
        edited = server_card.replace("Paul Moreau", "Paul Moreau (Moreau BTP)")
        changed = http.put(
            f"{remote}/moreau.vcf",
            data=edited.encode(),
            auth=auth,
            headers={"If-Match": http.get(f"{remote}/moreau.vcf", auth=auth).headers["ETag"]},
        )
        assert changed.status_code == 204
        _synced(config)
        assert "Moreau BTP" in (local / "moreau.vcf").read_text()
        lambert = local / "lambert.vcf"
        lambert.write_text(lambert.read_text().replace("Hélène Lambert", "Hélène Lambert-Roy"))
        _synced(config)
        assert "Lambert-Roy" in http.get(f"{remote}/lambert.vcf", auth=auth).text

        # Deleted on each side.
        (local / "moreau.vcf").unlink()
        _synced(config)
        assert http.get(f"{remote}/moreau.vcf", auth=auth).status_code == 404
        assert http.delete(f"{remote}/lambert.vcf", auth=auth).status_code == 204
        _synced(config)
        assert [path.name for path in local.iterdir()] == ["mairie.vcf"]


def test_a_phone_discovers_contacts_from_either_well_known_address(server):
    """/.well-known/carddav leads to the principal and its address-book home; the CalDAV
    principal names the same home, so one account finds both. A query by name works over
    HTTP, and a bad card is refused with the CardDAV precondition and a French reason."""
    base, secret = server
    auth = ("jeanne", secret)
    ask = '<propfind xmlns="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><prop>'
    ask += "<current-user-principal/><CR:addressbook-home-set/></prop></propfind>"
    with niquests.Session() as http:
        moved = http.request(
            "PROPFIND", f"{base}/.well-known/carddav", auth=auth, allow_redirects=False
        )
        assert moved.status_code == 301
        assert moved.headers["Location"] == "/dav/card/"
        found = http.request(
            "PROPFIND", f"{base}/dav/card/", data=ask, auth=auth, headers={"Depth": "0"}
        )
        assert found.status_code == 207
        principal = fromstring(found.content).findtext(
            ".//D:current-user-principal/D:href", namespaces=NS
        )
        assert principal == "/dav/card/jeanne/"
        calendar_side = http.request(
            "PROPFIND", f"{base}/dav/cal/jeanne/", data=ask, auth=auth, headers={"Depth": "0"}
        )
        assert (
            fromstring(calendar_side.content).findtext(
                ".//CR:addressbook-home-set/D:href", namespaces=NS
            )
            == "/dav/card/jeanne/"
        )

        book = f"{base}/dav/card/jeanne/contacts"
        for uid, name in (("a", "Anne Leroy"), ("b", "Bruno Petit")):
            assert http.put(f"{book}/{uid}.vcf", data=_card(uid, name).encode(), auth=auth).ok
        query = (
            '<CR:addressbook-query xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav">'
            "<D:prop><D:getetag/><CR:address-data/></D:prop><CR:filter>"
            '<CR:prop-filter name="FN"><CR:text-match>petit</CR:text-match></CR:prop-filter>'
            "</CR:filter></CR:addressbook-query>"
        )
        answer = http.request("REPORT", f"{book}/", data=query, auth=auth, headers={"Depth": "1"})
        assert answer.status_code == 207
        hrefs = [n.text for n in fromstring(answer.content).iterfind(".//D:href", NS)]
        assert hrefs == ["/dav/card/jeanne/contacts/b.vcf"]

        no_uid = b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:X\r\nEND:VCARD\r\n"
        refused = http.put(f"{book}/x.vcf", data=no_uid, auth=auth)
        assert refused.status_code == 403
        assert b"valid-address-data" in refused.content
        assert "identifiant (UID)" in refused.text
        too_big = http.put(f"{book}/y.vcf", data=b"x" * (600 * 1024), auth=auth)
        assert too_big.status_code == 413


def test_the_caldav_python_client_creates_queries_updates_and_deletes_contacts(server):
    """The ``caldav`` library has no address-book objects, but its ``DAVClient`` (the WebDAV
    layer scripts use, with its authentication and connection) speaks to CardDAV: it creates
    cards, finds one by a word of its e-mail, updates it only with the current ETag, and
    deletes it."""
    import caldav

    base, secret = server
    client = caldav.DAVClient(url=f"{base}/dav/card/", username="jeanne", password=secret)
    book = f"{base}/dav/card/jeanne/contacts/"
    headers = {"Content-Type": "text/vcard; charset=utf-8"}
    for uid, name, email in (
        ("presta-1", "Karim Benali", "k.benali@plomberie-durand.fr"),
        ("presta-2", "Sophie Marchal", "contact@espaces-verts-marchal.fr"),
    ):
        created = client.put(f"{book}{uid}.vcf", _card(uid, name, email=email), headers)
        assert created.status == 201, created.raw

    query = (
        '<CR:addressbook-query xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav">'
        "<D:prop><D:getetag/><CR:address-data/></D:prop><CR:filter>"
        '<CR:prop-filter name="EMAIL"><CR:text-match>plomberie</CR:text-match></CR:prop-filter>'
        "</CR:filter></CR:addressbook-query>"
    )
    found = client.report(book, query, depth=1)
    assert found.status == 207
    tree = fromstring(found.raw)
    assert [n.text for n in tree.iterfind(".//D:href", NS)] == [
        "/dav/card/jeanne/contacts/presta-1.vcf"
    ]
    etag = tree.findtext(".//D:getetag", namespaces=NS)
    assert "Karim Benali" in (tree.findtext(".//CR:address-data", namespaces=NS) or "")

    renamed = _card("presta-1", "Karim Benali-Durand", email="k.benali@plomberie-durand.fr")
    stale = client.put(f"{book}presta-1.vcf", renamed, {**headers, "If-Match": '"perime"'})
    updated = client.put(f"{book}presta-1.vcf", renamed, {**headers, "If-Match": etag})
    assert stale.status == 412
    assert updated.status == 204
    after = fromstring(client.report(book, query, depth=1).raw)
    assert "Karim Benali-Durand" in (after.findtext(".//CR:address-data", namespaces=NS) or "")

    assert client.delete(f"{book}presta-1.vcf").status == 204
    assert fromstring(client.report(book, query, depth=1).raw).find(".//D:href", NS) is None
