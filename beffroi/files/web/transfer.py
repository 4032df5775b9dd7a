"""Bytes out of the drive: download a file, show it inline for a preview, its thumbnail, and a
folder as a zip made while it is sent."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import http_date
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from beffroi.core.errors import NotFound
from beffroi.files import access
from beffroi.files.blobs import BlobReader, blob_store
from beffroi.files.models import Node, Thumbnail
from beffroi.files.thumbnails import CONTENT_TYPE as THUMBNAIL_TYPE
from beffroi.files.web.listing import preview_kind
from beffroi.files.web.streaming import (
    UNSATISFIABLE,
    Opener,
    content_disposition,
    read_blocks,
    requested_range,
    streaming_response,
    zip_chunks,
)

# Shown inside the file page's frame only; no script may run in it.
PREVIEW_POLICY = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
)
SANDBOXED_POLICY = PREVIEW_POLICY + "; sandbox"


def open_content(node: Node) -> BlobReader:
    """A reader of ``node``'s current content (a node already read through ``access``)."""
    if node.current_version is None:
        raise NotFound
    return blob_store().open_read(node.current_version.blob_id)


def _file_response(request: HttpRequest, node: Node, disposition: str) -> HttpResponseBase:
    """The file's bytes, or the one range of them asked for (a video scrubbed, a download
    resumed), never read whole."""
    wanted = requested_range(
        request.headers.get("Range", ""), request.headers.get("If-Range", ""), node.etag, node.size
    )
    if wanted == UNSATISFIABLE:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{node.size}"
        return refused
    reader = open_content(node)
    first, last = wanted if wanted is not None else (0, node.size - 1)
    if first:
        reader.seek(first)
    length = max(0, last - first + 1)
    response: HttpResponseBase = streaming_response(
        request, read_blocks(reader, length), node.content_type or "application/octet-stream"
    )
    if wanted is not None:
        response.status_code = 206
        response["Content-Range"] = f"bytes {first}-{last}/{node.size}"
    response["Accept-Ranges"] = "bytes"
    response["Content-Length"] = str(length)
    response["Content-Disposition"] = content_disposition(disposition, node.name)
    response["Last-Modified"] = http_date(node.modified_at.timestamp())
    response["Cache-Control"] = "private, no-cache"
    if node.etag:
        response["ETag"] = f'"{node.etag}"'
    return response


@login_required
@require_GET
def download(request: HttpRequest, node_id: uuid.UUID) -> HttpResponseBase:
    node = access.access_readable_node(request.user, node_id)
    if node.is_folder:
        return download_zip(request, node_id)
    return _file_response(request, node, "attachment")


@xframe_options_sameorigin
@login_required
@require_GET
def content(request: HttpRequest, node_id: uuid.UUID) -> HttpResponseBase:
    """The file itself, for the preview on its page: images and PDF (the browser's viewer)
    only, never HTML or SVG that could run a script in Beffroi's origin."""
    node = access.access_readable_node(request.user, node_id)
    kind = preview_kind(node)
    if kind not in ("image", "pdf"):
        # Text is shown escaped inside the file's page; nothing else is served inline.
        raise NotFound
    response = _file_response(request, node, "inline")
    # Chrome's PDF viewer does not run in a sandboxed document; a PDF gets no sandbox, and
    # its policy still forbids any script or connection of its own.
    response["Content-Security-Policy"] = PREVIEW_POLICY if kind == "pdf" else SANDBOXED_POLICY
    return response


@login_required
@require_GET
def thumbnail(request: HttpRequest, node_id: uuid.UUID) -> HttpResponse:
    """The thumbnail, cached by the browser as long as the content does not change (its
    address carries the content's hash)."""
    node = access.access_readable_node(request.user, node_id)
    made = access.access_thumbnail(request.user, node)
    if made is None or made.status != Thumbnail.Status.READY:
        raise NotFound
    response = HttpResponse(bytes(made.data), content_type=THUMBNAIL_TYPE)
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    response["ETag"] = f'"{made.blob_id}"'
    return response


@dataclass(frozen=True)
class _Entry:
    path: str
    modified_at: datetime
    content_type: str
    open: Opener | None


def _entries(user: object, folder: Node) -> Iterator[_Entry]:
    top = folder.name or "Fichiers"
    for relative, node in access.access_files_below(user, folder):
        path = f"{top}/{relative}"
        if node.is_folder:
            yield _Entry(path, node.modified_at, "", None)
        elif node.current_version is not None:
            yield _Entry(
                path,
                node.modified_at,
                node.content_type,
                (lambda n=node: open_content(n)),
            )


@login_required
@require_GET
def download_zip(request: HttpRequest, node_id: uuid.UUID) -> StreamingHttpResponse:
    """A folder and what it holds as one zip, written while it is sent."""
    folder = access.access_readable_node(request.user, node_id)
    if not folder.is_folder:
        raise NotFound
    response = streaming_response(
        request, zip_chunks(_entries(request.user, folder)), "application/zip"
    )
    response["Content-Disposition"] = content_disposition(
        "attachment", f"{folder.name or 'Fichiers'}.zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response
