"""Drive endpoints: parse, access, act, serialize.

Nodes are addressed by id. What a caller may not see answers 404 like what does not exist;
what they see but may not change answers 403.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from ninja import File, Query, Router, Status, UploadedFile

from beffroi.api.auth import caller, caller_address
from beffroi.api.schemas import (
    AUTHENTICATED_ERRORS,
    BODY_ERRORS,
    PATH_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
)
from beffroi.core.errors import InvalidInput
from beffroi.directory.models import Agent
from beffroi.files import access, actions, policies
from beffroi.files.api.schemas import (
    AbilitiesOut,
    ExplanationOut,
    ExplanationQuery,
    FolderIn,
    GranteeOut,
    InheritanceIn,
    NodeOut,
    NodeUpdateIn,
    ReasonOut,
    SharedItemOut,
    ShareIn,
    ShareOut,
    ShareRoleIn,
    SpaceOut,
)
from beffroi.files.blobs import blob_store
from beffroi.files.models import Node, Share, Space

router = Router(tags=["fichiers"])

READ_ERRORS = {404: ErrorOut, **AUTHENTICATED_ERRORS, **PATH_ERRORS}
CHANGE_ERRORS = {404: ErrorOut, **BODY_ERRORS, **PATH_ERRORS}
DELETE_ERRORS = {404: ErrorOut, 422: ErrorOut, **WRITE_ERRORS, **PATH_ERRORS}
DOWNLOAD_CHUNK_BYTES = 1024 * 1024


def _abilities(granted: policies.Abilities) -> AbilitiesOut:
    return AbilitiesOut(
        read=granted.read,
        write=granted.write,
        delete=granted.delete,
        share=granted.share,
        traverse=granted.traverse,
        role=granted.role,
    )


def _node(agent: Agent, node: Node) -> NodeOut:
    return NodeOut(
        id=node.id,
        space_id=node.space_id,
        parent_id=node.parent_id,
        name=node.name,
        is_folder=node.is_folder,
        size=node.size,
        content_type=node.content_type,
        etag=node.etag,
        modified_at=node.modified_at,
        stops_inheritance=node.stops_inheritance,
        abilities=_abilities(policies.abilities(agent, node)),
    )


def _space(agent: Agent, space: Space) -> SpaceOut:
    root = access.access_root(agent, space)
    return SpaceOut(
        id=space.id,
        slug=space.slug,
        kind=space.kind,
        name=access.space_name(space),
        root_id=root.id,
        abilities=_abilities(policies.abilities(agent, root)),
        webdav_path=f"/dav/spaces/{space.slug}/",
    )


def _share(share: Share) -> ShareOut:
    if share.agent is not None:
        grantee = GranteeOut(kind="agent", id=share.agent.id, name=share.agent.display_name)
    elif share.group is not None:
        grantee = GranteeOut(kind="group", id=share.group.id, name=share.group.name)
    else:
        assert share.department is not None
        grantee = GranteeOut(kind="department", id=share.department.id, name=share.department.name)
    return ShareOut(
        id=share.id,
        node_id=share.node_id,
        role=share.role,
        grantee=grantee,
        created_at=share.created_at,
    )


# --- Spaces and folders -----------------------------------------------------------------------


@router.get(
    "/files/spaces",
    response={200: list[SpaceOut], **AUTHENTICATED_ERRORS},
    summary="Mes espaces",
    description="Mon espace personnel, ceux de mes services, et ceux où quelque chose est "
    "partagé avec moi.",
)
def list_spaces(request: HttpRequest) -> list[SpaceOut]:
    agent = caller(request)
    actions.do_open_personal_space(agent)
    actions.do_open_department_spaces(agent)
    return [_space(agent, space) for space in access.access_reachable_spaces(agent)]


@router.get(
    "/files/shared-with-me",
    response={200: list[SharedItemOut], **AUTHENTICATED_ERRORS},
    summary="Partagés avec moi",
    description="Dossiers et fichiers partagés avec moi, un groupe ou un service dont je suis "
    "membre, hors de mon espace personnel ; le plus récent d'abord.",
)
def shared_with_me(request: HttpRequest) -> list[SharedItemOut]:
    agent = caller(request)
    return [
        SharedItemOut(node=_node(agent, item.node), space=_space(agent, item.space), path=item.path)
        for item in access.access_shared_with_me(agent)
    ]


@router.get("/files/nodes/{node_id}", response={200: NodeOut, **READ_ERRORS}, summary="Un élément")
def get_node(request: HttpRequest, node_id: uuid.UUID) -> NodeOut:
    agent = caller(request)
    return _node(agent, access.access_visible_node(agent, node_id))


@router.get(
    "/files/nodes/{node_id}/children",
    response={200: list[NodeOut], **READ_ERRORS},
    summary="Contenu d'un dossier",
    description="Par nom. Dans un dossier que l'on ne fait que traverser, seul le chemin vers "
    "ce qui est partagé apparaît.",
)
def list_children(request: HttpRequest, node_id: uuid.UUID) -> list[NodeOut]:
    agent = caller(request)
    folder = access.access_visible_node(agent, node_id)
    return [_node(agent, child) for child in access.access_children(agent, folder)]


def _chunks(node: Node) -> Iterator[bytes]:
    version = node.current_version
    if version is None:
        return
    with blob_store().open_read(version.blob_id) as reader:
        while piece := reader.read(DOWNLOAD_CHUNK_BYTES):
            yield piece


@router.get(
    "/files/nodes/{node_id}/content",
    response={200: None, 422: ErrorOut, **READ_ERRORS},
    summary="Télécharger un fichier",
    description="Le contenu, envoyé par morceaux.",
    openapi_extra={
        "responses": {
            "200": {
                "description": "Le contenu du fichier",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download(request: HttpRequest, node_id: uuid.UUID) -> StreamingHttpResponse:
    node = access.access_readable_node(caller(request), node_id)
    if node.is_folder:
        raise InvalidInput(gettext("Un dossier ne se télécharge pas ainsi."))
    response = StreamingHttpResponse(
        _chunks(node), content_type=node.content_type or "application/octet-stream"
    )
    response["Content-Length"] = str(node.size)
    response["Content-Disposition"] = content_disposition_header(True, node.name) or "attachment"
    response["ETag"] = f'"{node.etag}"'
    return response


@router.post(
    "/files/nodes/{node_id}/files",
    response={201: NodeOut, **CHANGE_ERRORS},
    summary="Déposer un fichier",
    description="Envoi multipart (champ « file ») dans le dossier ; le nom est celui du "
    "fichier envoyé. Un fichier du même nom reçoit une nouvelle version.",
)
def upload(request: HttpRequest, node_id: uuid.UUID, file: File[UploadedFile]) -> Status[NodeOut]:
    agent = caller(request)
    folder = access.access_visible_node(agent, node_id)
    node = actions.do_upload(
        agent,
        folder,
        file.name or "",
        file.chunks(actions.UPLOAD_CHUNK_BYTES),
        content_type=file.content_type or "",
    )
    return Status(201, _node(agent, node))


@router.post(
    "/files/nodes/{node_id}/folders",
    response={201: NodeOut, **CHANGE_ERRORS},
    summary="Créer un dossier",
)
def create_folder(request: HttpRequest, node_id: uuid.UUID, payload: FolderIn) -> Status[NodeOut]:
    agent = caller(request)
    parent = access.access_visible_node(agent, node_id)
    return Status(201, _node(agent, actions.do_create_folder(agent, parent, payload.name)))


@router.patch(
    "/files/nodes/{node_id}",
    response={200: NodeOut, **CHANGE_ERRORS},
    summary="Renommer ou déplacer",
)
def update_node(request: HttpRequest, node_id: uuid.UUID, payload: NodeUpdateIn) -> NodeOut:
    agent = caller(request)
    node = access.access_visible_node(agent, node_id)
    if payload.parent_id is not None:
        parent = access.access_visible_node(agent, payload.parent_id)
    elif node.parent_id is not None:
        parent = access.access_visible_node(agent, node.parent_id)
    else:
        raise InvalidInput(gettext("La racine d'un espace ne peut pas être déplacée."))
    moved = actions.do_move(agent, node, parent, payload.name or node.name)
    return _node(agent, moved)


@router.delete(
    "/files/nodes/{node_id}",
    response={204: None, **DELETE_ERRORS},
    summary="Mettre à la corbeille",
)
def trash_node(request: HttpRequest, node_id: uuid.UUID) -> Status[None]:
    agent = caller(request)
    node = access.access_visible_node(agent, node_id)
    actions.do_trash(agent, node, address=caller_address(request))
    return Status(204, None)


@router.put(
    "/files/nodes/{node_id}/inheritance",
    response={200: NodeOut, **CHANGE_ERRORS},
    summary="Interrompre ou rétablir l'héritage des droits",
    description="Réservé aux gestionnaires du dossier. Un dossier qui n'hérite plus garde ses "
    "propres partages ; les gestionnaires de l'espace gardent leur accès.",
)
def set_inheritance(request: HttpRequest, node_id: uuid.UUID, payload: InheritanceIn) -> NodeOut:
    agent = caller(request)
    folder = access.access_visible_node(agent, node_id)
    changed = actions.do_set_inheritance(
        agent, folder, inherits=payload.inherits, address=caller_address(request)
    )
    return _node(agent, changed)


# --- Shares -----------------------------------------------------------------------------------


@router.get(
    "/files/nodes/{node_id}/shares",
    response={200: list[ShareOut], **READ_ERRORS},
    summary="Partages d'un élément",
    description="Les partages donnés sur cet élément même (pas ceux hérités d'au-dessus : voir "
    "l'explication des droits).",
)
def list_shares(request: HttpRequest, node_id: uuid.UUID) -> list[ShareOut]:
    agent = caller(request)
    node = access.access_readable_node(agent, node_id)
    return [_share(share) for share in access.access_shares(agent, node)]


@router.post(
    "/files/nodes/{node_id}/shares",
    response={201: ShareOut, **CHANGE_ERRORS},
    summary="Partager",
    description="Donne un rôle (reader, editor, manager) à un agent, un groupe ou un service "
    "(et ses sous-services) ; un partage existant pour la même personne change de rôle. "
    "Réservé aux gestionnaires.",
)
def create_share(request: HttpRequest, node_id: uuid.UUID, payload: ShareIn) -> Status[ShareOut]:
    agent = caller(request)
    node = access.access_readable_node(agent, node_id)
    grantee = access.access_grantee(
        agent,
        agent_id=payload.agent_id,
        group_id=payload.group_id,
        department_id=payload.department_id,
    )
    share = actions.do_share(agent, node, grantee, payload.role, address=caller_address(request))
    return Status(201, _share(access.access_share(agent, share.id)))


@router.patch(
    "/files/shares/{share_id}",
    response={200: ShareOut, **CHANGE_ERRORS},
    summary="Changer le rôle d'un partage",
)
def update_share(request: HttpRequest, share_id: uuid.UUID, payload: ShareRoleIn) -> ShareOut:
    agent = caller(request)
    share = access.access_share(agent, share_id)
    actions.do_change_share_role(agent, share, payload.role, address=caller_address(request))
    return _share(access.access_share(agent, share_id))


@router.delete(
    "/files/shares/{share_id}",
    response={204: None, **DELETE_ERRORS},
    summary="Retirer un partage",
)
def delete_share(request: HttpRequest, share_id: uuid.UUID) -> Status[None]:
    agent = caller(request)
    share = access.access_share(agent, share_id)
    actions.do_unshare(agent, share, address=caller_address(request))
    return Status(204, None)


@router.get(
    "/files/nodes/{node_id}/explanation",
    response={200: ExplanationOut, **READ_ERRORS},
    summary="Pourquoi ces droits ?",
    description="Ce que la personne peut faire de cet élément et chaque raison : propriétaire, "
    "responsable ou membre du service, partages (hérités ou non), et ceux qu'un dossier qui "
    "n'hérite pas arrête. Sur soi-même pour tous ; sur quelqu'un d'autre pour les "
    "gestionnaires de l'élément.",
)
def explain(
    request: HttpRequest, node_id: uuid.UUID, filters: Query[ExplanationQuery]
) -> ExplanationOut:
    agent = caller(request)
    node = access.access_visible_node(agent, node_id)
    about = (
        access.access_agent_for_explanation(agent, filters.agent_id)
        if filters.agent_id is not None
        else agent
    )
    explanation = access.access_explanation(agent, node, about)
    return ExplanationOut(
        agent_id=about.id,
        abilities=_abilities(explanation.abilities),
        reasons=[
            ReasonOut(
                code=reason.code,
                role=reason.role,
                message=reason.message,
                applies=reason.applies,
                node_id=reason.node_id,
                path=reason.path,
                inherited=reason.inherited,
            )
            for reason in explanation.reasons
        ],
    )
