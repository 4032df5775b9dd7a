"""What mail clients and sending servers fetch over HTTPS, without signing in: the MTA-STS
policy (RFC 8461, at ``https://mta-sts.<domain>/.well-known/mta-sts.txt``) and Thunderbird's
autoconfiguration file (``https://autoconfig.<domain>/mail/config-v1.1.xml`` or
``https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml``).

The domain is read from the host asked for (or, for autoconfig, from the ``emailaddress``
Thunderbird passes); one that is not a mail domain of this instance gets a 404. The host names
must be in ``BEFFROI_ALLOWED_HOSTS`` (the console's « Messagerie » page lists the records that
point them here)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from beffroi.directory.models import Organisation
from beffroi.mail import dns_check
from beffroi.mail.models import Domain

# The submission port announced to clients: STARTTLS on 587, the standard port that
# ``beffroi serve --submission-port 587`` listens on in production.
SUBMISSION_PORT = 587


def _domain_from_host(request: HttpRequest, prefix: str) -> Domain | None:
    host = request.get_host().split(":")[0].lower().rstrip(".")
    name = host.removeprefix(prefix)
    return dns_check.domain_named(name) if name else None


@require_GET
def mta_sts_policy(request: HttpRequest) -> HttpResponse:
    if _domain_from_host(request, "mta-sts.") is None:
        raise Http404
    return HttpResponse(dns_check.mta_sts_policy(), content_type="text/plain; charset=utf-8")


@require_GET
def autoconfig(request: HttpRequest) -> HttpResponse:
    address = request.GET.get("emailaddress", "")
    domain = None
    if "@" in address and len(address) <= 320:
        domain = dns_check.domain_named(address.rsplit("@", 1)[1])
    domain = domain or _domain_from_host(request, "autoconfig.")
    if domain is None:
        raise Http404
    # IMAP is not built yet: the file announces SMTP submission only, and Thunderbird asks
    # for the incoming server by hand until it is. The user name to sign in with is the
    # agent's identifier, which the directory makes the local part of their address.
    document = render_to_string(
        "mail/autoconfig.xml",
        {
            "domain": domain.name,
            "organisation": Organisation.current().name,
            "host": dns_check.mail_host(),
            "port": SUBMISSION_PORT,
        },
    )
    return HttpResponse(document, content_type="application/xml; charset=utf-8")
