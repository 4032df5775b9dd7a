"""The drive over WebDAV: what litmus does not check about Beffroi's own rules."""

from __future__ import annotations

from beffroi.dav.tests.conftest import DavClient
from beffroi.files.blobs import blob_store
from beffroi.files.models import Node

PROPFIND_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE bomb [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<D:propfind xmlns:D="DAV:"><D:prop><D:displayname>&b;</D:displayname></D:prop></D:propfind>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x xmlns="urn:x">&secret;</x></D:prop>
</D:set></D:propertyupdate>"""


def test_an_upload_is_stored_encrypted_and_read_back_by_range(dav, agent_voirie):
    """PUT then GET with a Range: the bytes come back, the blob on disk is ciphertext."""
    content = b"Plan de circulation du centre-ville. " * 4000
    path = f"/{agent_voirie.username}/plan.txt"

    created = dav.request("PUT", path, content)
    ranged = dav.request("GET", path, headers={"Range": "bytes=70000-70009"})

    assert created.status == 201
    assert ranged.status == 206
    assert ranged.body == content[70000:70010]
    node = Node.objects.get(name="plan.txt")
    assert node.current_version is not None
    on_disk = blob_store().path_of(node.current_version.blob_id).read_bytes()
    assert b"Plan de circulation" not in on_disk


def test_another_agents_drive_answers_as_if_missing(dav, agent_finances):
    """Listing someone else's drive answers 404, the same as a drive that does not exist."""
    other = dav.request("PROPFIND", f"/{agent_finances.username}/", headers={"Depth": "1"})
    missing = dav.request("PROPFIND", "/personne.inconnue/", headers={"Depth": "1"})

    assert other.status == missing.status == 404


def test_a_wrong_secret_is_refused(agent_voirie):
    """Without a valid app password the drive asks for credentials (401)."""
    client = DavClient(agent_voirie.username, "abcd-efgh-ijkm-npqr")

    answer = client.request("PROPFIND", f"/{agent_voirie.username}/", headers={"Depth": "0"})

    assert answer.status == 401
    assert "Basic" in answer.headers["www-authenticate"]


def test_xml_bombs_and_external_entities_are_refused(dav, agent_voirie):
    """A PROPFIND declaring entities or a PROPPATCH naming a local file: 400, nothing stored."""
    root = f"/{agent_voirie.username}/"
    bomb = dav.request("PROPFIND", root, PROPFIND_BOMB, {"Content-Type": "application/xml"})
    dav.request("PUT", f"{root}note.txt", b"x")
    external = dav.request(
        "PROPPATCH", f"{root}note.txt", EXTERNAL_ENTITY, {"Content-Type": "application/xml"}
    )

    assert bomb.status == external.status == 400
    assert "entités XML sont refusées" in bomb.body.decode()
    assert not Node.objects.get(name="note.txt").dead_properties.exists()


def test_a_chunked_xml_body_is_checked_too(dav, agent_voirie):
    """Without a Content-Length (chunked transfer) the DTD is still found and refused, and an
    oversized body is refused before it is parsed."""
    root = f"/{agent_voirie.username}/"
    chunked = {"Content-Type": "application/xml", "Transfer-Encoding": "chunked"}

    bomb = dav.request("PROPFIND", root, PROPFIND_BOMB, chunked)
    huge = dav.request("PROPFIND", root, b"<a>" + b" " * (1024 * 1024) + b"</a>", chunked)
    plain = dav.request(
        "PROPFIND",
        root,
        b'<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>',
        {**chunked, "Depth": "0"},
    )

    assert (bomb.status, huge.status, plain.status) == (400, 413, 207)


def test_a_windows_reserved_name_is_refused(dav, agent_voirie):
    """MKCOL of "CON" is refused (400) and no folder appears."""
    answer = dav.request("MKCOL", f"/{agent_voirie.username}/CON")

    assert answer.status == 400
    assert not Node.objects.filter(name="CON").exists()


def test_an_overwrite_over_webdav_keeps_the_previous_version(dav, agent_voirie):
    """Two PUTs of the same path: two versions, the newest served, the ETag changed."""
    path = f"/{agent_voirie.username}/budget.csv"
    first = dav.request("PUT", path, b"2025;100")
    second = dav.request("PUT", path, b"2026;120", {"If-Match": first.headers["etag"]})
    stale = dav.request("PUT", path, b"2026;999", {"If-Match": first.headers["etag"]})

    assert (first.status, second.status, stale.status) == (201, 204, 412)
    assert dav.request("GET", path).body == b"2026;120"
    assert Node.objects.get(name="budget.csv").versions.count() == 2


PROPPATCH_NOTE = b"""<?xml version="1.0"?>
<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><n:note xmlns:n="urn:mairie">%s</n:note>
</D:prop></D:set></D:propertyupdate>"""
LOCK_BODY = b"""<?xml version="1.0"?>
<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope>
<D:locktype><D:write/></D:locktype><D:owner>Karim</D:owner></D:lockinfo>"""


def _propfind_queries(dav: DavClient, path: str) -> tuple[int, bytes]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        answer = dav.request("PROPFIND", path, headers={"Depth": "1"})
    assert answer.status == 207
    return len(queries), answer.body


def test_a_deep_path_costs_the_same_queries_as_a_shallow_one(dav, agent_voirie):
    """A path is followed in one query whatever its depth, and who the agent is (groups,
    departments) is asked once per request: a file five folders down costs what a file at
    the top costs, to read, to describe and to overwrite; and a wrong name on the way is 404."""
    home = f"/{agent_voirie.username}"
    deep = home
    for folder in ("Urbanisme", "PLU", "Revision 2026", "Annexes", "Plans"):
        deep += f"/{folder}"
        assert dav.request("MKCOL", deep).status == 201
    for folder in (home, deep):
        assert dav.request("PUT", f"{folder}/note.txt", b"v1").status == 201

    def queries(method: str, path: str, body: bytes = b"") -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            answer = dav.request(method, path, body, headers={"Depth": "0"})
        assert answer.status in (200, 204, 207), (method, path, answer.status)
        return len(captured)

    for method, body in (("GET", b""), ("PROPFIND", b""), ("PUT", b"v2")):
        # Each PUT a new content (a content already stored is not written twice).
        assert queries(method, f"{deep}/note.txt", body and body + b" deep") == queries(
            method, f"{home}/note.txt", body and body + b" top"
        )
    assert dav.request("GET", f"{deep}/note.txt").body == b"v2 deep"
    astray = deep.replace("/Annexes/", "/Annexe/")
    assert dav.request("GET", f"{astray}/note.txt").status == 404
    assert dav.request("GET", f"{deep}/note.txt/plus").status == 404


def test_listing_a_folder_costs_the_same_queries_for_5_or_50_entries(dav, agent_voirie):
    """PROPFIND Depth 1 reads dead properties and locks for the whole folder at once: the
    number of queries does not grow with the folder (a 10,000-entry folder stays a few)."""
    home = f"/{agent_voirie.username}"
    assert dav.request("MKCOL", f"{home}/comptes-rendus/").status == 201

    def add_files(first: int, last: int) -> None:
        for number in range(first, last):
            path = f"{home}/comptes-rendus/cr-{number:02}.txt"
            assert dav.request("PUT", path, b"Compte rendu").status == 201
            note = PROPPATCH_NOTE % f"note {number}".encode()
            assert dav.request("PROPPATCH", path, note).status == 207

    add_files(0, 5)
    locked = dav.request("LOCK", f"{home}/comptes-rendus/cr-03.txt", LOCK_BODY)
    assert locked.status == 200
    few, small_listing = _propfind_queries(dav, f"{home}/comptes-rendus/")
    add_files(5, 50)
    many, large_listing = _propfind_queries(dav, f"{home}/comptes-rendus/")

    assert many == few
    assert large_listing.count(b"</D:response>") == 51
    assert b"note 49" in large_listing
    assert b"note 3" in small_listing
    assert large_listing.count(b"opaquelocktoken:") == 1


EXPLORER_PROPPATCH = b"""<?xml version="1.0" encoding="utf-8" ?>
<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:schemas-microsoft-com:"><D:set><D:prop>
<Z:Win32CreationTime>Tue, 03 Mar 2026 09:15:00 GMT</Z:Win32CreationTime>
<Z:Win32LastAccessTime>Mon, 30 Nov 2026 08:00:00 GMT</Z:Win32LastAccessTime>
<Z:Win32LastModifiedTime>%s</Z:Win32LastModifiedTime>
<Z:Win32FileAttributes>00000020</Z:Win32FileAttributes>
</D:prop></D:set></D:propertyupdate>"""


def test_windows_explorer_keeps_the_desktop_date_and_attributes_of_a_copied_file(dav, agent_voirie):
    """After a copy, Explorer sends the file's Win32 times and attributes: they are answered
    200, read back, and the drive shows the date the file had on the desktop; a date no one
    can read is kept as a property and changes nothing else."""
    path = f"/{agent_voirie.username}/budget.ods"
    assert dav.request("PUT", path, b"tableur").status == 201
    explorer = {"User-Agent": "Microsoft-WebDAV-MiniRedir/10.0.19045"}

    patched = dav.request(
        "PROPPATCH", path, EXPLORER_PROPPATCH % b"Tue, 03 Mar 2026 10:30:00 GMT", explorer
    )
    answer = dav.request("PROPFIND", path, headers={"Depth": "0"})

    assert patched.status == 207
    assert b"200 OK" in patched.body
    assert b"403" not in patched.body
    assert b"Tue, 03 Mar 2026 10:30:00 GMT" in answer.body.split(b"getlastmodified>")[1]
    assert b"00000020" in answer.body
    etag = dav.request("GET", path).headers["etag"]

    garbled = dav.request("PROPPATCH", path, EXPLORER_PROPPATCH % b"hier soir", explorer)
    after = dav.request("PROPFIND", path, headers={"Depth": "0"})
    assert garbled.status == 207
    assert b"Tue, 03 Mar 2026 10:30:00 GMT" in after.body.split(b"getlastmodified>")[1]
    assert dav.request("GET", path).headers["etag"] == etag


def test_finder_and_explorer_files_are_kept_for_them_but_hidden_from_people(
    dav, agent_voirie, client
):
    """Finder's .DS_Store and ._ files and Explorer's Thumbs.db are taken and given back over
    WebDAV (a copy never fails on them) without keeping versions; the folder page, the API
    and the recent files, made for people, do not show them."""
    from beffroi.files.models import Node, Version

    home = f"/{agent_voirie.username}"
    assert dav.request("MKCOL", f"{home}/Photos").status == 201
    for name in (".DS_Store", "._mairie.jpg", "Thumbs.db", "mairie.jpg"):
        assert dav.request("PUT", f"{home}/Photos/{name}", b"v1 " + name.encode()).status == 201
    assert dav.request("PUT", f"{home}/Photos/.DS_Store", b"v2").status == 204

    listing = dav.request("PROPFIND", f"{home}/Photos/", headers={"Depth": "1"}).body
    assert all(name in listing for name in (b".DS_Store", b"._mairie.jpg", b"Thumbs.db"))
    assert dav.request("GET", f"{home}/Photos/.DS_Store").body == b"v2"
    store = Node.objects.get(name=".DS_Store")
    assert Version.objects.filter(node=store).count() == 1

    client.force_login(agent_voirie)
    folder = Node.objects.get(name="Photos")
    page = client.get(f"/drive/dossiers/{folder.pk}/").content.decode()
    recent = client.get("/drive/").content.decode()
    assert "mairie.jpg" in page
    assert all(name not in page + recent for name in (".DS_Store", "._mairie", "Thumbs.db"))


def test_a_path_deeper_than_any_tree_is_simply_not_found(dav, agent_voirie):
    """Two thousand levels of "a/": 404 like any missing path, without building a query of
    two thousand parameters."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        answer = dav.request("GET", f"/{agent_voirie.username}/" + "a/" * 2000 + "plan.pdf")
    assert answer.status == 404
    assert not any("WITH RECURSIVE walk" in query["sql"] for query in queries)
