"""The trash (restore to its place or to the root, purge now, purge after D days) and versions
(list, restore as a new version, the retention policy), through the API and the actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from beffroi.audit.models import AuditEvent
from beffroi.files import actions
from beffroi.files.housekeeping import drive_housekeeping, schedule_daily_housekeeping
from beffroi.files.models import Node, Version
from beffroi.files.tests.public_link_helpers import api_client, content_of, personal_root

NOW = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


@pytest.fixture
def root(agent_voirie) -> Node:
    return personal_root(agent_voirie)


def test_a_file_comes_back_from_the_trash_to_its_place(agent_voirie, root):
    """Listed in the space's trash, restored into its folder, audited."""
    folder = actions.do_create_folder(agent_voirie, root, "Arrêtés")
    node = actions.do_upload(agent_voirie, folder, "arrêté.pdf", [b"%PDF"])
    actions.do_trash(agent_voirie, node)
    api = api_client(agent_voirie)

    listed = api.get(f"/api/v1/files/spaces/{root.space_id}/trash").json()
    restored = api.post(f"/api/v1/files/trash/{node.id}/restore")

    assert [item["name"] for item in listed] == ["arrêté.pdf"]
    assert listed[0]["original_parent_id"] == str(folder.id)
    assert restored.status_code == 200
    assert restored.json() == {
        "id": str(node.id),
        "name": "arrêté.pdf",
        "parent_id": str(folder.id),
        "to_root": False,
    }
    node.refresh_from_db()
    assert node.trashed_at is None
    assert node.parent_id == folder.id
    assert AuditEvent.objects.filter(action="files.node.restored", target_id=str(node.id)).exists()
    assert api.get(f"/api/v1/files/spaces/{root.space_id}/trash").json() == []


def test_a_file_whose_folder_is_gone_comes_back_to_the_root_renamed_if_needed(agent_voirie, root):
    """Its folder is in the trash too: it returns to the root, as « budget (2).ods » since a
    « budget.ods » lives there now."""
    folder = actions.do_create_folder(agent_voirie, root, "Finances")
    node = actions.do_upload(agent_voirie, folder, "budget.ods", [b"v1"])
    actions.do_trash(agent_voirie, node)
    actions.do_trash(agent_voirie, folder)
    actions.do_upload(agent_voirie, root, "budget.ods", [b"autre"])

    answer = api_client(agent_voirie).post(f"/api/v1/files/trash/{node.id}/restore")

    assert answer.status_code == 200
    assert answer.json()["to_root"] is True
    assert answer.json()["name"] == "budget (2).ods"
    node.refresh_from_db()
    assert node.parent_id == root.id
    assert content_of(node) == b"v1"


def test_purging_deletes_for_good_and_only_from_the_trash(agent_voirie, root):
    """A living file is not in the trash (404 there); a trashed one is gone with its versions."""
    node = actions.do_upload(agent_voirie, root, "brouillon.txt", [b"1"])
    api = api_client(agent_voirie)
    assert api.delete(f"/api/v1/files/trash/{node.id}").status_code == 404

    actions.do_trash(agent_voirie, node)
    answer = api.delete(f"/api/v1/files/trash/{node.id}")

    assert answer.status_code == 204
    assert not Node.objects.filter(pk=node.pk).exists()
    assert not Version.objects.filter(node_id=node.pk).exists()
    assert AuditEvent.objects.filter(action="files.node.purged", target_id=str(node.id)).exists()


def test_nobody_else_sees_or_empties_my_trash(agent_voirie, agent_finances, root):
    node = actions.do_upload(agent_voirie, root, "perso.txt", [b"1"])
    actions.do_trash(agent_voirie, node)
    other = api_client(agent_finances)

    assert other.get(f"/api/v1/files/spaces/{root.space_id}/trash").status_code == 404
    assert other.post(f"/api/v1/files/trash/{node.id}/restore").status_code == 404
    assert other.delete(f"/api/v1/files/trash/{node.id}").status_code == 404
    assert Node.objects.filter(pk=node.pk, trashed_at__isnull=False).exists()


def test_the_trash_is_purged_automatically_after_its_delay(agent_voirie, root, settings):
    """With BEFFROI_FILES_TRASH_DAYS=30: kept on day 29, purged by the daily task on day 31."""
    settings.FILES_TRASH_DAYS = 30
    with time_machine.travel(NOW, tick=False):
        old = actions.do_upload(agent_voirie, root, "ancien.txt", [b"1"])
        actions.do_trash(agent_voirie, old)
    with time_machine.travel(NOW + timedelta(days=20), tick=False):
        recent = actions.do_upload(agent_voirie, root, "récent.txt", [b"2"])
        actions.do_trash(agent_voirie, recent)

    with time_machine.travel(NOW + timedelta(days=29), tick=False):
        assert actions.do_purge_expired_trash() == 0
    with time_machine.travel(NOW + timedelta(days=31), tick=False):
        result = drive_housekeeping.call()

    assert result["purged"] == 1
    assert not Node.objects.filter(pk=old.pk).exists()
    assert Node.objects.filter(pk=recent.pk).exists()


def test_the_housekeeping_schedules_itself_once(db):
    """Queued when the worker starts, not twice."""
    assert schedule_daily_housekeeping() is True
    assert schedule_daily_housekeeping() is False


def test_restoring_a_version_adds_a_new_one_with_the_old_content(agent_voirie, root):
    """Three saves, restore the first: four versions, the newest holds the first content."""
    with time_machine.travel(NOW, tick=True):
        node = actions.do_upload(agent_voirie, root, "note.txt", [b"premier"])
    with time_machine.travel(NOW + timedelta(hours=1), tick=True):
        actions.do_upload(agent_voirie, root, "note.txt", [b"deuxieme"])
    with time_machine.travel(NOW + timedelta(hours=2), tick=True):
        actions.do_upload(agent_voirie, root, "note.txt", [b"troisieme"])
    api = api_client(agent_voirie)
    listed = api.get(f"/api/v1/files/nodes/{node.id}/versions").json()
    assert [v["size"] for v in listed] == [9, 8, 7]
    assert [v["current"] for v in listed] == [True, False, False]

    with time_machine.travel(NOW + timedelta(hours=3), tick=True):
        answer = api.post(f"/api/v1/files/nodes/{node.id}/versions/{listed[-1]['id']}/restore")

    assert answer.status_code == 201
    assert answer.json()["current"] is True
    assert answer.json()["size"] == 7
    assert content_of(node) == b"premier"
    assert Version.objects.filter(node=node).count() == 4
    event = AuditEvent.objects.get(action="files.version.restored")
    assert event.details["version"] == listed[-1]["id"]


def test_the_retention_keeps_the_last_n_and_all_of_the_last_d_days(agent_voirie, root, settings):
    """N=2, D=7: of six versions over sixty days, the two newest and those of the last week
    stay; the current one always stays."""
    settings.FILES_KEEP_VERSIONS = 2
    settings.FILES_KEEP_VERSION_DAYS = 7
    days = [0, 10, 20, 55, 57, 58]
    for day in days:
        with time_machine.travel(NOW + timedelta(days=day), tick=False):
            node = actions.do_upload(agent_voirie, root, "registre.ods", [f"j{day}".encode()])

    with time_machine.travel(NOW + timedelta(days=60), tick=False):
        forgotten = actions.do_apply_version_retention()

    kept = sorted((v.created_at - NOW).days for v in Version.objects.filter(node=node))
    assert forgotten == 3
    assert kept == [55, 57, 58]
    assert content_of(node) == b"j58"
