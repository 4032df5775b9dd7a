"""Drive endpoints for public links, versions, the trash and quotas: parse, access, act,
serialize. Mounted under ``/api/v1/files/``."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Status

from beffroi.api.auth import caller_address
from beffroi.api.schemas import (
    AUTHENTICATED_ERRORS,
    BODY_ERRORS,
    PATH_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
)
from beffroi.files import access, actions, quotas
from beffroi.files.api.links_schemas import (
    LinkAccessOut,
    LinkIn,
    LinkOut,
    PurgedOut,
    QuotaIn,
    RestoredOut,
    TrashedOut,
    UsageOut,
    VersionOut,
)
from beffroi.files.models import Node, PublicLink, Space, Version

router = Router(tags=["fichiers : liens, versions, corbeille, quotas"])

READ_ERRORS = {404: ErrorOut, **AUTHENTICATED_ERRORS, **PATH_ERRORS}
CHANGE_ERRORS = {404: ErrorOut, **WRITE_ERRORS, **PATH_ERRORS}


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _link(link: PublicLink) -> LinkOut:
    return LinkOut(
        id=link.id,
        kind=link.kind,
        state=actions.link_problem(link) or "active",
        url=reverse("public_links:open", args=[link.token]),
        label=link.label,
        node_id=link.node_id,
        node_name=link.node.name,
        has_password=bool(link.password_hash),
        expires_at=link.expires_at,
        max_downloads=link.max_downloads,
        download_count=link.download_count,
        revoked_at=link.revoked_at,
        created_at=link.created_at,
    )


def _version(version: Version, node: Node) -> VersionOut:
    author = version.created_by
    return VersionOut(
        id=version.id,
        size=version.size,
        created_at=version.created_at,
        created_by=author.get_username() if author is not None else "",
        current=version.pk == node.current_version_id,
    )


def _usage(usage: quotas.SpaceUsage) -> UsageOut:
    return UsageOut(
        limit=usage.limit,
        used=usage.used,
        available=usage.available,
        current=usage.current,
        versions=usage.versions,
        trash=usage.trash,
    )


# --- Public links -----------------------------------------------------------------------------


@router.get("/links", response={200: list[LinkOut], **AUTHENTICATED_ERRORS}, summary="Mes liens")
def my_links(request: HttpRequest) -> list[LinkOut]:
    return [_link(link) for link in access.access_my_links(request.auth)]  # type: ignore[attr-defined]


@router.get(
    "/nodes/{node_id}/links",
    response={200: list[LinkOut], **READ_ERRORS},
    summary="Les liens publics d'un élément",
)
def node_links(request: HttpRequest, node_id: uuid.UUID) -> list[LinkOut]:
    node = access.access_living_node(request.auth, node_id)  # type: ignore[attr-defined]
    return [_link(link) for link in access.access_node_links(request.auth, node)]  # type: ignore[attr-defined]


@router.post(
    "/nodes/{node_id}/links",
    response={201: LinkOut, 404: ErrorOut, **BODY_ERRORS},
    summary="Créer un lien public",
    description="Lien de lecture (un fichier, ou un dossier et ce qu'il contient) ou boîte de "
    "dépôt (un dossier : envoi sans compte, sans liste ni téléchargement). Demande le droit de "
    "partager l'élément (403 sinon).",
)
def create_link(request: HttpRequest, node_id: uuid.UUID, payload: LinkIn) -> Status[LinkOut]:
    node = access.access_living_node(request.auth, node_id)  # type: ignore[attr-defined]
    link = actions.do_create_link(
        request.auth,  # type: ignore[attr-defined]
        node,
        kind=payload.kind,
        label=payload.label,
        password=payload.password,
        expires_at=_aware(payload.expires_at),
        max_downloads=payload.max_downloads,
        address=caller_address(request),
    )
    return Status(201, _link(link))


@router.get("/links/{link_id}", response={200: LinkOut, **READ_ERRORS}, summary="Un lien public")
def get_link(request: HttpRequest, link_id: uuid.UUID) -> LinkOut:
    return _link(access.access_link(request.auth, link_id))  # type: ignore[attr-defined]


@router.delete(
    "/links/{link_id}",
    response={204: None, **CHANGE_ERRORS},
    summary="Révoquer un lien public",
    description="Le lien répond ensuite comme une adresse inexistante ; son journal reste.",
)
def revoke_link(request: HttpRequest, link_id: uuid.UUID) -> Status[None]:
    link = access.access_link(request.auth, link_id)  # type: ignore[attr-defined]
    actions.do_revoke_link(request.auth, link, address=caller_address(request))  # type: ignore[attr-defined]
    return Status(204, None)


@router.get(
    "/links/{link_id}/accesses",
    response={200: list[LinkAccessOut], **READ_ERRORS},
    summary="Journal des accès à un lien public",
)
def link_log(request: HttpRequest, link_id: uuid.UUID) -> list[LinkAccessOut]:
    link = access.access_link(request.auth, link_id)  # type: ignore[attr-defined]
    return [
        LinkAccessOut(at=a.at, event=a.event, address=a.address, name=a.name, size=a.size)
        for a in access.access_link_log(request.auth, link)  # type: ignore[attr-defined]
    ]


# --- Versions ---------------------------------------------------------------------------------


@router.get(
    "/nodes/{node_id}/versions",
    response={200: list[VersionOut], **READ_ERRORS},
    summary="Versions d'un fichier",
)
def list_versions(request: HttpRequest, node_id: uuid.UUID) -> list[VersionOut]:
    node = access.access_living_node(request.auth, node_id)  # type: ignore[attr-defined]
    return [_version(v, node) for v in access.access_versions(request.auth, node)]  # type: ignore[attr-defined]


@router.post(
    "/nodes/{node_id}/versions/{version_id}/restore",
    response={201: VersionOut, 507: ErrorOut, **CHANGE_ERRORS},
    summary="Restaurer une version",
    description="Ajoute une nouvelle version au contenu de l'ancienne (rien n'est perdu). 507 "
    "quand l'espace n'a plus la place.",
)
def restore_version(
    request: HttpRequest, node_id: uuid.UUID, version_id: uuid.UUID
) -> Status[VersionOut]:
    agent = request.auth  # type: ignore[attr-defined]
    node = access.access_living_node(agent, node_id)
    version = access.access_version(agent, node, version_id)
    restored = actions.do_restore_version(agent, node, version, address=caller_address(request))
    node.refresh_from_db()
    return Status(201, _version(restored, node))


# --- Trash ------------------------------------------------------------------------------------


def _space(request: HttpRequest, space_id: uuid.UUID) -> Space:
    return access.access_space_by_id(request.auth, space_id)  # type: ignore[attr-defined]


@router.get(
    "/spaces/{space_id}/trash",
    response={200: list[TrashedOut], **READ_ERRORS},
    summary="La corbeille d'un espace",
)
def list_trash(request: HttpRequest, space_id: uuid.UUID) -> list[TrashedOut]:
    trashed = access.access_trash(request.auth, _space(request, space_id))  # type: ignore[attr-defined]
    return [
        TrashedOut(
            id=node.id,
            name=node.name,
            is_folder=node.is_folder,
            size=node.size,
            trashed_at=node.trashed_at,
            original_parent_id=node.parent_id,
        )
        for node in trashed
        if node.trashed_at is not None
    ]


@router.delete(
    "/spaces/{space_id}/trash",
    response={200: PurgedOut, **CHANGE_ERRORS},
    summary="Vider la corbeille d'un espace",
)
def empty_trash(request: HttpRequest, space_id: uuid.UUID) -> PurgedOut:
    space = _space(request, space_id)
    purged = actions.do_empty_trash(request.auth, space, address=caller_address(request))  # type: ignore[attr-defined]
    return PurgedOut(purged=purged)


@router.post(
    "/trash/{node_id}/restore",
    response={200: RestoredOut, **CHANGE_ERRORS},
    summary="Restaurer depuis la corbeille",
    description="À sa place si le dossier d'origine existe encore, sinon à la racine de "
    "l'espace ; un nom déjà pris devient « nom (2) ».",
)
def restore_from_trash(request: HttpRequest, node_id: uuid.UUID) -> RestoredOut:
    agent = request.auth  # type: ignore[attr-defined]
    node = access.access_trashed_node(agent, node_id)
    original_parent = node.parent_id
    restored = actions.do_restore_from_trash(agent, node, address=caller_address(request))
    return RestoredOut(
        id=restored.id,
        name=restored.name,
        parent_id=restored.parent_id,
        to_root=restored.parent_id != original_parent,
    )


@router.delete(
    "/trash/{node_id}",
    response={204: None, **CHANGE_ERRORS},
    summary="Supprimer définitivement",
)
def purge(request: HttpRequest, node_id: uuid.UUID) -> Status[None]:
    agent = request.auth  # type: ignore[attr-defined]
    node = access.access_trashed_node(agent, node_id)
    actions.do_purge(agent, node, address=caller_address(request))
    return Status(204, None)


# --- Quotas -----------------------------------------------------------------------------------


@router.get(
    "/spaces/{space_id}/usage",
    response={200: UsageOut, **READ_ERRORS},
    summary="Place occupée dans un espace",
)
def space_usage(request: HttpRequest, space_id: uuid.UUID) -> UsageOut:
    space = _space(request, space_id)
    return _usage(access.access_space_usage(request.auth, space))  # type: ignore[attr-defined]


@router.put(
    "/spaces/{space_id}/quota",
    response={200: UsageOut, 404: ErrorOut, **BODY_ERRORS},
    summary="Fixer le quota d'un espace",
    description="Réservé aux administrateurs (403 sinon).",
)
def set_quota(request: HttpRequest, space_id: uuid.UUID, payload: QuotaIn) -> UsageOut:
    agent = request.auth  # type: ignore[attr-defined]
    space = access.access_space_for_quota(agent, space_id)
    space = actions.do_set_space_quota(
        agent, space, payload.quota_bytes, address=caller_address(request)
    )
    return _usage(quotas.usage_of(space))
