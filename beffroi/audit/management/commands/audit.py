"""``beffroi audit verify``: check the hash chain of the audit trail."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from beffroi.audit.chain import first_broken_link
from beffroi.audit.models import AuditEvent
from beffroi.core.commands import BeffroiCommand


class Command(BeffroiCommand):
    help = "Journal d'audit : vérifier que la chaîne de hachage est intacte."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        actions.add_parser(
            "verify",
            help="vérifier chaque événement et son lien avec le précédent",
            description="Vérifie chaque événement du journal et son lien avec le précédent.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        events = AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
        broken = first_broken_link(events)
        if broken is not None:
            raise CommandError(
                f"Chaîne d'audit rompue à l'événement n° {broken.event_id} : {broken.reason}."
            )
        count = AuditEvent.objects.count()
        self.stdout.write(f"Chaîne d'audit intacte : {count} événement(s) vérifié(s).")
