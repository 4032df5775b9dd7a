"""The console's « Messagerie » page: each mail domain with the DNS records to publish, and,
when resolvers are configured, whether the published ones match (see ``dns_check``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from beffroi.directory.web.guards import administrator_required
from beffroi.mail import dns_check


@never_cache
@administrator_required
def domains(request: HttpRequest) -> HttpResponse:
    # Checking asks the configured resolvers a handful of questions per domain: only on demand.
    check = request.GET.get("verifier") == "1"
    look = dns_check.check_domain if check else dns_check.records_to_publish
    reports = [look(domain) for domain in dns_check.domains()]
    return render(
        request,
        "mail/console/domains.html",
        {
            "console_section": "mail",
            "reports": reports,
            "resolvers": dns_check.resolvers_configured(),
            "checked": check,
        },
    )
