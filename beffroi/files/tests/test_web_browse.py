"""The drive's pages: spaces, folders, files, search, favourites and recent files."""

from __future__ import annotations

import re
import uuid

from beffroi.files import access, actions
from beffroi.files.models import Node

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def _root(agent) -> Node:
    return access.access_root(agent, actions.do_open_personal_space(agent))


def _without_csrf(content: bytes) -> bytes:
    return CSRF.sub(b"", content)


def test_the_drive_home_lists_my_drive_and_my_departments_drive(client, agent_voirie):
    """An agent sees « Mon espace » and the drive of the department they work in."""
    client.force_login(agent_voirie)

    response = client.get("/drive/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Mon espace" in page
    assert "Voirie" in page
    assert 'aria-current="page">Fichiers' in page


def test_the_drive_requires_signing_in(client, db):
    """An anonymous visitor is sent to the sign-in page."""
    response = client.get("/drive/")

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_a_folder_lists_folders_first_then_files_in_the_chosen_order(client, agent_voirie):
    """Sorting by size, largest first, keeps folders on top."""
    root = _root(agent_voirie)
    actions.do_create_folder(agent_voirie, root, "Plans")
    actions.do_upload(agent_voirie, root, "petit.txt", [b"a"])
    actions.do_upload(agent_voirie, root, "grand.txt", [b"a" * 5000])
    client.force_login(agent_voirie)

    response = client.get(f"/drive/dossiers/{root.pk}/?tri=taille&ordre=desc")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Plans") < page.index("grand.txt") < page.index("petit.txt")


def test_another_agents_folder_answers_like_a_missing_one(client, agent_voirie, agent_finances):
    """Someone else's drive gives the very same 404 page as an id that does not exist."""
    theirs = actions.do_create_folder(agent_finances, _root(agent_finances), "Budget 2027")
    client.force_login(agent_voirie)

    other = uuid.uuid4()
    hidden = client.get(f"/drive/dossiers/{theirs.pk}/")
    missing = client.get(f"/drive/dossiers/{other}/")

    assert hidden.status_code == missing.status_code == 404
    assert _without_csrf(hidden.content).replace(str(theirs.pk).encode(), b"ID") == (
        _without_csrf(missing.content).replace(str(other).encode(), b"ID")
    )
    assert "Budget 2027" not in hidden.content.decode()


def test_another_agents_file_cannot_be_downloaded_renamed_or_trashed(
    client, agent_voirie, agent_finances
):
    """Every address of someone else's file answers 404, and the file is untouched."""
    theirs = actions.do_upload(agent_finances, _root(agent_finances), "paie.ods", [b"secret"])
    client.force_login(agent_voirie)

    for url in (
        f"/drive/fichiers/{theirs.pk}/",
        f"/drive/fichiers/{theirs.pk}/telecharger/",
        f"/drive/fichiers/{theirs.pk}/apercu/",
        f"/drive/elements/{theirs.pk}/renommer/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/drive/elements/{theirs.pk}/supprimer/").status_code == 404
    assert client.post(f"/drive/elements/{theirs.pk}/renommer/", {"name": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "paie.ods"
    assert theirs.trashed_at is None


def test_a_file_downloads_with_its_name_and_content(client, agent_voirie):
    """The download is an attachment named after the file, byte for byte."""
    node = actions.do_upload(agent_voirie, _root(agent_voirie), "arrêté n°12.pdf", [b"%PDF-1.7"])
    client.force_login(agent_voirie)

    response = client.get(f"/drive/fichiers/{node.pk}/telecharger/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''arr%C3%AAt%C3%A9%20n%C2%B012.pdf" in response["Content-Disposition"]


def test_a_download_resumes_from_a_byte_range(client, agent_voirie, settings):
    """A download cut half-way resumes where it stopped (Range, 206), across the blob's
    encrypted chunks; a range for another version of the file (If-Range) or several ranges
    give the whole file; a range past the end is 416."""
    settings.FILES_CHUNK_BYTES = 4096
    content = bytes(range(256)) * 64  # 16 KiB: four encrypted chunks
    node = actions.do_upload(agent_voirie, _root(agent_voirie), "plan.dwg", [content])
    client.force_login(agent_voirie)
    url = f"/drive/fichiers/{node.pk}/telecharger/"

    def fetch(**headers: str):
        response = client.get(url, headers=headers)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response, body

    rest, rest_body = fetch(Range="bytes=5000-")
    middle, middle_body = fetch(Range="bytes=4090-4105", **{"If-Range": f'"{node.etag}"'})
    tail, tail_body = fetch(Range="bytes=-10")
    assert tail["Content-Range"] == f"bytes 16374-16383/{len(content)}"
    stale, stale_body = fetch(Range="bytes=5000-", **{"If-Range": '"autre-version"'})
    several, several_body = fetch(Range="bytes=0-1,5-6")
    beyond, _ = fetch(Range="bytes=20000-")

    assert rest.status_code == 206
    assert rest["Content-Range"] == f"bytes 5000-16383/{len(content)}"
    assert rest_body == content[5000:]
    assert int(rest["Content-Length"]) == len(content) - 5000
    assert middle.status_code == 206
    assert middle_body == content[4090:4106]
    assert tail_body == content[-10:]
    assert (stale.status_code, stale_body) == (200, content)
    assert (several.status_code, several_body) == (200, content)
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(content)}"


def test_a_pdf_preview_is_framed_by_the_page_under_its_own_policy(client, agent_voirie):
    """The file page frames the PDF; the PDF itself may only be framed by Beffroi and may run
    nothing of its own."""
    node = actions.do_upload(agent_voirie, _root(agent_voirie), "plan.pdf", [b"%PDF-1.7"])
    client.force_login(agent_voirie)

    page = client.get(f"/drive/fichiers/{node.pk}/").content.decode()
    content = client.get(f"/drive/fichiers/{node.pk}/apercu/")

    assert f'<iframe class="preview__frame" src="/drive/fichiers/{node.pk}/apercu/"' in page
    assert content["Content-Type"] == "application/pdf"
    assert content["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in content["Content-Security-Policy"]
    assert "script-src" not in content["Content-Security-Policy"]
    assert content["Content-Disposition"].startswith("inline;")


def test_a_text_file_is_shown_on_its_page_and_html_is_never_served_inline(client, agent_voirie):
    """Text shows escaped in the page; an HTML file gets no inline preview at all."""
    root = _root(agent_voirie)
    text = actions.do_upload(agent_voirie, root, "notes.txt", [b"<b>ordre du jour</b>"])
    html = actions.do_upload(agent_voirie, root, "page.html", [b"<script>alert(1)</script>"])
    client.force_login(agent_voirie)

    page = client.get(f"/drive/fichiers/{text.pk}/").content.decode()

    assert "&lt;b&gt;ordre du jour&lt;/b&gt;" in page
    assert client.get(f"/drive/fichiers/{html.pk}/apercu/").status_code == 404


def test_search_finds_names_in_the_space_but_not_in_the_trash(client, agent_voirie):
    """Searching "budget" finds the files whose name holds it, at any depth, except those in
    a trashed folder."""
    root = _root(agent_voirie)
    folder = actions.do_create_folder(agent_voirie, root, "Finances")
    actions.do_upload(agent_voirie, folder, "Budget primitif.ods", [b"1"])
    old = actions.do_create_folder(agent_voirie, root, "Ancien")
    actions.do_upload(agent_voirie, old, "budget 2019.ods", [b"1"])
    actions.do_trash(agent_voirie, old)
    client.force_login(agent_voirie)

    response = client.get(f"/drive/espaces/{root.space.slug}/recherche/?q=BUDGET")

    page = response.content.decode()
    assert "Budget primitif.ods" in page
    assert "budget 2019.ods" not in page
    assert "1 résultat" in page


def test_favourites_and_recent_files_appear_on_the_drive_home(client, agent_voirie):
    """A pinned folder shows under « Favoris », a saved file under « Fichiers récents »."""
    root = _root(agent_voirie)
    folder = actions.do_create_folder(agent_voirie, root, "Chantiers")
    actions.do_upload(agent_voirie, root, "compte-rendu.odt", [b"cr"])
    client.force_login(agent_voirie)

    pinned = client.post(f"/drive/elements/{folder.pk}/favori/", {"favori": "1"})
    home = client.get("/drive/").content.decode()

    assert pinned.status_code == 302
    favourites = home[home.index("titre-favoris") : home.index("titre-recents")]
    recent = home[home.index("titre-recents") :]
    assert "Chantiers" in favourites
    assert "compte-rendu.odt" in recent


def test_a_large_folder_opens_a_page_at_a_time_in_the_chosen_order(
    client, agent_voirie, monkeypatch
):
    """A folder of thousands of entries shows them a page at a time (here 3 a page), with
    links to the next page that keep the sort."""
    from beffroi.files.web import browse

    monkeypatch.setattr(browse, "FOLDER_PAGE_SIZE", 3)
    root = _root(agent_voirie)
    for number in range(5):
        actions.do_upload(agent_voirie, root, f"cr-{number}.txt", [b"x" * (number + 1)])
    client.force_login(agent_voirie)

    first = client.get(f"/drive/dossiers/{root.pk}/?tri=taille&ordre=desc").content.decode()
    second = client.get(f"/drive/dossiers/{root.pk}/?tri=taille&ordre=desc&page=2").content.decode()

    assert [name for name in ("cr-4", "cr-3", "cr-2", "cr-1", "cr-0") if name in first] == [
        "cr-4",
        "cr-3",
        "cr-2",
    ]
    assert [name for name in ("cr-4", "cr-3", "cr-2", "cr-1", "cr-0") if name in second] == [
        "cr-1",
        "cr-0",
    ]
    assert "Page 1 sur 2" in first
    assert "?tri=taille&amp;ordre=desc&amp;page=2" in first
