"""Audit pages: the console's trail (browse, filter, export) and an agent's own journal."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from beffroi.audit import access
from beffroi.audit.export import csv_chunks
from beffroi.audit.labels import label_of, summary_of
from beffroi.audit.models import AuditEvent
from beffroi.audit.web.forms import AuditFilterForm
from beffroi.core.errors import NotFound
from beffroi.directory.web.guards import administrator_required

PAGE_SIZE = 50
OWN_PAGE_SIZE = 25


def _rows(events: list[AuditEvent]) -> list[dict[str, object]]:
    names = access.target_names(events)
    return [
        {
            "event": event,
            "label": label_of(event.action),
            "target": names[event.id],
            "summary": summary_of(event),
        }
        for event in events
    ]


@never_cache
@administrator_required
def trail(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = access.access_audit_events(request.user, form.filters())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/trail.html",
        {
            "console_section": "audit",
            "form": form,
            "page": page,
            "rows": _rows(list(page.object_list)),
            "query": query.urlencode(),
        },
    )


@never_cache
@login_required
def export(request: HttpRequest) -> StreamingHttpResponse:
    form = AuditFilterForm(request.GET or None)
    try:
        events = access.access_audit_events(request.user, form.filters())
    except NotFound:
        raise Http404 from None
    response = StreamingHttpResponse(csv_chunks(events), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="journal-audit-{stamp}.csv"'
    return response


@never_cache
@login_required
def own_journal(request: HttpRequest) -> HttpResponse:
    events = access.access_own_security_events(request.user)
    page = Paginator(events, OWN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/own_journal.html",
        {"page": page, "rows": _rows(list(page.object_list))},
    )
