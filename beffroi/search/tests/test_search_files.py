"""The drive in the search: files found by name and content, kept in step with every change,
and only for those who may read them."""

from __future__ import annotations

from beffroi.files import actions
from beffroi.files.models import Blob, Node
from beffroi.search.access import access_search
from beffroi.search.models import Entry, ExtractedText
from beffroi.search.tests import samples
from beffroi.search.tests.conftest import department_root, personal_root


def _titles(user, text: str, **options) -> list[str]:
    results = access_search(user, text, kinds=["file"], **options)
    return [hit.title for group in results.groups for hit in group.hits]


def test_a_text_file_is_found_by_a_word_of_its_content(agent_voirie, committed):
    """The worker reads the content; another inflection of a word finds it."""
    root = personal_root(agent_voirie)
    with committed():
        actions.do_upload(
            agent_voirie, root, "note.txt", ["Les travaux de l'église commencent lundi.".encode()]
        )

    assert _titles(agent_voirie, "travail eglise") == ["note.txt"]
    hit = access_search(agent_voirie, "travail").groups[0].hits[0]
    assert "<mark>travaux</mark>" in hit.snippet
    assert Entry.objects.get(kind="file").scope.startswith("space:")


def test_pdf_opendocument_and_office_files_are_found_by_their_content(agent_voirie, committed):
    """Each format's words reach the index through the worker."""
    root = personal_root(agent_voirie)
    with committed():
        actions.do_upload(agent_voirie, root, "a.pdf", [samples.pdf("enrobé bitumineux")])
        actions.do_upload(agent_voirie, root, "b.odt", [samples.odt("signalisation horizontale")])
        actions.do_upload(agent_voirie, root, "c.docx", [samples.docx("trottoir accessible")])
        actions.do_upload(agent_voirie, root, "d.xlsx", [samples.xlsx("caniveau")])

    assert _titles(agent_voirie, "bitumineux") == ["a.pdf"]
    assert _titles(agent_voirie, "signalisation") == ["b.odt"]
    assert _titles(agent_voirie, "trottoirs") == ["c.docx"]
    assert _titles(agent_voirie, "caniveaux") == ["d.xlsx"]


def test_a_folder_is_found_by_its_name(agent_voirie, committed):
    """Folders are indexed by name, and open as folders."""
    root = personal_root(agent_voirie)
    with committed():
        folder = actions.do_create_folder(agent_voirie, root, "Délibérations 2026")

    hit = access_search(agent_voirie, "délibération", kinds=["file"]).groups[0].hits[0]
    assert hit.url == f"/drive/dossiers/{folder.pk}/"


def test_a_new_version_replaces_the_content_words(agent_voirie, committed):
    """After an overwrite, the old words no longer find the file; the new ones do."""
    root = personal_root(agent_voirie)
    with committed():
        actions.do_upload(agent_voirie, root, "note.txt", [b"ancien contenu"])
    with committed():
        actions.do_upload(agent_voirie, root, "note.txt", [b"nouveau texte"])

    assert _titles(agent_voirie, "ancien") == []
    assert _titles(agent_voirie, "nouveau") == ["note.txt"]


def test_the_same_content_is_read_once(agent_voirie, committed):
    """A copy reuses the text read for the original; both are found."""
    root = personal_root(agent_voirie)
    with committed():
        original = actions.do_upload(agent_voirie, root, "note.txt", [b"lampadaire"])
    with committed():
        actions.do_copy(agent_voirie, original, root, "copie.txt")

    assert sorted(_titles(agent_voirie, "lampadaire")) == ["copie.txt", "note.txt"]
    assert ExtractedText.objects.count() == 1


def test_a_rename_changes_the_title_and_keeps_the_content(agent_voirie, committed):
    """The new name finds it, the old one no longer, the content still does."""
    root = personal_root(agent_voirie)
    with committed():
        node = actions.do_upload(agent_voirie, root, "brouillon.txt", [b"lampadaire"])
    with committed():
        actions.do_move(agent_voirie, node, root, "définitif.txt")

    assert _titles(agent_voirie, "brouillon") == []
    assert _titles(agent_voirie, "definitif") == ["définitif.txt"]
    assert _titles(agent_voirie, "lampadaire") == ["définitif.txt"]


