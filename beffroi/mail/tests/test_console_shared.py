"""The console's shared mailboxes: the commune's administrator creates urbanisme@, gives Karim
read and « envoyer en tant que », Sophie read only, the Conseil group read, adds an alias and a
quota — each change audited, each mistake explained in French, nothing for anyone else."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from playwright.sync_api import expect

from beffroi.audit.models import AuditEvent
from beffroi.directory.actions import do_create_group, do_set_group_members
from beffroi.mail.access import access_sending_addresses
from beffroi.mail.models import Alias, Delegation, Mailbox
from beffroi.mail.policies import abilities
from beffroi.mail.queries import mailbox_for_address
from beffroi.web.tests.browser import assert_accessible, assert_fits_width, screenshot

pytestmark = pytest.mark.django_db

URBANISME = "urbanisme@ville-exemple.fr"
PAGE = "/console/messagerie/boites-partagees/"


def _admin(maire) -> Client:
    client = Client()
    client.force_login(maire)
    return client


def _text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


@pytest.fixture
def urbanisme(domain, maire) -> Mailbox:
    response = _admin(maire).post(
        PAGE,
        {"local_part": "urbanisme", "domain": domain.pk, "name": "Service urbanisme", "quota": ""},
    )
    mailbox = Mailbox.objects.get(address=URBANISME)
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}{mailbox.pk}/"
    return mailbox


def _post(client: Client, mailbox: Mailbox, **data: object):
    return client.post(f"{PAGE}{mailbox.pk}/", data, follow=True)


def test_an_administrator_sets_up_a_service_mailbox(
    urbanisme, maire, agent_voirie, agent_finances, elu
):
    admin = _admin(maire)
    assert urbanisme.kind == Mailbox.Kind.SHARED
    assert [f.special_use for f in urbanisme.folders.order_by("special_use")] == [
        "archive", "drafts", "inbox", "junk", "sent", "trash",
    ]  # fmt: skip

    _post(admin, urbanisme, action="delegation", **{
        "delegation-agent": agent_voirie.pk, "delegation-read": "on", "delegation-send_as": "on",
    })  # fmt: skip
    _post(admin, urbanisme, action="delegation", **{
        "delegation-agent": agent_finances.pk, "delegation-read": "on",
    })  # fmt: skip
    group = do_create_group(name="Commission urbanisme", description="", acting=maire)
    do_set_group_members(group, [elu], acting=maire)
    page = _text(_post(admin, urbanisme, action="delegation", **{
        "delegation-group": group.pk, "delegation-read": "on",
    }))  # fmt: skip
    assert "Les droits sont enregistrés." in page
    assert "Groupe « Commission urbanisme »" in page

    assert abilities(agent_voirie, urbanisme).send_as
    assert URBANISME in access_sending_addresses(agent_voirie).as_self
    assert abilities(agent_finances, urbanisme).read
    assert not abilities(agent_finances, urbanisme).send_as
    assert abilities(elu, urbanisme).read  # through the group

    _post(admin, urbanisme, action="alias", **{"alias-alias": "permis@ville-exemple.fr"})
    assert mailbox_for_address("permis@ville-exemple.fr") == urbanisme
    _post(admin, urbanisme, action="quota", **{"quota-quota": "2048"})
    urbanisme.refresh_from_db()
    assert urbanisme.quota_bytes == 2048 * 1024 * 1024

    # Sophie's delegation withdrawn, the alias removed.
    sophie = Delegation.objects.get(mailbox=urbanisme, agent=agent_finances)
    _post(admin, urbanisme, action="revoke", delegation=str(sophie.pk))
    assert not abilities(agent_finances, urbanisme).read
    alias = Alias.objects.get(address="permis@ville-exemple.fr")
    _post(admin, urbanisme, action="remove_alias", alias=str(alias.pk))
    assert mailbox_for_address("permis@ville-exemple.fr") is None

    listed = _text(admin.get(PAGE))
    assert "urbanisme@ville-exemple.fr" in listed
    assert (
        "Karim Benali, Commission urbanisme" in listed
        or "Commission urbanisme, Karim Benali" in listed
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "mail.mailbox_created", "mail.delegation_changed", "mail.alias_added",
        "mail.alias_removed", "mail.quota_changed",
    } <= actions  # fmt: skip


def test_mistakes_are_explained_and_change_nothing(urbanisme, domain, maire, agent_voirie):
    admin = _admin(maire)
    taken = admin.post(
        PAGE, {"local_part": "urbanisme", "domain": domain.pk, "name": "Doublon", "quota": ""}
    )
    assert taken.status_code == 422
    assert Mailbox.objects.filter(address=URBANISME).count() == 1
    bad = admin.post(
        PAGE, {"local_part": "ur ba@nisme", "domain": domain.pk, "name": "X", "quota": ""}
    )
    assert bad.status_code == 422
    neither = _post(admin, urbanisme, action="delegation", **{"delegation-read": "on"})
    assert "Choisissez un agent ou un groupe" in _text(neither)
    outside_alias = _post(admin, urbanisme, action="alias", **{"alias-alias": "x@ailleurs.example"})
    assert outside_alias.status_code == 422
    assert not Alias.objects.exists()
    too_big = _post(admin, urbanisme, action="quota", **{"quota-quota": "-1"})
    assert too_big.status_code == 422
    for malformed in ({"action": "revoke", "delegation": "pas-un-uuid"}, {"action": "inconnue"}):
        assert admin.post(f"{PAGE}{urbanisme.pk}/", malformed).status_code == 404
    assert not Delegation.objects.exists()


def test_nobody_else_reaches_the_pages(urbanisme, agent_voirie, agent_finances):
    from beffroi.mail.actions import do_grant_delegation

    do_grant_delegation(urbanisme, agent_voirie, read=True, send_as=True, acting=None)
    karim = Client()
    karim.force_login(agent_voirie)
    assert karim.get(PAGE).status_code == 404
    assert karim.get(f"{PAGE}{urbanisme.pk}/").status_code == 404
    response = karim.post(
        f"{PAGE}{urbanisme.pk}/",
        {"action": "delegation", "delegation-agent": agent_finances.pk, "delegation-read": "on"},
    )
    assert response.status_code == 404
    assert not Delegation.objects.filter(agent=agent_finances).exists()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_shared_mailbox_pages_pass_axe(request, live_server, viewport, maire, urbanisme):
    from beffroi.web.tests.browser import sign_in_with_keyboard

    page, problems = request.getfixturevalue(viewport)
    page.goto(f"{live_server.url}/connexion/")
    sign_in_with_keyboard(page, maire)
    page.goto(f"{live_server.url}{PAGE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Boîtes partagées")
    assert_accessible(page)
    assert_fits_width(page)
    page.get_by_role("link", name=URBANISME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Service urbanisme")
    page.get_by_label("Agent", exact=True).select_option(label="Karim Benali (agent.voirie)")
    page.get_by_label("Envoyer en tant que").check()
    page.get_by_role("button", name="Enregistrer les droits").click()
    expect(page.get_by_role("status").filter(has_text="Les droits sont enregistrés.")).to_have_text(
        "Les droits sont enregistrés."
    )
    screenshot(page, f"console-{viewport}-boite-partagee")
    assert_accessible(page)
    assert_fits_width(page)
    assert not problems, "\n".join(problems)
