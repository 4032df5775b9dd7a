"""The DNS records a mail domain needs, and whether the published ones match.

What to publish is computed from the instance alone: MX (the mail host), SPF, DKIM (the
signing key and every retired key still in its overlap), DMARC, MTA-STS (the ``_mta-sts`` TXT
record, the ``mta-sts.`` host and the policy text Beffroi serves there) and Thunderbird's
autoconfig (the ``autoconfig.`` host and the URL of its configuration file).

Whether the published records match is asked **only** of the resolvers the administrator
configured (``BEFFROI_MAIL_DNS_RESOLVERS``, the ones inbound mail checks use): without them
nothing leaves the server and each record is shown as "not checked". A record is then ``ok``
(published as expected), ``missing`` (nothing of its kind at that name) or ``different`` (what
is there, and how it differs). Read-only: no row is written.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from dataclasses import dataclass, replace
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext as _

from beffroi.mail import authentication, queries
from beffroi.mail.dkim_keys import dns_record
from beffroi.mail.models import Domain

SPF = "v=spf1 mx -all"
# A week, as RFC 8461 suggests for a policy that is not being tested.
MTA_STS_MAX_AGE = 604800
AUTOCONFIG_PATH = "/mail/config-v1.1.xml"
MTA_STS_PATH = "/.well-known/mta-sts.txt"
_TAG = re.compile(r"\s*([A-Za-z]+)\s*=\s*([^;]*)")


class Status(StrEnum):
    NOT_CHECKED = "not_checked"
    OK = "ok"
    MISSING = "missing"
    DIFFERENT = "different"


@dataclass(frozen=True)
class Record:
    """One record to publish, and (when checked) what the resolver returned."""

    purpose: str
    name: str
    kind: str
    value: str
    status: Status = Status.NOT_CHECKED
    found: tuple[str, ...] = ()
    difference: str = ""

    @property
    def value_parts(self) -> list[str]:
        """The value in pieces a page may wrap between (a DKIM key is one 400-character word)."""
        return _pieces(self.value)


def _pieces(text: str, size: int = 12) -> list[str]:
    return [text[start : start + size] for start in range(0, len(text), size)]


@dataclass(frozen=True)
class Report:
    domain: str
    records: list[Record]
    checked: bool
    error: str = ""
    mta_sts_policy: str = ""
    autoconfig_url: str = ""

    @property
    def autoconfig_parts(self) -> list[str]:
        return _pieces(self.autoconfig_url)


def domains() -> list[Domain]:
    """Every mail domain of the organisation, by name."""
    return list(Domain.objects.order_by("name"))


def domain_named(name: str) -> Domain | None:
    """The mail domain called ``name`` (any case, Unicode or IDNA form), or None."""
    try:
        ascii_name = name.strip().rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    return Domain.objects.filter(name=ascii_name).first()


def mail_host() -> str:
    """The public name of the mail server: ``BEFFROI_MAIL_HOSTNAME`` when set to a real name,
    else the host of ``BEFFROI_PUBLIC_URL``."""
    if settings.MAIL_HOSTNAME and settings.MAIL_HOSTNAME != "localhost":
        return str(settings.MAIL_HOSTNAME).lower().rstrip(".")
    public = urllib.parse.urlsplit(settings.PUBLIC_URL).hostname
    return (public or settings.MAIL_HOSTNAME or "localhost").lower().rstrip(".")


def web_host() -> str:
    """Where the web server answers (the MTA-STS policy and autoconfig are served there)."""
    return (urllib.parse.urlsplit(settings.PUBLIC_URL).hostname or mail_host()).lower()


def mta_sts_policy() -> str:
    """The policy text served at ``https://mta-sts.<domain>/.well-known/mta-sts.txt``.

    ``enforce`` only when the SMTP listeners have a certificate: with none, senders that
    enforced the policy could not deliver at all, so the policy only asks for reports."""
    mode = "enforce" if settings.MAIL_TLS_CERT_FILE else "testing"
    return f"version: STSv1\nmode: {mode}\nmx: {mail_host()}\nmax_age: {MTA_STS_MAX_AGE}\n"


def mta_sts_id(policy: str) -> str:
    """The policy's id: changes whenever the policy text does, as senders must re-fetch it."""
    return hashlib.sha256(policy.encode()).hexdigest()[:20]


