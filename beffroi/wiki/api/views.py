"""Wiki endpoints: parse, access, act, serialize."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router, Status

from beffroi.api.auth import caller
from beffroi.api.schemas import AUTHENTICATED_ERRORS, BODY_ERRORS, PATH_ERRORS, ErrorOut
from beffroi.core.errors import InvalidInput
from beffroi.wiki import access, actions
from beffroi.wiki.api.schemas import (
    PageDetailOut,
    PageIn,
    PageOut,
    PageSavedOut,
    PageSaveIn,
)
from beffroi.wiki.models import Page
from beffroi.wiki.web.views import html_of
from beffroi.workspaces.access import access_readable_workspace

router = Router(tags=["wiki"])

READ_ERRORS = {404: ErrorOut, **AUTHENTICATED_ERRORS, **PATH_ERRORS}


def _out(page: Page) -> PageOut:
    return PageOut(
        id=page.pk,
        title=page.title,
        parent_id=page.parent_id,
        version=page.version,
        updated_at=page.updated_at,
        url=actions.page_url(page),
    )


def _detail(page: Page) -> PageDetailOut:
    return PageDetailOut(
        **_out(page).model_dump(), body=page.body, html=str(html_of(page.workspace, page.body))
    )


@router.get(
    "/{slug}/pages", response={200: list[PageOut], **READ_ERRORS}, summary="Pages d'un espace"
)
def list_pages(request: HttpRequest, slug: str) -> list[PageOut]:
    agent = caller(request)
    workspace = access_readable_workspace(agent, slug)
    return [_out(p) for p in access.access_pages(agent, workspace)]


@router.post(
    "/{slug}/pages",
    response={201: PageDetailOut, 404: ErrorOut, 409: ErrorOut, **BODY_ERRORS, **PATH_ERRORS},
    summary="Créer une page",
)
def create_page(request: HttpRequest, slug: str, payload: PageIn) -> Status[PageDetailOut]:
    agent = caller(request)
    workspace = access_readable_workspace(agent, slug)
    parent = None
    if payload.parent_id is not None:
        parent = Page.objects.filter(
            workspace=workspace, pk=payload.parent_id, trashed_at=None
        ).first()
        if parent is None:
            raise InvalidInput(fields={"parent_id": ["Page parente inconnue dans cet espace."]})
    page = actions.do_create_page(agent, workspace, payload.title, payload.body, parent=parent)
    return Status(201, _detail(page))


@router.get(
    "/{slug}/pages/{page_id}", response={200: PageDetailOut, **READ_ERRORS}, summary="Une page"
)
def get_page(request: HttpRequest, slug: str, page_id: uuid.UUID) -> PageDetailOut:
    agent = caller(request)
    workspace = access_readable_workspace(agent, slug)
    return _detail(access.access_page(agent, workspace, page_id))


@router.put(
    "/{slug}/pages/{page_id}",
    response={
        200: PageSavedOut,
        404: ErrorOut,
        409: ErrorOut,
        **BODY_ERRORS,
        **PATH_ERRORS,
    },
    summary="Enregistrer une page",
    description="Depuis `base_version` : si la page a changé entre-temps à d'autres endroits, "
    "les deux sont fusionnés (`merged`) ; aux mêmes endroits, rien n'est enregistré et la "
    "réponse 409 (`conflit_de_modification`) propose dans `fields.body` les deux textes entre "
    "des repères, et dans `fields.base_version` la version à partir de laquelle enregistrer.",
)
def save_page(
    request: HttpRequest, slug: str, page_id: uuid.UUID, payload: PageSaveIn
) -> Status[PageSavedOut] | Status[ErrorOut]:
    agent = caller(request)
    workspace = access_readable_workspace(agent, slug)
    page = access.access_page(agent, workspace, page_id)
    try:
        saved = actions.do_save_page(
            agent, page, title=payload.title, body=payload.body, base_version=payload.base_version
        )
    except actions.EditConflict as conflict:
        return Status(
            409,
            ErrorOut(
                code=conflict.code,
                message=conflict.message,
                fields={
                    "body": [conflict.merged_text],
                    "base_version": [str(conflict.page.version)],
                },
            ),
        )
    return Status(200, PageSavedOut(**_detail(saved.page).model_dump(), merged=saved.merged))
