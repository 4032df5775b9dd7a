"""The search page: /recherche/?q=… (one box, results grouped by kind)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from beffroi.search import registry
from beffroi.search.access import MAX_LIMIT, access_search
from beffroi.search.query import MAX_QUERY_CHARS
from beffroi.web.requests import acting_agent
from beffroi.workspaces.access import access_readable_workspace
from beffroi.workspaces.queries import search_scopes

# Hits shown per kind on the page with every kind, and on the page of one kind.
HITS_PER_KIND = 5


@login_required
def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")[:MAX_QUERY_CHARS]
    kinds = {source.kind: source.label for source in registry.sources()}
    kind = request.GET.get("type", "")
    if kind not in kinds:
        kind = ""
    agent = acting_agent(request)
    # « Dans cet espace »: one workspace the person reads (any other: not found).
    workspace = (
        access_readable_workspace(agent, request.GET["espace"])
        if request.GET.get("espace")
        else None
    )
    results = access_search(
        agent,
        text,
        kinds=[kind] if kind else None,
        limit=MAX_LIMIT if kind else HITS_PER_KIND,
        within=search_scopes(workspace) if workspace is not None else None,
    )
    return render(
        request,
        "search/search.html",
        {
            "q": text,
            "searched": bool(text.strip()),
            "results": results,
            "kind": kind,
            "kind_label": kinds.get(kind, ""),
            "workspace": workspace,
        },
    )
