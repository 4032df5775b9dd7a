"""The drive's API, as a script with an app password would use it."""

from __future__ import annotations

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from beffroi.audit.models import AuditEvent
from beffroi.directory.actions.app_passwords import do_create_app_password
from beffroi.directory.models import Department, DepartmentMembership
from beffroi.directory.tests.factories import AgentFactory
from beffroi.files import actions
from beffroi.files.models import Node, Share


def _client(agent) -> Client:
    _, secret = do_create_app_password(agent, "script", ["api"])
    token = base64.b64encode(f"{agent.username}:{secret}".encode()).decode()
    return Client(HTTP_AUTHORIZATION=f"Basic {token}")


@pytest.fixture
def urbanisme(db) -> Department:
    return Department.objects.create(code="URBANISME", name="Urbanisme")


@pytest.fixture
def chef(urbanisme):
    agent = AgentFactory(username="chef.urbanisme")
    DepartmentMembership.objects.create(agent=agent, department=urbanisme, is_manager=True)
    return agent


@pytest.fixture
def plans(urbanisme, chef) -> Node:
    space = actions.do_open_department_space(urbanisme)
    root = Node.objects.select_related("space").get(space=space, parent=None)
    return actions.do_create_folder(chef, root, "Plans")


def test_a_manager_shares_a_folder_then_changes_and_withdraws_the_role(
    plans, chef, voirie, agent_voirie
):
    api = _client(chef)

    created = api.post(
        f"/api/v1/files/nodes/{plans.pk}/shares",
        {"role": "reader", "department_id": str(voirie.pk)},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    share = created.json()
    assert share["grantee"] == {"kind": "department", "id": str(voirie.pk), "name": "Voirie"}
    assert api.get(f"/api/v1/files/nodes/{plans.pk}/shares").json()[0]["role"] == "reader"

    changed = api.patch(
        f"/api/v1/files/shares/{share['id']}", {"role": "editor"}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert Share.objects.get().role == "editor"

    assert api.delete(f"/api/v1/files/shares/{share['id']}").status_code == 204
    assert not Share.objects.exists()
    assert AuditEvent.objects.filter(action__startswith="files.share.").count() == 3


def test_a_share_names_exactly_one_grantee(plans, chef, voirie, agent_voirie):
    answer = _client(chef).post(
        f"/api/v1/files/nodes/{plans.pk}/shares",
        {"role": "reader", "department_id": str(voirie.pk), "agent_id": str(agent_voirie.pk)},
        content_type="application/json",
    )

    assert answer.status_code == 422
    assert answer.json()["code"] == "donnees_invalides"
    assert not Share.objects.exists()


def test_a_reader_may_not_share(plans, chef, voirie, agent_voirie, agent_finances):
    actions.do_share(chef, plans, voirie, "reader")

    answer = _client(agent_voirie).post(
        f"/api/v1/files/nodes/{plans.pk}/shares",
        {"role": "manager", "agent_id": str(agent_finances.pk)},
        content_type="application/json",
    )

    assert answer.status_code == 403
    assert Share.objects.count() == 1


def test_shared_with_me_spaces_and_explanation(plans, chef, voirie, agent_voirie):
    actions.do_share(chef, plans, voirie, "reader")
    api = _client(agent_voirie)

    shared = api.get("/api/v1/files/shared-with-me").json()
    spaces = {space["slug"]: space for space in api.get("/api/v1/files/spaces").json()}
    why = api.get(f"/api/v1/files/nodes/{plans.pk}/explanation").json()

    assert [(item["path"], item["node"]["abilities"]["role"]) for item in shared] == [
        ("/Plans", "reader")
    ]
    assert spaces["urbanisme"]["abilities"]["traverse"] is True
    assert spaces["urbanisme"]["abilities"]["read"] is False
    assert spaces["voirie"]["abilities"]["role"] == "editor"
    assert why["abilities"]["role"] == "reader"
    assert [reason["code"] for reason in why["reasons"]] == ["share"]


def test_only_a_manager_asks_why_someone_else_sees_a_node(plans, chef, agent_voirie):
    about_voirie = f"/api/v1/files/nodes/{plans.pk}/explanation?agent_id={agent_voirie.pk}"

    assert _client(chef).get(about_voirie).json()["reasons"] == []
    other = AgentFactory(username="paul.girard")
    DepartmentMembership.objects.create(agent=other, department=plans.space.department)
    assert _client(other).get(about_voirie).status_code == 404


def test_upload_download_rename_and_trash(plans, chef):
    api = _client(chef)

    uploaded = api.post(
        f"/api/v1/files/nodes/{plans.pk}/files",
        {"file": SimpleUploadedFile("relevé.csv", b"a;b\n1;2\n", content_type="text/csv")},
    )
    assert uploaded.status_code == 201, uploaded.content
    node_id = uploaded.json()["id"]
    download = api.get(f"/api/v1/files/nodes/{node_id}/content")
    assert b"".join(download.streaming_content) == b"a;b\n1;2\n"  # type: ignore[attr-defined]
    assert "relev%C3%A9.csv" in download["Content-Disposition"]

    renamed = api.patch(
        f"/api/v1/files/nodes/{node_id}",
        {"name": "relevé 2026.csv"},
        content_type="application/json",
    )
    assert renamed.json()["name"] == "relevé 2026.csv"
    assert api.delete(f"/api/v1/files/nodes/{node_id}").status_code == 204
    assert Node.objects.get(pk=node_id).trashed_at is not None
    assert api.get(f"/api/v1/files/nodes/{node_id}").status_code == 404


def test_stopping_inheritance_over_the_api(plans, chef, voirie, agent_voirie):
    actions.do_share(chef, plans, voirie, "reader")
    secret = actions.do_create_folder(chef, plans, "Confidentiel")

    answer = _client(chef).put(
        f"/api/v1/files/nodes/{secret.pk}/inheritance",
        {"inherits": False},
        content_type="application/json",
    )

    assert answer.status_code == 200
    assert answer.json()["stops_inheritance"] is True
    assert _client(agent_voirie).get(f"/api/v1/files/nodes/{secret.pk}").status_code == 404


def test_an_empty_file_is_a_file_in_the_api(plans, chef):
    """A zero-byte file (a placeholder, an empty export) is stored and read back as one."""
    api = _client(chef)
    uploaded = api.post(
        f"/api/v1/files/nodes/{plans.pk}/files",
        {"file": SimpleUploadedFile("vide.txt", b"", content_type="text/plain")},
    )
    assert uploaded.status_code == 201, uploaded.content
    assert uploaded.json()["size"] == 0
    download = api.get(f"/api/v1/files/nodes/{uploaded.json()['id']}/content")
    assert b"".join(download.streaming_content) == b""  # type: ignore[attr-defined]
