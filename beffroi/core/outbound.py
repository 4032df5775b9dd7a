"""Mail leaves through the task worker, never inside the request that asked for it.

A request that sends mail (a password-reset link, a security notice) only renders the message and
queues it once its transaction commits. The relay's latency or failure then never shows in the
answer: asking for a reset link for an account that exists takes as long as for one that does
not, and a relay that is down loses nothing the log does not tell the IT service about.
"""

from __future__ import annotations

import logging
import smtplib
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils.module_loading import import_string

from beffroi.core.tasks import enqueue_on_commit, task

logger = logging.getLogger(__name__)


class MailNotDelivered(Exception):
    """The relay refused the message or could not be reached (details are in the log)."""


class MailRouter(Protocol):
    """Another way out than the relay (``OUTBOUND_MAIL_ROUTERS``: the organisation's own mail
    service, which ``core`` does not import)."""

    def available(self) -> bool:
        """Whether mail can leave this way now."""

    def route(self, message: EmailMessage) -> bool:
        """Send ``message`` this way if it should go this way; whether it did."""


def _routers() -> list[MailRouter]:
    return [import_string(path) for path in settings.OUTBOUND_MAIL_ROUTERS]


def mail_can_leave() -> bool:
    """Whether mail Beffroi sends can reach people: through the relay (``BEFFROI_SMTP_URL``),
    or through a router that is available."""
    return settings.OUTBOUND_MAIL_ENABLED or any(router.available() for router in _routers())


def send_later(message: EmailMessage) -> None:
    """Queue ``message`` for the worker, after the current transaction commits."""
    alternatives = getattr(message, "alternatives", [])
    enqueue_on_commit(
        deliver_mail,
        {
            "subject": str(message.subject),
            "body": str(message.body),
            "content_subtype": message.content_subtype,
            "from_email": str(message.from_email),
            "to": [str(address) for address in message.to],
            "cc": [str(address) for address in message.cc],
            "bcc": [str(address) for address in message.bcc],
            "reply_to": [str(address) for address in message.reply_to],
            "headers": {str(key): str(value) for key, value in message.extra_headers.items()},
            "alternatives": [[str(content), str(mimetype)] for content, mimetype in alternatives],
        },
    )


@task()
def deliver_mail(message: dict[str, Any]) -> None:
    """Hand one queued message to the relay."""
    outgoing = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message["from_email"],
        to=message["to"],
        cc=message["cc"],
        bcc=message["bcc"],
        reply_to=message["reply_to"],
        headers=message["headers"],
    )
    outgoing.content_subtype = message["content_subtype"]
    for content, mimetype in message["alternatives"]:
        outgoing.attach_alternative(content, mimetype)
    # The organisation's own mail service takes it when it should (see OUTBOUND_MAIL_ROUTERS).
    if any(router.route(outgoing) for router in _routers()):
        return
    try:
        outgoing.send()
    except (smtplib.SMTPException, OSError) as error:
        # The relay's answer may quote the addresses: the log and the task result get its kind.
        kind = type(error).__name__
        logger.error("mail not delivered: the relay refused it or is down (%s)", kind)
        raise MailNotDelivered(kind) from None
