"""Read-only public links: a file or a folder for anyone holding the address, with an optional
password, an expiry date and a download limit; revocable; every visit logged and audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from beffroi.audit.models import AuditEvent
from beffroi.core.errors import InvalidInput, NotAllowed
from beffroi.files import access, actions
from beffroi.files.models import Node, PublicLink, PublicLinkAccess
from beffroi.files.tests.public_link_helpers import api_client, main_of, personal_root


@pytest.fixture
def tree(agent_voirie) -> Node:
    """Karim's personal drive: Chantiers/{planning.txt, Photos/rue.jpg}, and Privé/ beside."""
    root = personal_root(agent_voirie)
    chantiers = actions.do_create_folder(agent_voirie, root, "Chantiers")
    actions.do_upload(agent_voirie, chantiers, "planning.txt", [b"lundi: rue Hugo"])
    photos = actions.do_create_folder(agent_voirie, chantiers, "Photos")
    actions.do_upload(agent_voirie, photos, "rue.jpg", [b"\xff\xd8jpeg"])
    private = actions.do_create_folder(agent_voirie, root, "Privé")
    actions.do_upload(agent_voirie, private, "notes.txt", [b"ne pas publier"])
    return chantiers


def test_a_folder_link_lists_and_downloads_below_it_and_nothing_above(agent_voirie, tree):
    """Browse into sub-folders and download; « .. » and neighbours stay out of reach."""
    link = actions.do_create_link(agent_voirie, tree, kind=PublicLink.Kind.READ)
    visitor = Client()

    page = visitor.get(f"/p/{link.token}/").content.decode()
    sub = visitor.get(f"/p/{link.token}/dossier/Photos/")
    got = visitor.get(f"/p/{link.token}/telecharger/Photos/rue.jpg")
    escapes = [
        visitor.get(f"/p/{link.token}/telecharger/../Privé/notes.txt"),
        visitor.get(f"/p/{link.token}/telecharger/%2e%2e/Privé/notes.txt"),
        visitor.get(f"/p/{link.token}/dossier/../"),
    ]

    assert "planning.txt" in page
    assert "Photos" in page
    assert "Privé" not in page
    assert sub.status_code == 200
    assert "rue.jpg" in sub.content.decode()
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == b"\xff\xd8jpeg"  # type: ignore[attr-defined]
    assert 'attachment; filename="rue.jpg"' in got["Content-Disposition"]
    for answer in escapes:
        assert answer.status_code == 404
    events = set(PublicLinkAccess.objects.filter(link=link).values_list("event", flat=True))
    assert events == {"view", "download"}


def test_a_password_protected_link_asks_for_it_and_logs_wrong_ones(agent_voirie, tree):
    """Locked until the right password; a wrong one is refused (401), logged, then slowed."""
    link = actions.do_create_link(
        agent_voirie, tree, kind=PublicLink.Kind.READ, password="rue-hugo-2026"
    )
    assert link.password_hash.startswith(("md5$", "argon2"))
    assert "rue-hugo" not in link.password_hash
    visitor = Client()

    locked = visitor.get(f"/p/{link.token}/")
    blocked_download = visitor.get(f"/p/{link.token}/telecharger/planning.txt")
    wrong = visitor.post(f"/p/{link.token}/mot-de-passe/", {"password": "devine"})
    right = visitor.post(f"/p/{link.token}/mot-de-passe/", {"password": "rue-hugo-2026"})
    opened = visitor.get(f"/p/{link.token}/")

    assert locked.status_code == 401
    assert "mot de passe" in locked.content.decode().lower()
    assert "planning.txt" not in locked.content.decode()
    assert blocked_download.status_code == 401
    assert wrong.status_code == 401
    assert "pas le bon" in wrong.content.decode()
    assert right.status_code == 302
    assert opened.status_code == 200
    assert "planning.txt" in opened.content.decode()
    assert PublicLinkAccess.objects.filter(link=link, event="wrong_password").count() == 1


