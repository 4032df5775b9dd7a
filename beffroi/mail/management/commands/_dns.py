"""``beffroi mail domain check DOMAIN``: the DNS records to publish, checked against the
configured resolvers when there are some (see ``beffroi.mail.dns_check``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from beffroi.mail import dns_check

_STATUS = {
    dns_check.Status.OK: "conforme",
    dns_check.Status.MISSING: "ABSENT",
    dns_check.Status.DIFFERENT: "DIFFÉRENT",
    dns_check.Status.NOT_CHECKED: "non vérifié",
}


def add_check_arguments(domain_actions: Any) -> None:
    """The ``check`` action under ``beffroi mail domain`` (an argparse sub-parsers object)."""
    check = domain_actions.add_parser(
        "check",
        help="enregistrements DNS à publier, et vérification",
        description="Affiche les enregistrements DNS à publier pour le domaine (MX, SPF, DKIM, "
        "DMARC, MTA-STS, autoconfiguration de Thunderbird) et, si des résolveurs sont "
        "configurés (BEFFROI_MAIL_DNS_RESOLVERS), ce qu'ils renvoient. Sort avec le code 1 si "
        "un enregistrement manque ou diffère.",
    )
    check.add_argument("name", metavar="DOMAINE", help="le domaine, par exemple mairie.fr")


def handle_check(command: BaseCommand, name: str) -> None:
    domain = dns_check.domain_named(name)
    if domain is None:
        raise CommandError(f"{name} : ce domaine de messagerie n'existe pas.")
    report = dns_check.check_domain(domain)
    out = command.stdout
    for record in report.records:
        out.write(f"{record.purpose}\n  {record.name} {record.kind} {record.value}")
        if report.checked:
            out.write(f"  → {_STATUS[record.status]}")
            if record.found and record.status != dns_check.Status.OK:
                out.write(f"    publié : {' | '.join(record.found)}")
            if record.difference:
                out.write(f"    {record.difference}")
    out.write(f"\nPolitique MTA-STS (https://mta-sts.{report.domain}{dns_check.MTA_STS_PATH}) :")
    out.write(report.mta_sts_policy.rstrip("\n"))
    out.write(f"\nAutoconfiguration Thunderbird : {report.autoconfig_url}")
    if report.error:
        raise CommandError(report.error)
    if not report.checked:
        out.write(
            "\nNon vérifié : aucun résolveur configuré (BEFFROI_MAIL_DNS_RESOLVERS), "
            "rien n'a été demandé à l'extérieur."
        )
        return
    wrong = [r for r in report.records if r.status != dns_check.Status.OK]
    if wrong:
        raise CommandError(f"{len(wrong)} enregistrement(s) à corriger sur {len(report.records)}.")
    out.write(f"\nLes {len(report.records)} enregistrements sont conformes.")
