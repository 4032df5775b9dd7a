"""The DNS checker: the records a domain must publish, and, against a loopback DNS server set
as the configured resolver, whether the published ones match, are missing or differ."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree
from django.core.management import CommandError, call_command

from beffroi.mail import authentication, dns_check
from beffroi.mail.actions import do_rotate_dkim_key
from beffroi.mail.dkim_keys import dns_record
from beffroi.mail.queries import published_keys, signing_key
from beffroi.mail.tests.dns_server import Records, dns_server

pytestmark = pytest.mark.django_db

DOMAIN = "ville-exemple.fr"


@pytest.fixture
def public(settings):
    settings.PUBLIC_URL = "https://beffroi.ville-exemple.fr"
    settings.MAIL_HOSTNAME = "mx.ville-exemple.fr"
    settings.MAIL_TLS_CERT_FILE = "/etc/beffroi/mx.pem"
    settings.MAIL_DNS_RESOLVERS = []
    return settings


def published(domain) -> Records:
    """Everything published exactly as Beffroi asks."""
    records: Records = {}
    for record in dns_check.records_to_publish(domain).records:
        value = record.value
        if record.kind == "TXT":
            # A TXT string holds 255 bytes at most: a DKIM key is published as several.
            value = " ".join(f'"{value[i : i + 255]}"' for i in range(0, len(value), 255))
        records.setdefault((record.name, record.kind), []).append(value)
    return records


def by_kind(report: dns_check.Report) -> dict[tuple[str, str], dns_check.Record]:
    return {(record.name, record.kind): record for record in report.records}


def test_the_records_to_publish_without_any_resolver(public, domain):
    """MX to the mail host, SPF, the signing DKIM key, DMARC, MTA-STS and autoconfig; nothing
    checked, because nothing may be asked outside without a configured resolver."""
    report = dns_check.check_domain(domain)
    records = by_kind(report)
    key = signing_key(domain)

    assert not report.checked
    assert {r.status for r in report.records} == {dns_check.Status.NOT_CHECKED}
    assert records[(DOMAIN, "MX")].value == "10 mx.ville-exemple.fr."
    assert records[(DOMAIN, "TXT")].value == "v=spf1 mx -all"
    assert records[(f"{key.selector}._domainkey.{DOMAIN}", "TXT")].value == dns_record(
        key.public_key
    )
    assert records[(f"_dmarc.{DOMAIN}", "TXT")].value.startswith("v=DMARC1; p=quarantine; rua=")
    policy = report.mta_sts_policy
    assert policy == ("version: STSv1\nmode: enforce\nmx: mx.ville-exemple.fr\nmax_age: 604800\n")
    assert records[(f"_mta-sts.{DOMAIN}", "TXT")].value == (
        f"v=STSv1; id={dns_check.mta_sts_id(policy)}"
    )
    assert records[(f"mta-sts.{DOMAIN}", "CNAME")].value == "beffroi.ville-exemple.fr."
    assert records[(f"autoconfig.{DOMAIN}", "CNAME")].value == "beffroi.ville-exemple.fr."
    assert report.autoconfig_url == f"https://autoconfig.{DOMAIN}/mail/config-v1.1.xml"


def test_a_retired_key_stays_listed_during_its_overlap(public, domain):
    old = signing_key(domain)
    do_rotate_dkim_key(domain)
    names = [record.name for record in dns_check.records_to_publish(domain).records]

    assert len(published_keys(domain)) == 2
    assert f"{old.selector}._domainkey.{DOMAIN}" in names
    assert f"{signing_key(domain).selector}._domainkey.{DOMAIN}" in names


def test_without_a_certificate_the_mta_sts_policy_only_tests(public, domain):
    public.MAIL_TLS_CERT_FILE = None
    assert "mode: testing" in dns_check.mta_sts_policy()


def test_everything_published_matches(public, domain):
    with dns_server(published(domain)) as address:
        public.MAIL_DNS_RESOLVERS = [address]
        report = dns_check.check_domain(domain)

    assert report.checked
    assert report.error == ""
    assert {r.name: r.status for r in report.records} == {
        r.name: dns_check.Status.OK for r in report.records
    }


def test_missing_and_different_records_are_told_apart(public, domain):
    records = published(domain)
    key = signing_key(domain)
    del records[(f"_dmarc.{DOMAIN}", "TXT")]
    del records[(f"autoconfig.{DOMAIN}", "CNAME")]
    records[(DOMAIN, "MX")] = ["10 mail.hebergeur.example."]
    records[(DOMAIN, "TXT")] = ['"v=spf1 include:hebergeur.example ~all"']
    records[(f"{key.selector}._domainkey.{DOMAIN}", "TXT")] = ['"v=DKIM1; k=rsa; p=QUJD"']
    records[(f"_mta-sts.{DOMAIN}", "TXT")] = ['"v=STSv1; id=ancien"']
    with dns_server(records) as address:
        public.MAIL_DNS_RESOLVERS = [address]
        found = by_kind(dns_check.check_domain(domain))

    assert found[(f"_dmarc.{DOMAIN}", "TXT")].status == dns_check.Status.MISSING
    assert found[(f"autoconfig.{DOMAIN}", "CNAME")].status == dns_check.Status.MISSING
    mx = found[(DOMAIN, "MX")]
    assert mx.status == dns_check.Status.DIFFERENT
    assert "mail.hebergeur.example" in mx.difference
    spf = found[(DOMAIN, "TXT")]
    assert spf.status == dns_check.Status.DIFFERENT
    assert spf.found == ("v=spf1 include:hebergeur.example ~all",)
    assert found[(f"{key.selector}._domainkey.{DOMAIN}", "TXT")].status == "different"
    assert "id=ancien" in found[(f"_mta-sts.{DOMAIN}", "TXT")].difference
    assert found[(f"mta-sts.{DOMAIN}", "CNAME")].status == dns_check.Status.OK


def test_a_stronger_dmarc_policy_is_accepted_and_none_is_not(public, domain):
    records = published(domain)
    records[(f"_dmarc.{DOMAIN}", "TXT")] = [
        '"v=DMARC1; p=reject; rua=mailto:dmarc@ailleurs.example"'
    ]
    with dns_server(records) as address:
        public.MAIL_DNS_RESOLVERS = [address]
        assert by_kind(dns_check.check_domain(domain))[(f"_dmarc.{DOMAIN}", "TXT")].status == "ok"
    records[(f"_dmarc.{DOMAIN}", "TXT")] = ['"v=DMARC1; p=none"']
    with dns_server(records) as address:
        public.MAIL_DNS_RESOLVERS = [address]
        dmarc = by_kind(dns_check.check_domain(domain))[(f"_dmarc.{DOMAIN}", "TXT")]
    assert dmarc.status == dns_check.Status.DIFFERENT
    assert "p=none" in dmarc.difference


def test_two_spf_records_are_a_difference(public, domain):
    records = published(domain)
    records[(DOMAIN, "TXT")] = ['"v=spf1 mx -all"', '"v=spf1 a -all"']
    with dns_server(records) as address:
        public.MAIL_DNS_RESOLVERS = [address]
        spf = by_kind(dns_check.check_domain(domain))[(DOMAIN, "TXT")]
    assert spf.status == dns_check.Status.DIFFERENT


def test_an_unanswering_resolver_is_reported_not_guessed(public, domain, monkeypatch):
    # A UDP port where nothing answers: the lookup gives up (after a shorter wait than the
    # 5 s a real resolver is given).
    monkeypatch.setattr(authentication, "TIMEOUT_SECONDS", 0.5)
    public.MAIL_DNS_RESOLVERS = ["127.0.0.1:9"]
    report = dns_check.check_domain(domain)
    assert not report.checked
    assert "résolveur" in report.error


def test_the_command_prints_and_fails_on_a_wrong_record(public, domain, capsys):
    call_command("mail", "domain", "check", DOMAIN)
    out = capsys.readouterr().out
    assert "v=spf1 mx -all" in out
    assert "Non vérifié" in out

    records = published(domain)
    del records[(f"_dmarc.{DOMAIN}", "TXT")]
    with dns_server(records) as address:
        public.MAIL_DNS_RESOLVERS = [address]
        with pytest.raises(CommandError, match="1 enregistrement"):
            call_command("mail", "domain", "check", DOMAIN.upper())
    assert "ABSENT" in capsys.readouterr().out

    with dns_server(published(domain)) as address:
        public.MAIL_DNS_RESOLVERS = [address]
        call_command("mail", "domain", "check", DOMAIN)
    assert "sont conformes" in capsys.readouterr().out


def test_an_unknown_domain_is_refused(public, domain):
    with pytest.raises(CommandError, match="n'existe pas"):
        call_command("mail", "domain", "check", "inconnu.example")


@pytest.fixture
def hosts(public):
    public.ALLOWED_HOSTS = [f"mta-sts.{DOMAIN}", f"autoconfig.{DOMAIN}", DOMAIN, "autre.example"]
    return public


def test_the_mta_sts_policy_is_served_on_the_domain_s_host(client, hosts, domain):
    response = client.get("/.well-known/mta-sts.txt", HTTP_HOST=f"mta-sts.{DOMAIN}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    policy = response.content.decode()
    assert policy == dns_check.mta_sts_policy()
    # The id published in DNS is the one of the text served.
    published_id = by_kind(dns_check.records_to_publish(domain))[(f"_mta-sts.{DOMAIN}", "TXT")]
    assert published_id.value.endswith(dns_check.mta_sts_id(policy))
    assert client.get("/.well-known/mta-sts.txt", HTTP_HOST="autre.example").status_code == 404


def test_thunderbird_gets_the_submission_server(client, hosts, domain):
    for path, host in (
        (
            "/mail/config-v1.1.xml?emailaddress=agent.voirie%40ville-exemple.fr",
            "autoconfig." + DOMAIN,
        ),
        ("/.well-known/autoconfig/mail/config-v1.1.xml", DOMAIN),
    ):
        response = client.get(path, HTTP_HOST=host)
        assert response.status_code == 200, path
        document = ElementTree.fromstring(response.content)
        provider = document.find("emailProvider")
        assert provider is not None
        assert provider.get("id") == DOMAIN
        server = provider.find("outgoingServer")
        assert server is not None
        assert server.findtext("hostname") == "mx.ville-exemple.fr"
        assert server.findtext("port") == "587"
        assert server.findtext("socketType") == "STARTTLS"
        # No IMAP yet: no incoming server is announced.
        assert provider.find("incomingServer") is None
    unknown = client.get(
        "/mail/config-v1.1.xml?emailaddress=x%40autre.example", HTTP_HOST="autre.example"
    )
    assert unknown.status_code == 404
