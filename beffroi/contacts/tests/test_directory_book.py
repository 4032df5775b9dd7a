"""The organisation's global address book, generated from the directory: every active agent and
none who departed (issue 5, done-when 5), read-only, with ETags and a sync token that follow
the directory."""

from __future__ import annotations

import pytest
from defusedxml.ElementTree import fromstring

from beffroi.contacts.tests.conftest import dav_client
from beffroi.contacts.tests.samples import card_text
from beffroi.directory.actions import do_set_departments, do_set_status, do_update_profile
from beffroi.directory.models import Agent
from beffroi.directory.tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

NS = {"D": "DAV:", "CR": "urn:ietf:params:xml:ns:carddav", "B": "urn:beffroi:dav"}
BOOK = "/agent.voirie/annuaire/"
SYNC = (
    '<D:sync-collection xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav">'
    "<D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level>"
    "<D:prop><D:getetag/><CR:address-data/></D:prop></D:sync-collection>"
)


def _listing(dav) -> dict[str, str]:
    """Resource name → ETag of every card of the directory, as a client lists them."""
    response = dav(
        "PROPFIND", BOOK, '<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>', Depth="1"
    )
    assert response.status == 207
    found = {}
    for node in fromstring(response.body).iterfind("D:response", NS):
        href = node.findtext("D:href", namespaces=NS)
        if href.endswith(".vcf"):
            found[href.rsplit("/", 1)[-1]] = node.findtext(".//D:getetag", namespaces=NS)
    return found


def _sync(dav, token: str = ""):
    response = dav("REPORT", BOOK, SYNC.format(token=token))
    root = fromstring(response.body) if response.body else None
    return response, root


def test_the_directory_lists_every_active_agent_and_none_who_departed(
    maire, agent_voirie, agent_finances, elu, invite_externe
):
    """Active agents and elected officials are listed; a departed agent, a suspended one and a
    guest are not. Each card carries the name, job, department, phone, office and e-mail."""
    departed = AgentFactory(username="ancien", first_name="Henri", last_name="Parti")
    do_set_status(departed, Agent.Status.DEPARTED, acting=maire)
    suspended = AgentFactory(username="suspendu", first_name="Sam", last_name="Pause")
    do_set_status(suspended, Agent.Status.SUSPENDED, acting=maire)
    do_update_profile(
        agent_voirie,
        {"phone": "03 20 00 00 12", "office": "Centre technique, bureau 4"},
        acting=maire,
    )
    dav = dav_client(agent_voirie)

    listed = _listing(dav)

    active = Agent.objects.filter(status=Agent.Status.ACTIVE).exclude(kind=Agent.Kind.GUEST)
    assert sorted(listed) == sorted(f"{agent.pk}.vcf" for agent in active)
    assert {maire.pk, agent_voirie.pk, agent_finances.pk, elu.pk} <= {a.pk for a in active}
    for absent in (departed, suspended, invite_externe):
        assert f"{absent.pk}.vcf" not in listed
        assert dav("GET", f"{BOOK}{absent.pk}.vcf").status == 404
    card = dav("GET", f"{BOOK}{agent_voirie.pk}.vcf")
    assert card.status == 200
    text = card.body.decode()
    for expected in (
        f"UID:urn:uuid:{agent_voirie.pk}",
        "FN:Karim Benali",
        "TITLE:Agent de voirie",
        "ORG:Ville-Exemple;Voirie",
        "TEL;TYPE=WORK,VOICE:03 20 00 00 12",
        "ADR;TYPE=WORK:;Centre technique\\, bureau 4;;;;;",
        f"EMAIL;TYPE=INTERNET,WORK:{agent_voirie.email}",
    ):
        assert expected in text, text
    assert card.headers["ETag"] == listed[f"{agent_voirie.pk}.vcf"]


def test_the_directory_is_read_only_and_hidden_from_guests(agent_voirie, invite_externe):
    dav = dav_client(agent_voirie)
    refused = dav("PUT", f"{BOOK}nouveau.vcf", card_text("n", "Nouveau Contact"))
    assert refused.status == 403
    assert "lecture seule" in refused.body.decode()
    assert dav("DELETE", f"{BOOK}{agent_voirie.pk}.vcf").status == 403
    assert dav("DELETE", BOOK).status == 403
    guest = dav_client(invite_externe)
    assert guest("PROPFIND", "/archi.dupont/annuaire/", Depth="0").status == 404
    home = guest("PROPFIND", "/archi.dupont/", Depth="1")
    assert b"annuaire" not in home.body


def test_etags_and_the_sync_token_follow_profile_changes_and_departures(
    maire, agent_voirie, agent_finances, elu
):
    """A profile edit changes that card's ETag only and moves the token; a sync from the old
    token reports the edited card and the departed one (404); an unchanged directory keeps its
    token."""
    dav = dav_client(agent_voirie)
    before = _listing(dav)
    first, root = _sync(dav)
    assert first.status == 207
    token = root.findtext("D:sync-token", namespaces=NS)
    _again, root_again = _sync(dav, token)
    assert root_again.findtext("D:sync-token", namespaces=NS) == token
    assert root_again.findall("D:response", NS) == []

    do_update_profile(agent_finances, {"job_title": "Responsable des finances"}, acting=maire)
    do_set_status(elu, Agent.Status.DEPARTED, acting=maire)
    after = _listing(dav)
    assert after[f"{agent_finances.pk}.vcf"] != before[f"{agent_finances.pk}.vcf"]
    assert after[f"{agent_voirie.pk}.vcf"] == before[f"{agent_voirie.pk}.vcf"]
    assert f"{elu.pk}.vcf" not in after

    changes, root = _sync(dav, token)
    assert changes.status == 207
    assert root.findtext("D:sync-token", namespaces=NS) != token
    statuses = {
        node.findtext("D:href", namespaces=NS).rsplit("/", 1)[-1]: (
            node.findtext("D:status", namespaces=NS)
            or node.findtext("D:propstat/D:status", namespaces=NS)
        )
        for node in root.iterfind("D:response", NS)
    }
    assert statuses[f"{agent_finances.pk}.vcf"] == "HTTP/1.1 200 OK"
    assert statuses[f"{elu.pk}.vcf"] == "HTTP/1.1 404 Not Found"
    data = {
        node.findtext("D:href", namespaces=NS).rsplit("/", 1)[-1]: node.findtext(
            ".//CR:address-data", namespaces=NS
        )
        for node in root.iterfind("D:response", NS)
    }
    assert "TITLE:Responsable des finances" in data[f"{agent_finances.pk}.vcf"]


def test_a_removed_membership_invalidates_older_tokens(maire, agent_voirie, voirie):
    """Leaving a department deletes a row the token counted: the old token is refused with
    valid-sync-token, and the client reads the whole book again."""
    dav = dav_client(agent_voirie)
    _response, root = _sync(dav)
    token = root.findtext("D:sync-token", namespaces=NS)
    do_set_departments(agent_voirie, [], acting=maire)
    refused, root = _sync(dav, token)
    assert refused.status == 403
    assert root[0].tag == "{DAV:}valid-sync-token"
    fresh, root = _sync(dav)
    assert fresh.status == 207
    assert "ORG:Ville-Exemple\n" in (root.findtext(".//CR:address-data", namespaces=NS) or "")
