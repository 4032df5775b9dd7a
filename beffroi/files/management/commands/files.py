"""``beffroi files gc``: collect the drive's garbage now rather than at the daily run."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from beffroi.core.commands import BeffroiCommand
from beffroi.files.blobs import BlobError
from beffroi.files.blobs.collect import collect_garbage


class Command(BeffroiCommand):
    help = "Drive : ramasser les contenus que plus aucune version n'utilise."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        gc = actions.add_parser(
            "gc",
            help="supprimer les contenus orphelins et les envois inachevés",
            description="Supprime les contenus qu'aucune version ne référence plus, les objets "
            "sans contenu associé et les restes d'envois interrompus, une fois intouchés "
            "depuis le délai de grâce (BEFFROI_FILES_GC_GRACE_HOURS). Un envoi en cours ou "
            "une version existante ne perd jamais rien.",
        )
        gc.add_argument(
            "--grace-minutes",
            type=int,
            default=None,
            help="délai de grâce en minutes pour cette fois (défaut : "
            "BEFFROI_FILES_GC_GRACE_HOURS heures)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["grace_minutes"]
        if minutes is not None and minutes < 0:
            raise CommandError("--grace-minutes doit être positif ou nul.")
        grace = (
            timedelta(hours=settings.FILES_GC_GRACE_HOURS)
            if minutes is None
            else timedelta(minutes=minutes)
        )
        try:
            collected = collect_garbage(grace)
        except BlobError as error:
            raise CommandError(f"Ramassage interrompu : {error}") from None
        self.stdout.write(
            f"{collected.blobs} contenu(s) supprimé(s) ({collected.bytes} octets), "
            f"{collected.orphans} objet(s) orphelin(s), "
            f"{collected.leftovers} reste(s) d'envoi interrompu(s)."
        )
