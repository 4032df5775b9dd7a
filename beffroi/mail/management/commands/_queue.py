"""``beffroi mail queue``: what waits in the outbound queue, and the administrator's hands on
it (retry now, delete: removed without a bounce, written in the audit trail)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch
from django.utils import timezone

from beffroi.core.errors import NotFound
from beffroi.mail.actions.queue import do_delete_queued, do_retry
from beffroi.mail.models import QueuedMessage, QueuedRecipient


def add_queue_arguments(actions: Any) -> None:
    queue = actions.add_parser("queue", help="file d'attente des messages sortants")
    queue_actions = queue.add_subparsers(dest="queue_action", required=True)
    listing = queue_actions.add_parser(
        "list",
        help="lister les messages en attente",
        description="Chaque message en attente : identifiant, expéditeur, destinataires et "
        "leur état, tentatives, prochaine tentative, dernière erreur.",
    )
    listing.add_argument("--json", action="store_true", help="au format JSON")
    retry = queue_actions.add_parser(
        "retry",
        help="réessayer maintenant",
        description="Rend un message (ou tous) dû tout de suite.",
    )
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("id", nargs="?", metavar="ID", help="l'identifiant du message")
    which.add_argument("--all", action="store_true", help="tous les messages en attente")
    delete = queue_actions.add_parser(
        "delete",
        help="supprimer un message en attente",
        description="Retire le message de la file sans avis de non-remise ; la suppression "
        "est inscrite au journal d'audit.",
    )
    delete.add_argument("id", metavar="ID", help="l'identifiant du message")


def _id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise CommandError(f"{value} : identifiant invalide.") from None


def queue_rows() -> list[dict[str, Any]]:
    """The queued messages, soonest first, with their recipients' states."""
    rows = []
    for queued in QueuedMessage.objects.prefetch_related(
        Prefetch("recipient_states", queryset=QueuedRecipient.objects.order_by("address"))
    ).order_by("next_attempt_at"):
        rows.append(
            {
                "id": str(queued.pk),
                "sender": queued.envelope_sender,
                "recipients": [
                    {"address": r.address, "state": r.state, "last_error": r.last_error}
                    for r in queued.recipient_states.all()
                ],
                "size": queued.size,
                "queued_at": queued.created_at.isoformat(),
                "attempts": queued.attempts,
                "next_attempt_at": queued.next_attempt_at.isoformat(),
                "last_error": queued.last_error,
            }
        )
    return rows


def _table(command: BaseCommand, rows: list[dict[str, Any]]) -> None:
    if not rows:
        command.stdout.write("La file d'attente est vide.")
        return
    for row in rows:
        when = timezone.localtime(datetime.fromisoformat(row["next_attempt_at"]))
        command.stdout.write(
            f"{row['id']}  {row['sender']}  {row['size']} octets  "
            f"{row['attempts']} tentative(s), prochaine {when:%Y-%m-%d %H:%M:%S}"
        )
        for recipient in row["recipients"]:
            error = f"  ({recipient['last_error']})" if recipient["last_error"] else ""
            command.stdout.write(f"    {recipient['address']}  {recipient['state']}{error}")
    command.stdout.write(f"{len(rows)} message(s) en attente.")


def handle_queue(command: BaseCommand, options: dict[str, Any]) -> None:
    action = options["queue_action"]
    if action == "list":
        rows = queue_rows()
        if options["json"]:
            command.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            _table(command, rows)
        return
    if action == "retry":
        try:
            count = do_retry(None if options["all"] else _id(options["id"]))
        except NotFound:
            raise CommandError(f"{options['id']} : aucun message de ce nom en attente.") from None
        command.stdout.write(f"{count} message(s) à réessayer maintenant.")
        return
    try:
        do_delete_queued(_id(options["id"]))
    except NotFound:
        raise CommandError(f"{options['id']} : aucun message de ce nom en attente.") from None
    command.stdout.write(f"Message {options['id']} supprimé de la file d'attente.")
