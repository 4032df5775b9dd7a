"""``beffroi directory import``: bring agents in from a CSV file or an LDAP directory.

Exit status 0 when the import was applied (or would be, with ``--dry-run``), 1 when the source
has problems (each on its own line on standard error, nothing imported) or cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import CommandParser

from beffroi.core.commands import BeffroiCommand, FrenchHelpFormatter
from beffroi.core.errors import BeffroiError
from beffroi.directory.actions import do_import_directory
from beffroi.directory.importing import ImportPlan, SourceRows, plan_import, read_csv
from beffroi.directory.importing.csv_source import MAX_BYTES
from beffroi.directory.importing.ldap_source import LdapSource, read_ldap
from beffroi.directory.importing.report import conclusion, count_lines

EXAMPLES = """\
exemples :
  beffroi directory import agents.csv --dry-run
  beffroi directory import agents.csv --suspend-missing
  beffroi directory import --ldap ldaps://ad.mairie.local --base-dn "OU=Agents,DC=mairie,DC=local"
      --bind-dn "CN=beffroi,OU=Services,DC=mairie,DC=local" --password-file /etc/beffroi/ldap.txt
Voir docs/directory-import.md pour les colonnes, les encodages et l'annuaire LDAP.
"""


class ExamplesFormatter(argparse.RawDescriptionHelpFormatter, FrenchHelpFormatter):
    """French help that keeps the examples' line breaks."""


class Failed(Exception):
    """The command stops with status 1 after printing its explanation."""


class Command(BeffroiCommand):
    help = "Annuaire : importer les agents d'un fichier CSV ou d'un annuaire LDAP."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        command = actions.add_parser(
            "import",
            help="importer des agents (CSV ou LDAP)",
            description=(
                "Importe des agents, tout ou rien : un fichier qui comporte des erreurs\n"
                "n'importe rien et chaque erreur est signalée sur sa ligne. L'identifiant\n"
                "sert de clé : relancer l'import ne change que ce qui a changé."
            ),
            epilog=EXAMPLES,
        )
        command.add_argument("file", nargs="?", help="fichier CSV à importer")
        command.add_argument("--ldap", metavar="URL", help="annuaire LDAP (ldap:// ou ldaps://)")
        command.add_argument("--base-dn", help="base de recherche des agents (LDAP)")
        command.add_argument("--bind-dn", help="compte de liaison (LDAP)")
        command.add_argument(
            "--password-file",
            help="fichier contenant le mot de passe de liaison (« - » : entrée standard)",
        )
        command.add_argument("--user-filter", default="", help="filtre LDAP des agents")
        command.add_argument(
            "--ca-file",
            default="",
            help="autorités de certification pour ldaps:// et StartTLS (par défaut : celles du "
            "système)",
        )
        command.add_argument(
            "--starttls",
            action="store_true",
            help="chiffrer une connexion ldap:// avec StartTLS avant d'envoyer le mot de passe",
        )
        command.add_argument(
            "--group-base-dn", default="", help="base où chercher les groupes (LDAP)"
        )
        command.add_argument(
            "--dry-run", action="store_true", help="simuler : afficher le rapport sans rien écrire"
        )
        command.add_argument(
            "--suspend-missing",
            action="store_true",
            help="suspendre les agents actifs absents de la source (jamais par défaut)",
        )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                action.choices["import"].formatter_class = ExamplesFormatter
        return parser

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            source = self._read_source(options)
            plan = plan_import(source, suspend_missing=options["suspend_missing"])
            self._report(plan)
            if not plan.is_valid:
                for problem in plan.problems:
                    self.stderr.write(str(problem))
                self.stderr.write(conclusion(plan, applied=False))
                raise Failed
            if options["dry_run"] or not plan.has_changes:
                self.stdout.write(conclusion(plan, applied=False))
                return
            do_import_directory(plan, acting=None)
            self.stdout.write(conclusion(plan, applied=True))
        except BeffroiError as error:
            self.stderr.write(error.message)
            for messages in error.fields.values():
                for message in messages:
                    self.stderr.write(message)
            raise SystemExit(1) from None
        except Failed:
            raise SystemExit(1) from None

    def _read_source(self, options: dict[str, Any]) -> SourceRows:
        if options["ldap"]:
            if options["file"]:
                self._fail("Indiquez un fichier CSV ou --ldap, pas les deux.")
            missing = [
                f"--{name.replace('_', '-')}"
                for name in ("base_dn", "bind_dn", "password_file")
                if not options[name]
            ]
            if missing:
                self._fail("Options obligatoires avec --ldap : " + ", ".join(missing) + ".")
            return read_ldap(
                LdapSource(
                    url=options["ldap"],
                    base_dn=options["base_dn"],
                    bind_dn=options["bind_dn"],
                    password=self._password(options["password_file"]),
                    user_filter=options["user_filter"],
                    group_base_dn=options["group_base_dn"],
                    ca_file=options["ca_file"],
                    starttls=options["starttls"],
                )
            )
        if not options["file"]:
            self._fail("Indiquez le fichier CSV à importer, ou --ldap URL.")
        path = Path(options["file"])
        try:
            with path.open("rb") as stream:
                data = stream.read(MAX_BYTES + 1)
        except FileNotFoundError:
            self._fail(f"Fichier introuvable : {path}.")
        except OSError as error:
            self._fail(f"Fichier illisible : {path} ({error.strerror}).")
        return read_csv(data, label=path.name)

    def _password(self, location: str) -> str:
        # Read from a file (or standard input), never from the command line, which other
        # users of the machine can see in the process list.
        if location == "-":
            return sys.stdin.readline().rstrip("\r\n")
        try:
            return Path(location).read_text(encoding="utf-8").rstrip("\r\n")
        except FileNotFoundError:
            self._fail(f"Fichier de mot de passe introuvable : {location}.")
        except (OSError, UnicodeDecodeError):
            self._fail(f"Fichier de mot de passe illisible : {location}.")

    def _report(self, plan: ImportPlan) -> None:
        self.stdout.write(f"Import depuis {plan.source}")
        for line in count_lines(plan):
            self.stdout.write(f"  {line}")
        for note in plan.notes:
            self.stdout.write(f"Remarque : {note}")
        if plan.is_valid:
            for username in plan.agents_to_suspend:
                self.stdout.write(f"  à suspendre : {username}")

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        raise Failed
