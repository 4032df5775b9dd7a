"""Quotas over WebDAV and the API: a body that does not fit is refused with 507 Insufficient
Storage and a French message, before anything is committed; versions and the trash count."""

from __future__ import annotations

import html

from django.core.files.uploadedfile import SimpleUploadedFile

from beffroi.files import access, actions
from beffroi.files.models import Node, Version
from beffroi.files.tests.public_link_helpers import api_client


def _limit_personal_drive(agent, size: int) -> None:
    space = actions.do_open_personal_space(agent)
    space.quota_bytes = size
    space.save(update_fields=["quota_bytes"])


def test_a_put_declared_over_the_quota_answers_507(dav, agent_voirie):
    """Content-Length says 3 KiB, 2 KiB are left: refused at once; nothing appears."""
    _limit_personal_drive(agent_voirie, 2048)

    answer = dav.request("PUT", f"/{agent_voirie.username}/gros.bin", b"x" * 3072)

    assert answer.status == 507
    assert "L'espace est plein" in html.unescape(answer.body.decode())
    assert not Node.objects.filter(name="gros.bin").exists()


def test_a_chunked_put_is_stopped_as_soon_as_it_crosses_the_quota(dav, agent_voirie):
    """No declared length: the stream is counted as it comes and cut at the line."""
    _limit_personal_drive(agent_voirie, 100_000)

    answer = dav.request(
        "PUT",
        f"/{agent_voirie.username}/flux.bin",
        b"y" * 300_000,
        headers={"Transfer-Encoding": "chunked"},
    )

    assert answer.status == 507
    assert not Node.objects.filter(name="flux.bin").exists()


def test_older_versions_and_the_trash_count_against_the_quota(dav, agent_voirie):
    """Overwriting keeps the old version, deleting keeps the file in the trash: both use room,
    until purged."""
    _limit_personal_drive(agent_voirie, 10_000)
    path = f"/{agent_voirie.username}/rapport.txt"
    assert dav.request("PUT", path, b"a" * 4000).status == 201
    assert dav.request("PUT", path, b"b" * 4000).status == 204
    assert dav.request("PUT", path, b"c" * 4000).status == 507  # 12,000 > 10,000
    node = Node.objects.get(name="rapport.txt")
    assert Version.objects.filter(node=node).count() == 2

    assert dav.request("DELETE", path).status == 204
    assert dav.request("PUT", f"/{agent_voirie.username}/autre.txt", b"d" * 4000).status == 507
    actions.do_purge(agent_voirie, node)
    assert dav.request("PUT", f"/{agent_voirie.username}/autre.txt", b"d" * 4000).status == 201

    space = actions.do_open_personal_space(agent_voirie)
    usage = api_client(agent_voirie).get(f"/api/v1/files/spaces/{space.id}/usage").json()
    assert usage == {
        "limit": 10_000,
        "used": 4000,
        "available": 6000,
        "current": 4000,
        "versions": 0,
        "trash": 0,
    }


def test_the_api_upload_over_the_quota_answers_507_in_french(agent_voirie):
    """The drive's upload endpoint: 507 with the error shape and a message an agent reads."""
    _limit_personal_drive(agent_voirie, 1000)
    root = access.access_root(agent_voirie, actions.do_open_personal_space(agent_voirie))

    answer = api_client(agent_voirie).post(
        f"/api/v1/files/nodes/{root.id}/files",
        {"file": SimpleUploadedFile("budget.ods", b"z" * 5000)},
    )

    assert answer.status_code == 507
    body = answer.json()
    assert body["code"] == "quota_depasse"
    assert body["message"].startswith("L'espace est plein")
    assert "corbeille" in body["message"]
    assert not Node.objects.filter(name="budget.ods").exists()


def test_usage_is_readable_by_those_who_see_the_space_only(agent_voirie, agent_finances):
    space = actions.do_open_personal_space(agent_voirie)
    assert api_client(agent_voirie).get(f"/api/v1/files/spaces/{space.id}/usage").status_code == 200
    assert (
        api_client(agent_finances).get(f"/api/v1/files/spaces/{space.id}/usage").status_code == 404
    )


def test_an_administrator_sets_a_space_quota(maire, agent_voirie):
    """Through the API; an agent may not change their own."""
    space = actions.do_open_personal_space(agent_voirie)
    refused = api_client(agent_voirie).put(
        f"/api/v1/files/spaces/{space.id}/quota",
        {"quota_bytes": 0},
        content_type="application/json",
    )
    answer = api_client(maire).put(
        f"/api/v1/files/spaces/{space.id}/quota",
        {"quota_bytes": 5 * 2**30},
        content_type="application/json",
    )

    assert refused.status_code == 404
    assert answer.status_code == 200
    assert answer.json()["limit"] == 5 * 2**30
    space.refresh_from_db()
    assert space.quota_bytes == 5 * 2**30


def test_a_copy_that_would_cross_the_quota_is_undone(dav, agent_voirie):
    """A COPY adds versions too: over the quota it answers 507 and leaves no copy."""
    _limit_personal_drive(agent_voirie, 6000)
    base = f"/{agent_voirie.username}"
    assert dav.request("PUT", f"{base}/original.txt", b"o" * 4000).status == 201

    answer = dav.request(
        "COPY",
        f"{base}/original.txt",
        headers={"Destination": f"/dav/files{base}/copie.txt", "Host": "testserver"},
    )

    assert answer.status == 507, answer.body
    assert not Node.objects.filter(name="copie.txt").exists()
