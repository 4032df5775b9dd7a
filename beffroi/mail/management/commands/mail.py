"""``beffroi mail``: the mail domains, the way out of a mailbox (mbox on standard output) and
the outbound queue (``_queue``)."""

from __future__ import annotations

import re
import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser

from beffroi.core.commands import BeffroiCommand
from beffroi.core.errors import BeffroiError
from beffroi.mail import queries
from beffroi.mail.actions import do_add_domain
from beffroi.mail.dkim_keys import dns_record
from beffroi.mail.management.commands._dns import add_check_arguments, handle_check
from beffroi.mail.management.commands._mailboxes import (
    add_mailbox_arguments,
    handle_list,
    handle_mailbox,
)
from beffroi.mail.management.commands._queue import add_queue_arguments, handle_queue
from beffroi.mail.models import Message
from beffroi.mail.store import read_raw

_FROM_LINE = re.compile(rb"^(>*From )", re.MULTILINE)


def mbox_entry(message: Message, raw: bytes) -> bytes:
    """One message in mboxrd form: a From_ line, LF line ends, ``>``-quoted From_ lines."""
    sender = message.envelope_sender or "MAILER-DAEMON"
    sender = re.sub(r"\s", "", sender) or "MAILER-DAEMON"
    when = message.internal_date.strftime("%a %b %d %H:%M:%S %Y")
    body = raw.replace(b"\r\n", b"\n")
    body = _FROM_LINE.sub(rb">\1", body)
    if not body.endswith(b"\n"):
        body += b"\n"
    return f"From {sender} {when}\n".encode() + body + b"\n"


class Command(BeffroiCommand):
    help = "Messagerie : domaines, et export d'une boîte aux lettres au format mbox."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        domain = actions.add_parser("domain", help="domaines de messagerie")
        domain_actions = domain.add_subparsers(dest="domain_action", required=True)
        add = domain_actions.add_parser(
            "add",
            help="ajouter un domaine",
            description="Ajoute un domaine de messagerie avec sa clé DKIM ; chaque agent dont "
            "l'adresse est dans ce domaine reçoit sa boîte aux lettres.",
        )
        add.add_argument("name", metavar="DOMAINE", help="le domaine, par exemple mairie.fr")
        add_check_arguments(domain_actions)
        export = actions.add_parser(
            "export",
            help="exporter une boîte aux lettres (mbox sur la sortie standard)",
            description="Écrit les messages de la boîte aux lettres de l'agent au format mbox "
            "(mboxrd) sur la sortie standard : tous les dossiers, ou celui choisi.",
        )
        export.add_argument("username", metavar="IDENTIFIANT", help="l'identifiant de l'agent")
        export.add_argument("--folder", metavar="NOM", help="seulement ce dossier (ex. INBOX)")
        add_queue_arguments(actions)
        add_mailbox_arguments(actions)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "domain" and options["domain_action"] == "check":
            handle_check(self, options["name"])
        elif options["action"] == "domain":
            self._add_domain(options["name"])
        elif options["action"] == "queue":
            handle_queue(self, options)
        elif options["action"] == "mailbox":
            handle_mailbox(self, options)
        elif options["action"] == "list":
            handle_list(self, options)
        else:
            self._export(options["username"], options["folder"])

    def _add_domain(self, name: str) -> None:
        try:
            domain = do_add_domain(name)
        except BeffroiError as error:
            raise CommandError(f"{name} : {error.message}") from None
        key = queries.signing_key(domain)
        mailboxes = domain.mailboxes.count()
        self.stdout.write(f"Domaine ajouté : {domain.name} ({mailboxes} boîte(s) aux lettres).")
        if key is not None:
            self.stdout.write(
                f"Enregistrement DKIM à publier : {key.selector}._domainkey.{domain.name} "
                f'TXT "{dns_record(key.public_key)}"'
            )

    def _export(self, username: str, folder_name: str | None) -> None:
        mailbox = queries.personal_mailbox(username)
        if mailbox is None:
            raise CommandError(f"{username} : aucune boîte aux lettres.")
        folders = queries.folders_of(mailbox, folder_name)
        if not folders:
            raise CommandError(f"{username} : aucun dossier « {folder_name} ».")
        out = sys.stdout.buffer
        for folder in folders:
            for message in queries.messages_of(folder):
                out.write(mbox_entry(message, read_raw(message.blob_id)))
        out.flush()