def test_password_guesses_are_slowed_down(agent_voirie, tree, settings):
    """After the free attempts, the next one waits (429 with Retry-After), even if right."""
    settings.SIGN_IN_FREE_ATTEMPTS = 2
    link = actions.do_create_link(agent_voirie, tree, kind=PublicLink.Kind.READ, password="bon")
    visitor = Client()
    for guess in ("a", "b"):
        visitor.post(f"/p/{link.token}/mot-de-passe/", {"password": guess})
    slowed = visitor.post(f"/p/{link.token}/mot-de-passe/", {"password": "bon"})

    assert slowed.status_code == 429
    assert int(slowed["Retry-After"]) >= 1
    assert "Trop de tentatives" in slowed.content.decode()


def test_a_download_limit_is_kept_then_the_link_closes(agent_voirie, tree):
    """Two downloads allowed: the third answers the link's 404, and is logged."""
    planning = Node.objects.get(name="planning.txt")
    link = actions.do_create_link(
        agent_voirie, planning, kind=PublicLink.Kind.READ, max_downloads=2
    )
    visitor = Client()
    first = visitor.get(f"/p/{link.token}/telecharger/")
    second = visitor.get(f"/p/{link.token}/telecharger/")
    third = visitor.get(f"/p/{link.token}/telecharger/")
    page = visitor.get(f"/p/{link.token}/")

    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 404]
    assert page.status_code == 404
    link.refresh_from_db()
    assert link.download_count == 2
    assert PublicLinkAccess.objects.filter(link=link, event="exhausted").exists()


def test_a_revoked_link_answers_like_a_missing_one_and_both_steps_are_audited(agent_voirie, tree):
    """Created and revoked through the API; the page then is the missing-link page."""
    api = api_client(agent_voirie)
    created = api.post(
        f"/api/v1/files/nodes/{tree.id}/links",
        {"kind": "read", "label": "Chantiers pour l'entreprise"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "active"
    assert body["url"].startswith("/p/")
    visitor = Client()
    assert visitor.get(body["url"]).status_code == 200

    revoked = api.delete(f"/api/v1/files/links/{body['id']}")
    after = visitor.get(body["url"])
    missing = visitor.get("/p/inconnu/")

    assert revoked.status_code == 204
    assert after.status_code == 404
    assert main_of(after.content) == main_of(missing.content)
    assert api.get(f"/api/v1/files/links/{body['id']}").json()["state"] == "revoked"
    actions_seen = set(
        AuditEvent.objects.filter(target_id=body["id"]).values_list("action", flat=True)
    )
    assert actions_seen == {"files.link.created", "files.link.revoked"}
    assert PublicLinkAccess.objects.filter(link_id=body["id"], event="revoked").exists()


def test_links_need_the_share_ability_and_sane_options(agent_voirie, tree, voirie):
    """A mere member of a department may not publish its files; a deposit box is a folder;
    an expiry is in the future; and the API says so in French."""
    own_root = personal_root(agent_voirie)
    space = actions.do_open_department_space(voirie)
    voirie_root = access.access_root(agent_voirie, space)
    with pytest.raises(NotAllowed):
        actions.do_create_link(agent_voirie, voirie_root, kind=PublicLink.Kind.READ)
    planning = Node.objects.get(name="planning.txt")
    with pytest.raises(InvalidInput):
        actions.do_create_link(agent_voirie, planning, kind=PublicLink.Kind.DEPOSIT)
    with pytest.raises(InvalidInput):
        actions.do_create_link(
            agent_voirie,
            own_root,
            kind=PublicLink.Kind.READ,
            expires_at=timezone.now() - timedelta(minutes=1),
        )
    answer = api_client(agent_voirie).post(
        f"/api/v1/files/nodes/{voirie_root.id}/links",
        {"kind": "read"},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "interdit"
    assert not PublicLink.objects.filter(node=voirie_root).exists()
