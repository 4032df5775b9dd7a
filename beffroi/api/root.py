"""The API instance mounted at ``/api/v1/``; each app contributes its router here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI

import beffroi
from beffroi.api import errors
from beffroi.api.auth import basic_auth, session_auth, token_auth
from beffroi.api.schemas import HealthOut
from beffroi.calendars.api.views import router as calendars_router
from beffroi.contacts.api.views import router as contacts_router
from beffroi.directory.api.views import router as directory_router
from beffroi.files.api.links import router as files_history_router
from beffroi.files.api.views import router as files_router
from beffroi.notifications.api.views import router as notifications_router
from beffroi.search.api.views import router as search_router
from beffroi.tasks.api.views import mine_router as my_tasks_router
from beffroi.tasks.api.views import router as tasks_router
from beffroi.wiki.api.views import router as wiki_router
from beffroi.workspaces.api.views import router as workspaces_router


class BeffroiAPI(NinjaAPI):
    """Ninja, with every URL it serves answering errors in the API's shape."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        guarded: list[URLResolver | URLPattern] = [
            URLPattern(
                item.pattern, errors.guard_view(self, item.callback), item.default_args, item.name
            )
            if isinstance(item, URLPattern)
            else item
            for item in patterns
        ]
        return guarded, app_name, namespace


api = BeffroiAPI(
    title="Beffroi",
    version="1",
    description="API de Beffroi. Authentification : session web (avec jeton CSRF), jeton "
    "d'API personnel (`Authorization: Bearer …`) ou mot de passe d'application en HTTP Basic "
    "(usage « API », HTTPS obligatoire en production). Les erreurs ont toutes la forme "
    "`{code, message, fields}`.",
    auth=[token_auth, basic_auth, session_auth],
    urls_namespace="api",
    openapi_url="/openapi.json",
    # Ninja's Swagger page loads its code from a CDN and runs an inline script: neither is
    # allowed here (no CDN, strict CSP). The document itself is served at /openapi.json.
    docs_url=None,
)
errors.install(api)


@api.get(
    "/health",
    auth=None,
    response={200: HealthOut},
    tags=["exploitation"],
    summary="État du service",
)
def health(request: HttpRequest) -> HealthOut:
    return HealthOut(status="ok", version=beffroi.__version__)


api.add_router("/", directory_router)
api.add_router("/calendars/", calendars_router)
api.add_router("/contacts/", contacts_router)
api.add_router("/files/", files_history_router)
api.add_router("/", files_router)
api.add_router("/", search_router)
api.add_router("/workspaces", workspaces_router)
api.add_router("/workspaces", wiki_router)
api.add_router("/workspaces", tasks_router)
api.add_router("/tasks", my_tasks_router)
api.add_router("/notifications", notifications_router)


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any address under /api/ that no endpoint answers."""
    return errors.route_not_found(api, request)
