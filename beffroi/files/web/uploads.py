"""The resumable upload the drive's script uses (session-authenticated, CSRF-checked JSON):

    POST   /drive/envois/                 {"parent", "path", "size"} → 201 {"id", "url", "offset"}
    GET    /drive/envois/<id>/            → {"offset", "size"}: how far the server got
    PUT    /drive/envois/<id>/            the bytes from header Upload-Offset → {"offset"}
                                          (409 {"offset"} when the offset is not the server's)
    POST   /drive/envois/<id>/terminer/   → 201 {"id", "name", "url"}: the file is saved
    DELETE /drive/envois/<id>/            → 204: abandoned

Errors answer {"code", "message"} in French with the error's status.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from beffroi.core.errors import BeffroiError, InvalidInput
from beffroi.files import access, actions
from beffroi.files.actions.uploads import MAX_CHUNK_BYTES
from beffroi.files.models import UploadSession
from beffroi.files.web.listing import parse_uuid
from beffroi.web.requests import acting_agent

__all__ = ["MAX_CHUNK_BYTES"]

MAX_START_BODY = 16 * 1024


def _problem(error: BeffroiError) -> JsonResponse:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if isinstance(error, actions.UploadOffsetMismatch):
        body["offset"] = error.expected
    return JsonResponse(body, status=error.http_status)


def _state(upload: UploadSession) -> dict[str, Any]:
    return {
        "id": str(upload.pk),
        "url": reverse("files:upload_session", kwargs={"upload_id": upload.pk}),
        "offset": upload.received,
        "size": upload.size,
    }


def _start_fields(request: HttpRequest) -> tuple[uuid.UUID, str, int]:
    try:
        payload = json.loads(request.read(MAX_START_BODY + 1)[:MAX_START_BODY] or b"{}")
    except ValueError:
        raise InvalidInput(_("Le corps de la demande n'est pas du JSON valide.")) from None
    if not isinstance(payload, dict):
        raise InvalidInput(_("Le corps de la demande n'est pas du JSON valide."))
    parent = parse_uuid(payload.get("parent"))
    path = payload.get("path")
    size = payload.get("size")
    if parent is None or not isinstance(path, str) or type(size) is not int:
        raise InvalidInput(_("Indiquez le dossier, le nom et la taille du fichier."))
    return parent, path, size


@never_cache
@login_required
@require_POST
def start(request: HttpRequest) -> JsonResponse:
    try:
        parent_id, path, size = _start_fields(request)
        parent = access.access_visible_node(request.user, parent_id)
        upload = actions.do_start_upload(acting_agent(request), parent, path, size)
    except BeffroiError as error:
        return _problem(error)
    return JsonResponse(_state(upload), status=201)


def _offset_header(request: HttpRequest) -> int:
    raw = request.headers.get("Upload-Offset", "")
    if not raw.isdigit():
        raise InvalidInput(_("L'en-tête Upload-Offset manque ou n'est pas un nombre."))
    return int(raw)


@never_cache
@login_required
@require_http_methods(["GET", "PUT", "DELETE"])
def session(request: HttpRequest, upload_id: uuid.UUID) -> HttpResponse:
    try:
        upload = access.access_upload(request.user, upload_id)
        if request.method == "GET":
            return JsonResponse(_state(upload))
        if request.method == "DELETE":
            actions.do_abandon_upload(acting_agent(request), upload)
            return HttpResponse(status=204)
        offset = _offset_header(request)
        # Read from the stream: ``request.body`` would refuse anything above the small limit
        # meant for forms. One chunk is at most MAX_CHUNK_BYTES.
        data = request.read(MAX_CHUNK_BYTES + 1)
        received = actions.do_receive_chunk(acting_agent(request), upload, offset, data)
    except BeffroiError as error:
        return _problem(error)
    return JsonResponse({"offset": received, "size": upload.size})


@never_cache
@login_required
@require_POST
def finish(request: HttpRequest, upload_id: uuid.UUID) -> JsonResponse:
    try:
        upload = access.access_upload(request.user, upload_id)
        node = actions.do_finish_upload(acting_agent(request), upload)
    except BeffroiError as error:
        return _problem(error)
    return JsonResponse(
        {
            "id": str(node.pk),
            "name": node.name,
            "url": reverse("files:file", kwargs={"node_id": node.pk}),
        },
        status=201,
    )
