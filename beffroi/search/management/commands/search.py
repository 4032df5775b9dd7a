"""``beffroi search reindex [--kind K]``: rebuild the search index from what each capability
holds (after a restore, an upgrade, or to repair an index a failed write left behind)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from beffroi.core.commands import BeffroiCommand
from beffroi.search import indexing, registry


class Command(BeffroiCommand):
    help = "Recherche : reconstruire l'index."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        reindex = actions.add_parser(
            "reindex",
            help="reconstruire l'index à partir des données",
            description="Relit chaque type d'élément (fichiers, pages, tâches, événements, "
            "contacts, personnes) par lots, écrit son entrée dans l'index et retire celles "
            "des éléments qui n'existent plus. Le texte des fichiers jamais lus est demandé "
            "au travailleur de tâches.",
        )
        reindex.add_argument(
            "--kind",
            choices=[source.kind for source in registry.sources()],
            default=None,
            help="ne reconstruire que ce type d'élément",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        self.verbosity = int(options["verbosity"])
        kinds = [kind] if kind else [source.kind for source in registry.sources()]
        total = 0
        for each in kinds:

            def progress(count: int, kind: str = each) -> None:
                if self.verbosity >= 2:
                    self.stdout.write(f"{kind} : {count}…")

            try:
                written, removed = indexing.reindex(each, progress=progress)
            except LookupError:
                raise CommandError(f"Type inconnu : {each}") from None
            total += written
            self.stdout.write(f"{each} : {written} élément(s) indexé(s), {removed} retiré(s).")
        if kind is None:
            forgotten = indexing.forget_unregistered()
            if forgotten:
                self.stdout.write(f"{forgotten} entrée(s) d'un type disparu retirée(s).")
        self.stdout.write(f"Index reconstruit : {total} élément(s).")
