"""The ``beffroi`` command: forwards to the management commands, with French help."""

from __future__ import annotations

import os
import sys

OVERVIEW = """\
Utilisation : beffroi COMMANDE [options]

Commandes :
  serve            servir Beffroi (web, API, temps réel, tâches de fond)
  init             préparer l'instance : migrations, premier administrateur
  user             comptes : « user add IDENTIFIANT --password-stdin [--department CODE] »,
                   « user list [--department CODE] »
  audit            journal d'audit : « audit verify », « audit prune »
  app-password     mots de passe d'application : « app-password add IDENTIFIANT --label … »
  directory        annuaire : « directory import FICHIER.csv », « directory import --ldap URL … »
  files            Drive : « files gc » (ramasser les contenus inutilisés)
  keys             chiffrement : « keys rotate » (renouveler la clé maîtresse des fichiers)
  mail             messagerie : « mail domain add DOMAINE », « mail export IDENTIFIANT »
  demo             démonstration : « demo seed » (commune fictive Ville-Exemple)
  check --deploy   vérifier la configuration avant une mise en production
  migrate          appliquer les migrations de la base de données

« beffroi COMMANDE --help » détaille une commande.
La configuration se fait par variables d'environnement : voir docs/configuration.md.
"""


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if not args or (args[0] in ("-h", "--help", "help", "aide") and len(args) == 1):
        sys.stdout.write(OVERVIEW)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beffroi.conf.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - loads the settings, validating the environment
    except ImproperlyConfigured as error:
        sys.stderr.write(f"Configuration invalide : {error}\n")
        raise SystemExit(2) from None
    from django.core.management import execute_from_command_line

    execute_from_command_line(["beffroi", *args])


if __name__ == "__main__":
    main()
