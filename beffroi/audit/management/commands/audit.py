"""``beffroi audit verify`` and ``beffroi audit prune``: the audit trail's hash chain."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from beffroi.audit.actions import ChainBroken, do_prune_events
from beffroi.audit.chain import BrokenCheckpoint, verify_trail
from beffroi.core.commands import BeffroiCommand


class Command(BeffroiCommand):
    help = "Journal d'audit : vérifier la chaîne de hachage, élaguer les événements anciens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        actions.add_parser(
            "verify",
            help="vérifier chaque événement et son lien avec le précédent",
            description="Vérifie chaque événement du journal et son lien avec le précédent, "
            "à partir du dernier point de contrôle signé s'il y en a un.",
        )
        prune = actions.add_parser(
            "prune",
            help="supprimer les événements plus anciens que la durée de conservation",
            description="Supprime les événements plus anciens que BEFFROI_AUDIT_RETENTION_DAYS "
            "jours, derrière un point de contrôle signé qui garde la chaîne vérifiable. "
            "La chaîne est vérifiée d'abord : rompue, rien n'est supprimé.",
        )
        prune.add_argument(
            "--days",
            type=int,
            default=None,
            help="durée de conservation en jours pour cette fois (défaut : "
            "BEFFROI_AUDIT_RETENTION_DAYS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "prune":
            self._prune(options["days"])
        else:
            self._verify()

    def _verify(self) -> None:
        result = verify_trail()
        if isinstance(result.broken, BrokenCheckpoint):
            raise CommandError(
                f"Point de contrôle d'audit n° {result.broken.checkpoint_id} invalide : "
                f"{result.broken.reason}."
            )
        if result.broken is not None:
            raise CommandError(
                f"Chaîne d'audit rompue à l'événement n° {result.broken.event_id} : "
                f"{result.broken.reason}."
            )
        since = ""
        if result.start is not None:
            since = (
                f" depuis le point de contrôle n° {result.start.id} "
                f"({result.start.pruned_count} événement(s) antérieur(s) élagué(s))"
            )
        self.stdout.write(
            f"Chaîne d'audit intacte : {result.events_checked} événement(s) vérifié(s){since}."
        )

    def _prune(self, days: int | None) -> None:
        days = settings.AUDIT_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days doit être positif ou nul.")
        if days == 0:
            self.stdout.write(
                "Conservation illimitée (BEFFROI_AUDIT_RETENTION_DAYS=0) : rien n'est élagué."
            )
            return
        before = timezone.now() - timedelta(days=days)
        try:
            checkpoint = do_prune_events(before)
        except ChainBroken as error:
            raise CommandError(error.message) from None
        if checkpoint is None:
            self.stdout.write(f"Aucun événement de plus de {days} jour(s) : rien n'est élagué.")
            return
        self.stdout.write(
            f"{checkpoint.pruned_count} événement(s) de plus de {days} jour(s) élagué(s) ; "
            f"point de contrôle signé n° {checkpoint.id}."
        )