def expected_records(domain: Domain) -> list[Record]:
    name = domain.name
    host = mail_host()
    web = web_host()
    records = [
        Record(_("Réception du courrier (MX)"), name, "MX", f"10 {host}."),
        Record(_("Serveurs autorisés à envoyer (SPF)"), name, "TXT", SPF),
    ]
    for key in queries.published_keys(domain):
        purpose = (
            _("Signature DKIM (clé en usage)")
            if key.retired_at is None
            else _("Signature DKIM (ancienne clé, encore publiée)")
        )
        records.append(
            Record(purpose, f"{key.selector}._domainkey.{name}", "TXT", dns_record(key.public_key))
        )
    records += [
        Record(
            _("Politique DMARC"),
            f"_dmarc.{name}",
            "TXT",
            f"v=DMARC1; p=quarantine; rua=mailto:postmaster@{name}",
        ),
        Record(
            _("MTA-STS (annonce de la politique)"),
            f"_mta-sts.{name}",
            "TXT",
            f"v=STSv1; id={mta_sts_id(mta_sts_policy())}",
        ),
        Record(_("MTA-STS (hôte de la politique)"), f"mta-sts.{name}", "CNAME", f"{web}."),
        Record(
            _("Configuration automatique (Thunderbird)"), f"autoconfig.{name}", "CNAME", f"{web}."
        ),
    ]
    return records


def _tags(text: str) -> dict[str, str]:
    return {key.lower(): value.strip() for key, value in _TAG.findall(text)}


def _squeeze(text: str) -> str:
    return " ".join(text.lower().split())


def _compare(record: Record, found: list[str]) -> Record:
    """The record with what the resolver returned and its verdict."""
    checked = replace(record, found=tuple(found))
    if record.kind in ("MX", "CNAME"):
        wanted = record.value.split()[-1].rstrip(".").lower()
        hosts = [value.split()[-1].rstrip(".").lower() for value in found]
        if not hosts:
            return replace(checked, status=Status.MISSING)
        if wanted in hosts:
            return replace(checked, status=Status.OK)
        return replace(
            checked,
            status=Status.DIFFERENT,
            difference=_("pointe vers %(found)s au lieu de %(wanted)s")
            % {"found": ", ".join(hosts), "wanted": wanted},
        )
    version = record.value.split(";")[0].split()[0].lower()
    candidates = [value for value in found if _squeeze(value).startswith(version)]
    if not candidates:
        return replace(checked, status=Status.MISSING)
    published = candidates[0]
    if len(candidates) > 1:
        return replace(
            checked,
            status=Status.DIFFERENT,
            difference=_("%(count)s enregistrements %(version)s publiés : un seul est permis")
            % {"count": len(candidates), "version": record.value.split(";")[0].split()[0]},
        )
    if version == "v=spf1":
        same = _squeeze(published) == _squeeze(record.value)
        difference = _("publié : « %(found)s »") % {"found": published}
    elif version == "v=dmarc1":
        policy = _tags(published).get("p", "").lower()
        same = policy in ("quarantine", "reject")
        difference = _(
            "la politique p=%(policy)s ne protège pas le domaine (quarantine ou reject)"
        ) % {"policy": policy or "?"}
    else:
        # DKIM: the public key (p=); MTA-STS: the policy id.
        tag = "p" if version == "v=dkim1" else "id"
        wanted = _tags(record.value)[tag].replace(" ", "")
        have = _tags(published).get(tag, "").replace(" ", "")
        same = have == wanted
        difference = (
            _("la clé publique publiée (p=) n'est pas celle de Beffroi")
            if tag == "p"
            else _("l'identifiant publié (id=%(found)s) n'est pas celui de la politique servie")
            % {"found": have or "?"}
        )
    if same:
        return replace(checked, status=Status.OK)
    return replace(checked, status=Status.DIFFERENT, difference=difference)


def records_to_publish(domain: Domain) -> Report:
    """What to publish for ``domain``, unchecked (nothing is asked of any resolver)."""
    return Report(
        domain=domain.name,
        records=expected_records(domain),
        checked=False,
        mta_sts_policy=mta_sts_policy(),
        autoconfig_url=f"https://autoconfig.{domain.name}{AUTOCONFIG_PATH}",
    )


def resolvers_configured() -> bool:
    return authentication.configured()


def check_domain(domain: Domain) -> Report:
    """What to publish for ``domain``, checked against the configured resolvers if any."""
    report = records_to_publish(domain)
    if not authentication.configured():
        return report
    lookups = authentication.Dns()
    try:
        checked = [
            _compare(record, lookups.query(record.name, record.kind)) for record in report.records
        ]
    except authentication.TemporaryDnsError as error:
        return replace(
            report, error=_("Le résolveur n'a pas répondu : %(error)s") % {"error": error}
        )
    return replace(report, records=checked, checked=True)
