"""The drive's sharing pages: what a share opens in the web UI, the « Partage » page of a node
(shares, roles, inheritance, « Pourquoi … ? »), the trash page and restoring a version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from beffroi.audit.models import AuditEvent
from beffroi.directory.models import Department, DepartmentMembership
from beffroi.directory.tests.factories import AgentFactory
from beffroi.files import actions
from beffroi.files.models import Node, Share, Version

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def urbanisme(db) -> Department:
    return Department.objects.create(code="URBANISME", name="Urbanisme")


@pytest.fixture
def chef(urbanisme):
    agent = AgentFactory(username="chef.urbanisme", first_name="Claire", last_name="Chef")
    DepartmentMembership.objects.create(agent=agent, department=urbanisme, is_manager=True)
    return agent


@pytest.fixture
def paul(urbanisme):
    agent = AgentFactory(username="paul.girard", first_name="Paul", last_name="Girard")
    DepartmentMembership.objects.create(agent=agent, department=urbanisme)
    return agent


@pytest.fixture
def tree(urbanisme, chef):
    space = actions.do_open_department_space(urbanisme)
    root = Node.objects.select_related("space").get(space=space, parent=None)
    plans = actions.do_create_folder(chef, root, "Plans")
    budget = actions.do_create_folder(chef, root, "Budget secret")
    secret = actions.do_create_folder(chef, plans, "Confidentiel")
    note = actions.do_upload(chef, secret, "note.txt", [b"note"])
    return {"root": root, "plans": plans, "budget": budget, "secret": secret, "note": note}


@pytest.fixture
def shared_plans(tree, chef, agent_voirie):
    """Plans shared with the Voirie agent as a reader."""
    return actions.do_share(chef, tree["plans"], agent_voirie, "reader")


def test_an_agent_sees_what_is_shared_with_them_and_only_the_way_to_it(
    client, tree, shared_plans, agent_voirie
):
    client.force_login(agent_voirie)

    home = client.get("/drive/").content.decode()
    root_page = client.get(f"/drive/dossiers/{tree['root'].pk}/").content.decode()
    plans_page = client.get(f"/drive/dossiers/{tree['plans'].pk}/").content.decode()
    shared = client.get("/drive/partages/").content.decode()

    assert "Urbanisme" in home
    assert "Plans" in root_page
    assert "Budget secret" not in root_page
    assert "Confidentiel" in plans_page
    assert "Plans" in shared
    assert "lecteur" in shared
    assert client.get(f"/drive/dossiers/{tree['budget'].pk}/").status_code == 404
    assert client.get(f"/drive/fichiers/{tree['note'].pk}/").status_code == 200


def test_a_reader_sees_no_write_button_and_is_refused(client, tree, shared_plans, agent_voirie):
    client.force_login(agent_voirie)
    plans = tree["plans"]

    page = client.get(f"/drive/dossiers/{plans.pk}/").content.decode()
    created = client.post(f"/drive/dossiers/{plans.pk}/nouveau-dossier/", {"name": "Intrus"})
    hidden = client.post(f"/drive/dossiers/{tree['budget'].pk}/nouveau-dossier/", {"name": "X"})
    file_page = client.get(f"/drive/fichiers/{tree['note'].pk}/").content.decode()

    assert "nouveau-dossier/" not in page
    assert "envoyer/" not in page
    assert "renommer/" not in file_page
    assert created.status_code == 403
    assert hidden.status_code == 404
    assert not Node.objects.filter(name__in=["Intrus", "X"]).exists()


def test_a_manager_shares_changes_the_role_and_takes_the_share_back(
    client, tree, chef, agent_voirie
):
    client.force_login(chef)
    plans = tree["plans"]

    page = client.get(f"/drive/elements/{plans.pk}/partage/").content.decode()
    added = client.post(
        f"/drive/elements/{plans.pk}/partage/ajouter/",
        {"beneficiaire": f"agent:{agent_voirie.pk}", "role": "editor"},
    )
    share = Share.objects.get(node=plans, agent=agent_voirie)
    changed = client.post(f"/drive/partages/{share.pk}/role/", {"role": "reader"})
    role_after_change = Share.objects.get(pk=share.pk).role
    removed = client.post(f"/drive/partages/{share.pk}/retirer/")

    assert "Partager avec" in page
    assert str(agent_voirie.pk) in page
    assert added.status_code == changed.status_code == removed.status_code == 302
    assert share.role == "editor"
    assert role_after_change == "reader"
    assert not Share.objects.filter(pk=share.pk).exists()
    events = list(
        AuditEvent.objects.filter(action__startswith="files.share.")
        .order_by("id")
        .values_list("action", "actor_id")
    )
    assert events == [
        ("files.share.created", chef.pk),
        ("files.share.role_changed", chef.pk),
        ("files.share.deleted", chef.pk),
    ]


def test_a_manager_shares_with_a_department(client, tree, chef, voirie):
    client.force_login(chef)

    client.post(
        f"/drive/elements/{tree['plans'].pk}/partage/ajouter/",
        {"beneficiaire": f"service:{voirie.pk}", "role": "reader"},
    )
    nobody = client.post(
        f"/drive/elements/{tree['plans'].pk}/partage/ajouter/",
        {"beneficiaire": "service:pas-un-id", "role": "reader"},
    )

    assert Share.objects.get(node=tree["plans"]).department == voirie
    assert nobody.status_code == 302
    assert Share.objects.count() == 1


def test_a_manager_stops_and_resumes_inheritance(client, tree, chef):
    client.force_login(chef)
    secret = tree["secret"]

    client.post(f"/drive/elements/{secret.pk}/heritage/", {"herite": "non"})
    stopped = Node.objects.get(pk=secret.pk).stops_inheritance
    client.post(f"/drive/elements/{secret.pk}/heritage/", {"herite": "oui"})

    assert stopped is True
    assert Node.objects.get(pk=secret.pk).stops_inheritance is False
    assert list(
        AuditEvent.objects.filter(action__startswith="files.inheritance.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["files.inheritance.stopped", "files.inheritance.resumed"]


def test_only_managers_change_the_sharing(client, tree, paul, agent_voirie, shared_plans):
    """An editor or a reader gets 403 and sees no form; someone who sees nothing gets 404."""
    plans = tree["plans"]
    client.force_login(paul)
    page = client.get(f"/drive/elements/{plans.pk}/partage/").content.decode()
    as_editor = [
        client.post(
            f"/drive/elements/{plans.pk}/partage/ajouter/",
            {"beneficiaire": f"agent:{paul.pk}", "role": "manager"},
        ),
        client.post(f"/drive/partages/{shared_plans.pk}/role/", {"role": "manager"}),
        client.post(f"/drive/partages/{shared_plans.pk}/retirer/"),
        client.post(f"/drive/elements/{tree['secret'].pk}/heritage/", {"herite": "non"}),
    ]
    client.force_login(agent_voirie)
    as_reader = client.post(f"/drive/partages/{shared_plans.pk}/retirer/")
    hidden = client.get(f"/drive/elements/{tree['budget'].pk}/partage/")

    assert "Partager avec" not in page
    assert [r.status_code for r in as_editor] == [403, 403, 403, 403]
    assert as_reader.status_code == 403
    assert hidden.status_code == 404
    assert Share.objects.get(pk=shared_plans.pk).role == "reader"
    assert not AuditEvent.objects.filter(action="files.share.deleted").exists()


def test_why_can_someone_see_this(client, tree, chef, paul, agent_voirie, shared_plans):
    """A manager asks about anyone; others only about themselves."""
    plans = tree["plans"]
    client.force_login(chef)
    about_voirie = client.get(f"/drive/elements/{plans.pk}/partage/?pour={agent_voirie.pk}")
    client.force_login(agent_voirie)
    about_me = client.get(f"/drive/elements/{plans.pk}/partage/").content.decode()
    about_paul = client.get(f"/drive/elements/{plans.pk}/partage/?pour={paul.pk}")

    assert about_voirie.status_code == 200
    assert agent_voirie.display_name in about_voirie.content.decode()
    assert "Rôle : lecteur" in about_voirie.content.decode()
    assert "Rôle : lecteur" in about_me
    assert about_paul.status_code == 404


def test_the_trash_page_restores_and_purges(client, tree, chef, paul):
    client.force_login(paul)
    note = tree["note"]
    plan = actions.do_upload(paul, tree["plans"], "plan.pdf", [b"%PDF"])
    actions.do_trash(paul, note)
    actions.do_trash(paul, plan)

    page = client.get("/drive/espaces/urbanisme/corbeille/").content.decode()
    restored = client.post(f"/drive/corbeille/{note.pk}/restaurer/")
    purged = client.post(f"/drive/corbeille/{plan.pk}/purger/")

    assert "note.txt" in page
    assert "plan.pdf" in page
    assert restored.status_code == purged.status_code == 302
    assert Node.objects.get(pk=note.pk).trashed_at is None
    assert not Node.objects.filter(pk=plan.pk).exists()
    assert set(
        AuditEvent.objects.filter(
            actor_id=paul.pk, action__in=["files.node.restored", "files.node.purged"]
        ).values_list("action", flat=True)
    ) == {"files.node.restored", "files.node.purged"}


def test_emptying_the_trash_purges_a_folder_and_a_file_deleted_from_it_before(
    client, tree, chef, paul
):
    """A file trashed, then the folder it was in: emptying purges both without tripping over
    the file already gone with its folder, and says how many items went."""
    client.force_login(paul)
    plan = actions.do_upload(paul, tree["plans"], "plan.pdf", [b"%PDF"])
    actions.do_trash(paul, plan)
    actions.do_trash(paul, tree["plans"])
    actions.do_trash(paul, tree["note"])

    page = client.get("/drive/espaces/urbanisme/corbeille/").content.decode()
    emptied = client.post("/drive/espaces/urbanisme/corbeille/vider/", follow=True)

    assert "Vider la corbeille" in page
    assert "3 éléments sont supprimés définitivement." in emptied.content.decode()
    assert not Node.objects.filter(space=tree["plans"].space, trashed_at__isnull=False).exists()
    assert not Node.objects.filter(pk__in=[plan.pk, tree["plans"].pk]).exists()
    assert "La corbeille est vide." in emptied.content.decode()


def test_a_reader_cannot_empty_the_trash(client, tree, chef, agent_voirie, shared_plans):
    actions.do_trash(chef, tree["note"])
    client.force_login(agent_voirie)

    page = client.get("/drive/espaces/urbanisme/corbeille/").content.decode()
    emptied = client.post("/drive/espaces/urbanisme/corbeille/vider/")

    assert "Vider la corbeille" not in page
    assert emptied.status_code in (302, 404)
    assert Node.objects.get(pk=tree["note"].pk).trashed_at is not None


def test_a_reader_may_not_restore_or_purge(client, tree, chef, agent_voirie, shared_plans):
    note = tree["note"]
    actions.do_trash(chef, note)
    client.force_login(agent_voirie)

    page = client.get("/drive/espaces/urbanisme/corbeille/").content.decode()
    restored = client.post(f"/drive/corbeille/{note.pk}/restaurer/")
    purged = client.post(f"/drive/corbeille/{note.pk}/purger/")

    assert "restaurer/" not in page
    assert restored.status_code == purged.status_code == 403
    assert Node.objects.get(pk=note.pk).trashed_at is not None


def test_the_file_page_lists_versions_and_restores_one(client, tree, paul):
    with time_machine.travel(NOW, tick=True):
        node = actions.do_upload(paul, tree["plans"], "cr.txt", [b"premier"])
    with time_machine.travel(NOW + timedelta(hours=1), tick=True):
        actions.do_upload(paul, tree["plans"], "cr.txt", [b"deuxieme"])
    first = Version.objects.filter(node=node).order_by("created_at").first()
    assert first is not None
    client.force_login(paul)

    page = client.get(f"/drive/fichiers/{node.pk}/").content.decode()
    restored = client.post(f"/drive/fichiers/{node.pk}/versions/{first.pk}/restaurer/")

    assert "(version actuelle)" in page
    assert f"/versions/{first.pk}/restaurer/" in page
    assert restored.status_code == 302
    assert Version.objects.filter(node=node).count() == 3
    assert Node.objects.get(pk=node.pk).size == len(b"premier")
    assert AuditEvent.objects.filter(action="files.version.restored", actor_id=paul.pk).exists()


def test_a_reader_may_not_restore_a_version(client, tree, chef, agent_voirie, shared_plans):
    with time_machine.travel(NOW, tick=True):
        node = actions.do_upload(chef, tree["plans"], "cr.txt", [b"premier"])
    with time_machine.travel(NOW + timedelta(hours=1), tick=True):
        actions.do_upload(chef, tree["plans"], "cr.txt", [b"deuxieme"])
    first = Version.objects.filter(node=node).order_by("created_at").first()
    assert first is not None
    client.force_login(agent_voirie)

    page = client.get(f"/drive/fichiers/{node.pk}/").content.decode()
    refused = client.post(f"/drive/fichiers/{node.pk}/versions/{first.pk}/restaurer/")

    assert "restaurer/" not in page
    assert refused.status_code == 403
    assert Version.objects.filter(node=node).count() == 2


def test_the_space_page_shows_its_quota(client, tree, chef, settings):
    client.force_login(chef)

    page = client.get(f"/drive/dossiers/{tree['root'].pk}/").content.decode()

    assert "Espace utilisé" in page
