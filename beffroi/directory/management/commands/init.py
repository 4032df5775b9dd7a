"""``beffroi init``: prepare a fresh instance (migrations, first administrator)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command

from beffroi.core.commands import BeffroiCommand
from beffroi.directory.actions import do_create_first_administrator

PASSWORD_FILE_NAME = "initial-admin-password"  # noqa: S105 - a file name


class Command(BeffroiCommand):
    help = (
        "Préparer l'instance : appliquer les migrations et, s'il n'existe aucun administrateur, "
        "en créer un dont le mot de passe est affiché une fois et écrit dans "
        "BEFFROI_DATA_DIR/initial-admin-password (lisible par vous seul)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        created = do_create_first_administrator()
        if created is None:
            self.stdout.write("Instance prête : un administrateur existe déjà.")
            return
        agent, password = created
        path = settings.DATA_DIR / PASSWORD_FILE_NAME
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(password + "\n")
        os.chmod(path, 0o600)
        self.stdout.write(
            "Premier administrateur créé.\n"
            f"  identifiant  : {agent.username}\n"
            f"  mot de passe : {password}\n"
            f"(mot de passe aussi écrit dans {path}, lisible par vous seul ; "
            "changez-le après la première connexion)"
        )
