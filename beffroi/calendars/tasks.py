"""The calendars' background work: sending the invitations for people outside the
organisation (the iMIP outbox) by e-mail."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from beffroi.calendars.imip import email_of
from beffroi.calendars.models import ImipMessage
from beffroi.core.outbound import mail_can_leave, send_later
from beffroi.core.tasks import schedule_unless_waiting, task

# At most this many per run; a run that reaches it queues the next one at once.
BATCH = 200


@task()
def send_invitations() -> int:
    """Send the pending iMIP messages, oldest first; each is claimed by one conditional update,
    so that two workers never send the same one twice. Without a way for mail to leave, they
    wait (and the console's outbox shows them)."""
    if not mail_can_leave():
        return 0
    pending = list(
        ImipMessage.objects.select_related("sender")
        .filter(status=ImipMessage.Status.PENDING)
        .order_by("created_at")[:BATCH]
    )
    sent = 0
    for message in pending:
        with transaction.atomic():
            claimed = ImipMessage.objects.filter(
                pk=message.pk, status=ImipMessage.Status.PENDING
            ).update(status=ImipMessage.Status.SENT, sent_at=timezone.now())
            if claimed:
                send_later(email_of(message))
                sent += 1
    if len(pending) == BATCH:
        transaction.on_commit(schedule_invitations)
    return sent


def schedule_invitations() -> bool:
    """Queue a sending run unless one is waiting (called when the outbox gets a message, and
    when the worker starts, for what waited while mail could not leave)."""
    return schedule_unless_waiting(send_invitations)