def test_a_folder_in_the_trash_takes_what_it_holds_out_and_back(agent_voirie, committed):
    """Trashing a folder removes it and its files; restoring brings them back."""
    root = personal_root(agent_voirie)
    with committed():
        folder = actions.do_create_folder(agent_voirie, root, "Chantiers")
        actions.do_upload(agent_voirie, folder, "rue.txt", [b"lampadaire"])
    with committed():
        actions.do_trash(agent_voirie, folder)

    assert _titles(agent_voirie, "lampadaire") == []
    assert not Entry.objects.filter(kind="file").exists()

    folder.refresh_from_db()
    with committed():
        actions.do_restore_from_trash(agent_voirie, folder)

    assert _titles(agent_voirie, "lampadaire") == ["rue.txt"]


def test_a_move_to_another_space_moves_the_scope_of_what_it_holds(agent_voirie, voirie, committed):
    """Moved to the department's drive, a folder's files take that drive's scope."""
    root = personal_root(agent_voirie)
    shared = department_root(voirie, agent_voirie)
    with committed():
        folder = actions.do_create_folder(agent_voirie, root, "Plans")
        file = actions.do_upload(agent_voirie, folder, "plan.txt", [b"giratoire"])
    with committed():
        actions.do_move(agent_voirie, folder, shared, "Plans")

    assert Entry.objects.get(object_id=str(file.pk)).scope == f"space:{shared.space_id}"
    assert _titles(agent_voirie, "giratoire") == ["plan.txt"]


def test_desktop_files_are_never_indexed(agent_voirie, committed):
    """.DS_Store and Thumbs.db stay out of the index."""
    root = personal_root(agent_voirie)
    with committed():
        actions.do_upload(agent_voirie, root, ".DS_Store", [b"bud1"])
        actions.do_upload(agent_voirie, root, "Thumbs.db", [b"x"])

    assert not Entry.objects.filter(kind="file").exists()


def test_a_colleague_finds_nothing_in_someone_elses_drive(agent_voirie, agent_finances, committed):
    """Another agent's personal file is neither a hit nor counted."""
    root = personal_root(agent_voirie)
    with committed():
        actions.do_upload(agent_voirie, root, "secret.txt", [b"lampadaire"])

    assert access_search(agent_finances, "lampadaire").empty
    assert access_search(agent_finances, "secret").empty


def test_a_share_lets_the_colleague_find_the_file(agent_voirie, agent_finances, committed):
    """Shared as reader, found; unshared, gone."""
    root = personal_root(agent_voirie)
    with committed():
        file = actions.do_upload(agent_voirie, root, "devis.txt", [b"lampadaire"])
        share = actions.do_share(agent_voirie, file, agent_finances, "reader")

    assert _titles(agent_finances, "lampadaire") == ["devis.txt"]

    with committed():
        actions.do_unshare(agent_voirie, share)

    assert access_search(agent_finances, "lampadaire").empty


def test_an_unreadable_content_leaves_the_name_searchable(agent_voirie, committed):
    """A damaged PDF is still found by its name."""
    root = personal_root(agent_voirie)
    with committed():
        actions.do_upload(agent_voirie, root, "scan-abîmé.pdf", [b"pas un pdf"])

    assert _titles(agent_voirie, "scan") == ["scan-abîmé.pdf"]
    assert ExtractedText.objects.get().reason.startswith("unreadable")


def test_a_collected_content_forgets_its_text(agent_voirie, committed):
    """Purged, then its blob collected: the text read from it goes too."""
    root = personal_root(agent_voirie)
    with committed():
        node = actions.do_upload(agent_voirie, root, "note.txt", [b"lampadaire"])
    sha256 = Node.objects.get(pk=node.pk).current_version.blob_id
    with committed():
        actions.do_trash(agent_voirie, node)
        actions.do_purge(agent_voirie, Node.objects.get(pk=node.pk))

    Blob.objects.filter(pk=sha256).delete()

    assert not ExtractedText.objects.exists()
