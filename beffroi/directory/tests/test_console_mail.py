"""The console's « Messagerie » page: each mail domain with the DNS records to publish, checked
only on demand and only against the configured resolver; administrators only; axe-clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from beffroi.mail.actions import do_add_domain
from beffroi.mail.dns_check import records_to_publish
from beffroi.mail.tests.dns_server import dns_server
from beffroi.web.tests.browser import assert_accessible, assert_fits_width, screenshot

DOMAIN = "ville-exemple.fr"


@pytest.fixture
def mail_domain(maire, agent_voirie):
    return do_add_domain(DOMAIN)


@pytest.fixture
def public(settings):
    settings.PUBLIC_URL = "https://beffroi.ville-exemple.fr"
    settings.MAIL_HOSTNAME = "mx.ville-exemple.fr"
    settings.MAIL_DNS_RESOLVERS = []
    return settings


def published(domain, *, without: str = "") -> dict[tuple[str, str], list[str]]:
    records: dict[tuple[str, str], list[str]] = {}
    for record in records_to_publish(domain).records:
        if record.name == without:
            continue
        value = record.value
        if record.kind == "TXT":
            value = " ".join(f'"{value[i : i + 255]}"' for i in range(0, len(value), 255))
        records.setdefault((record.name, record.kind), []).append(value)
    return records


@pytest.mark.django_db
def test_the_page_lists_the_records_without_asking_anyone(client, maire, mail_domain, public):
    client.force_login(maire)

    # Long values are cut with <wbr> (where a phone may wrap them); copied, they are whole.
    page = client.get("/console/messagerie/").content.decode().replace("<wbr>", "")

    assert "<h1>Messagerie</h1>" in page
    assert f'<h2 id="domaine-1">{DOMAIN}</h2>' in page
    assert "v=spf1 mx -all" in page
    assert "_dmarc.ville-exemple.fr" in page
    assert "autoconfig.ville-exemple.fr" in page
    assert "version: STSv1" in page
    assert "Aucun résolveur DNS" in page
    assert "Non vérifié" in page
    assert 'aria-current="page">Messagerie' in page


@pytest.mark.django_db
def test_checking_shows_conforming_and_missing_records(client, maire, mail_domain, public):
    client.force_login(maire)
    with dns_server(published(mail_domain, without=f"_dmarc.{DOMAIN}")) as address:
        public.MAIL_DNS_RESOLVERS = [address]
        before = client.get("/console/messagerie/").content.decode()
        checked = client.get("/console/messagerie/?verifier=1").content.decode()

    assert "Vérifier les enregistrements publiés" in before
    assert "Conforme" not in before
    assert checked.count("Conforme") == len(records_to_publish(mail_domain).records) - 1
    assert checked.count(">Absent<") == 1


@pytest.mark.django_db
def test_only_administrators_see_the_page(client, agent_voirie, mail_domain, public):
    client.force_login(agent_voirie)
    assert client.get("/console/messagerie/").status_code == 404


@pytest.mark.browser
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_mail_page_passes_axe(request, live_server, viewport, maire, mail_domain, public):
    from beffroi.web.tests.browser import sign_in_with_keyboard

    page, problems = request.getfixturevalue(viewport)
    page.goto(f"{live_server.url}/connexion/")
    sign_in_with_keyboard(page, maire)
    page.goto(f"{live_server.url}/console/messagerie/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Messagerie")
    screenshot(page, f"console-{viewport}-messagerie")
    assert_accessible(page)
    assert_fits_width(page)
    assert not problems, "\n".join(problems)
