"""``beffroi keys rotate``: a new master key for the drive, without rewriting any file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from beffroi.core.commands import BeffroiCommand
from beffroi.files.blobs import BlobError
from beffroi.files.blobs.rotation import rotate_master_key


class Command(BeffroiCommand):
    help = "Clés de chiffrement : renouveler la clé maîtresse des fichiers."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        actions.add_parser(
            "rotate",
            help="créer une nouvelle clé maîtresse et y passer toutes les clés de données",
            description="Crée une nouvelle clé maîtresse dans BEFFROI_MASTER_KEY_FILE, "
            "rechiffre avec elle la clé de chaque contenu (les fichiers eux-mêmes ne sont pas "
            "réécrits), puis retire l'ancienne clé du fichier. Interrompue, la commande se "
            "relance et termine la même rotation ; tout reste lisible entre-temps. Sur "
            "plusieurs nœuds, le fichier de clés doit être partagé, ou recopié ensuite.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rotation = rotate_master_key()
        except (BlobError, OSError) as error:
            raise CommandError(
                f"Rotation inachevée : {error}. Les fichiers restent lisibles ; "
                "relancez « beffroi keys rotate » pour la terminer."
            ) from None
        resumed = (
            "Rotation interrompue terminée" if rotation.resumed else "Clé maîtresse renouvelée"
        )
        self.stdout.write(
            f"{resumed} : nouvelle clé {rotation.key_id}, {rotation.rewrapped} clé(s) de "
            f"données rechiffrée(s), {rotation.retired} ancienne(s) clé(s) retirée(s)."
        )
