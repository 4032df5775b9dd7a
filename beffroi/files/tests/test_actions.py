"""Changes to the drive: folders, uploads and versions, moves, copies, the trash."""

from __future__ import annotations

import pytest

from beffroi.audit.models import AuditEvent
from beffroi.core.errors import InvalidInput, NotFound
from beffroi.files import access, actions
from beffroi.files.blobs import blob_store
from beffroi.files.models import Node, Version


@pytest.fixture
def root(agent_voirie) -> Node:
    space = actions.do_open_personal_space(agent_voirie)
    return access.access_root(agent_voirie, space)


def _content(node: Node) -> bytes:
    node.refresh_from_db()
    assert node.current_version is not None
    with blob_store().open_read(node.current_version.blob_id) as reader:
        return reader.read()


def test_an_agent_creates_a_folder_and_uploads_a_file_in_it(agent_voirie, root):
    """The file appears in the folder's listing with its size and content."""
    folder = actions.do_create_folder(agent_voirie, root, "Arrêtés")
    node = actions.do_upload(agent_voirie, folder, "arrêté-voirie.pdf", [b"%PDF-1.7 ", b"..."])

    assert [child.name for child in access.access_children(agent_voirie, folder)] == [
        "arrêté-voirie.pdf"
    ]
    assert node.size == 12
    assert node.content_type == "application/pdf"
    assert _content(node) == b"%PDF-1.7 ..."


def test_an_overwrite_keeps_the_previous_version(agent_voirie, root):
    """Saving again under the same name adds a version; the old content is still there."""
    first = actions.do_upload(agent_voirie, root, "budget.ods", [b"version 1"])
    second = actions.do_upload(agent_voirie, root, "budget.ods", [b"version 2, plus longue"])

    assert second.pk == first.pk
    assert _content(second) == b"version 2, plus longue"
    versions = list(Version.objects.filter(node=first).order_by("created_at"))
    assert [v.size for v in versions] == [9, 22]
    with blob_store().open_read(versions[0].blob_id) as reader:
        assert reader.read() == b"version 1"


def test_a_name_already_used_in_the_folder_is_refused(agent_voirie, root):
    """Two living items cannot share a name; the refusal says so in French."""
    actions.do_create_folder(agent_voirie, root, "Plans")

    with pytest.raises(InvalidInput) as refused:
        actions.do_create_folder(agent_voirie, root, "Plans")

    assert "porte déjà ce nom" in refused.value.message
    assert Node.objects.filter(parent=root, name="Plans").count() == 1


def test_a_folder_cannot_move_into_itself_or_its_child(agent_voirie, root):
    """Moving a folder onto itself or under its own sub-folder is refused, nothing moves."""
    plans = actions.do_create_folder(agent_voirie, root, "Plans")
    quartier = actions.do_create_folder(agent_voirie, plans, "Quartier nord")

    for target in (plans, quartier):
        with pytest.raises(InvalidInput):
            actions.do_move(agent_voirie, plans, target, "Plans")

    plans.refresh_from_db()
    assert plans.parent_id == root.pk


def test_a_rename_and_move_carries_the_content(agent_voirie, root):
    """A file moved to another folder under a new name keeps its content and versions."""
    archives = actions.do_create_folder(agent_voirie, root, "Archives")
    node = actions.do_upload(agent_voirie, root, "brouillon.txt", [b"texte"])

    actions.do_move(agent_voirie, node, archives, "définitif.txt")

    assert access.access_node(agent_voirie, root.space, ["Archives", "définitif.txt"]).pk == node.pk
    with pytest.raises(NotFound):
        access.access_node(agent_voirie, root.space, ["brouillon.txt"])
    assert _content(node) == b"texte"


def test_a_move_across_spaces_is_audited(agent_voirie, voirie, root):
    """A folder moved from a personal drive to the department's drive goes with its content."""
    department_root = access.access_root(agent_voirie, actions.do_open_department_space(voirie))
    folder = actions.do_create_folder(agent_voirie, root, "Chantiers")
    file = actions.do_upload(agent_voirie, folder, "planning.txt", [b"lundi"])

    actions.do_move(agent_voirie, folder, department_root, "Chantiers")

    file.refresh_from_db()
    assert file.space_id == department_root.space_id
    event = AuditEvent.objects.get(action="files.node.moved")
    assert event.target_id == str(folder.pk)


def test_a_copy_shares_the_blob_and_is_independent(agent_voirie, root):
    """A copied folder holds copies of its files; changing the copy leaves the original."""
    folder = actions.do_create_folder(agent_voirie, root, "Modèles")
    original = actions.do_upload(agent_voirie, folder, "courrier.odt", [b"Madame, Monsieur"])

    copy = actions.do_copy(agent_voirie, folder, root, "Modèles (copie)")
    copied = access.access_node(agent_voirie, root.space, ["Modèles (copie)", "courrier.odt"])
    actions.do_upload(agent_voirie, copy, "courrier.odt", [b"Chers administres"])

    assert copied.pk != original.pk
    assert _content(original) == b"Madame, Monsieur"
    assert _content(copied) == b"Chers administres"


def test_deleting_puts_in_the_trash_and_frees_the_name(agent_voirie, root):
    """A trashed file leaves the listing, its name can be reused, and the deletion is audited."""
    node = actions.do_upload(agent_voirie, root, "ancien.txt", [b"x"])

    actions.do_trash(agent_voirie, node, address="192.0.2.10")
    actions.do_upload(agent_voirie, root, "ancien.txt", [b"y"])

    node.refresh_from_db()
    assert node.trashed_at is not None
    assert [child.name for child in access.access_children(agent_voirie, root)] == ["ancien.txt"]
    event = AuditEvent.objects.get(action="files.node.trashed")
    assert event.details["name"] == "ancien.txt"
    assert event.address == "192.0.2.10"


def test_the_root_of_a_space_cannot_be_deleted(agent_voirie, root):
    """The drive itself stays; only what it holds goes to the trash."""
    with pytest.raises(InvalidInput):
        actions.do_trash(agent_voirie, root)

    root.refresh_from_db()
    assert root.trashed_at is None
