"""Mail Beffroi itself sends (password resets, notification digests: ``core.outbound``) goes
through the organisation's own mail service when it has one: local recipients get it at once,
outside ones through the queue, DKIM-signed, instead of through ``BEFFROI_SMTP_URL``'s relay.

That is the case when the message's From: is in a local domain, or when no relay is configured
but a local domain exists. With a relay and a From: outside the local domains, nothing changes.
"""

from __future__ import annotations

import logging
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage

from beffroi.mail import queries
from beffroi.mail.actions.queue import do_submit
from beffroi.mail.addresses import InvalidAddress, parse_address
from beffroi.mail.models import Domain

logger = logging.getLogger(__name__)


def _domain(address: str) -> str | None:
    try:
        return parse_address(address).domain
    except InvalidAddress:
        return None


def goes_through_mail(sender: str) -> bool:
    domain = _domain(sender)
    if domain is not None and queries.is_local_domain(domain):
        return True
    return settings.SMTP_RELAY is None and Domain.objects.exists()


def mail_service_available() -> bool:
    """The organisation has a mail domain and a way for mail to leave it (a smarthost, or the
    resolvers that find the recipients' MX)."""
    has_route = settings.MAIL_SMARTHOST is not None or bool(settings.MAIL_DNS_RESOLVERS)
    return has_route and Domain.objects.exists()


def submit_app_mail(message: EmailMessage) -> bool:
    """Submit ``message`` through the mail service when it should go that way; whether it did
    (False: the caller uses Django's backend as before)."""
    sender = parseaddr(str(message.from_email))[1]
    if not goes_through_mail(sender):
        return False
    built = message.message()
    raw = built.as_bytes(linesep="\r\n")
    local, outside = [], []
    for address in dict.fromkeys(str(a) for a in message.recipients()):
        recipient = parseaddr(address)[1]
        domain = _domain(recipient)
        if domain is None:
            logger.warning("application mail: an invalid recipient address was skipped")
        elif not queries.is_local_domain(domain):
            outside.append(recipient)
        elif queries.mailbox_for_address(recipient) is not None:
            local.append(recipient)
        else:
            logger.warning("application mail: a local recipient without a mailbox was skipped")
    if local or outside:
        do_submit(raw, sender, local, outside, agent=None)
    return True


class MailServiceRouter:
    """The mail service as ``core.outbound`` sees it (``OUTBOUND_MAIL_ROUTERS``)."""

    def available(self) -> bool:
        return mail_service_available()

    def route(self, message: EmailMessage) -> bool:
        return submit_app_mail(message)


ROUTER = MailServiceRouter()
