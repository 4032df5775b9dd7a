"""The search endpoint: parse, search as the caller, serialize."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from beffroi.api.auth import caller
from beffroi.api.schemas import AUTHENTICATED_ERRORS, ErrorOut
from beffroi.search.access import access_search
from beffroi.search.api.schemas import SearchGroupOut, SearchHitOut, SearchIn, SearchOut

router = Router(tags=["recherche"])


@router.get(
    "/search",
    response={200: SearchOut, 422: ErrorOut, **AUTHENTICATED_ERRORS},
    summary="Chercher partout",
    description="Fichiers (nom et contenu), pages, tâches, événements, contacts et personnes "
    "que l'appelant peut lire, groupés par type, les plus pertinents d'abord. Une requête "
    "sans mot (ponctuation seule) ne trouve rien, sans erreur.",
)
def search(request: HttpRequest, filters: Query[SearchIn]) -> SearchOut:
    results = access_search(
        caller(request),
        filters.q,
        kinds=filters.kind,
        limit=filters.limit,
        prefix=filters.prefix,
    )
    return SearchOut(
        q=filters.q,
        groups=[
            SearchGroupOut(
                kind=group.kind,
                label=group.label,
                count=group.count,
                more=group.more,
                count_label=group.count_label,
                hits=[
                    SearchHitOut(
                        kind=hit.kind,
                        object_id=hit.object_id,
                        title=hit.title,
                        title_html=str(hit.title_html),
                        url=hit.url,
                        snippet=str(hit.snippet),
                        score=hit.score,
                        updated_at=hit.updated_at,
                    )
                    for hit in group.hits
                ],
            )
            for group in results.groups
        ],
    )
