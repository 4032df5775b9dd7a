"""The pages of public links, at ``/p/<token>/``: no account needed.

A read link shows its file (and lets it be downloaded) or its folder (browsed below it, never
above). A deposit link shows an upload form and nothing else. A missing, revoked, expired or
exhausted link answers the same 404 page; every visit is written to the link's access log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from beffroi.core.errors import BeffroiError, NotFound, TooManyAttempts
from beffroi.files import access, actions
from beffroi.files.blobs import blob_store
from beffroi.files.models import Node, PublicLink, PublicLinkAccess
from beffroi.files.quotas import UploadMeter
from beffroi.files.web.deposit_upload import FIELD, DepositUploadHandler, TooLarge
from beffroi.web.requests import address_of

UNLOCKED_SESSION_KEY = "beffroi_unlocked_links"
# What a multipart form adds around its files (boundaries, headers, the CSRF field).
MULTIPART_SLACK = 64 * 1024


def unavailable(request: HttpRequest) -> HttpResponse:
    """One page for a link that does not exist, was revoked, has expired or is used up."""
    response = render(request, "files/public/unavailable.html", status=404)
    response["Cache-Control"] = "no-store"
    return response


class Closed(Exception):
    """The link may not be used (already logged): answer ``unavailable``."""


def _open(request: HttpRequest, token: str) -> PublicLink:
    try:
        link = access.open_public_link(token)
    except NotFound:
        raise Closed from None
    problem = actions.link_problem(link)
    if problem is not None:
        actions.do_log_link_access(link, problem, address=address_of(request))
        raise Closed
    return link


def _unlocked(request: HttpRequest, link: PublicLink) -> bool:
    return not link.password_hash or str(link.pk) in request.session.get(UNLOCKED_SESSION_KEY, [])


def _context(link: PublicLink, **extra: Any) -> dict[str, Any]:
    title = link.label or link.node.name
    return {"link": link, "title": title, "token": link.token, **extra}


def _password_page(
    request: HttpRequest, link: PublicLink, *, error: str = "", status: int = 200
) -> HttpResponse:
    return render(request, "files/public/password.html", _context(link, error=error), status=status)


Page = Callable[..., HttpResponseBase]


def link_page(view: Page) -> Page:
    """Open the link named in the URL: the 404 page when closed, the password page while
    locked; else ``view(request, link, ...)``. Nothing is cached on the way."""

    @never_cache
    def wrapped(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            link = _open(request, token)
        except Closed:
            return unavailable(request)
        if not _unlocked(request, link):
            return _password_page(request, link, status=401)
        try:
            return view(request, link, *args, **kwargs)
        except NotFound:
            return unavailable(request)

    return wrapped


@require_POST
@never_cache
def unlock(request: HttpRequest, token: str) -> HttpResponse:
    """Check the password a visitor typed; slowed down after repeated failures."""
    try:
        link = _open(request, token)
    except Closed:
        return unavailable(request)
    if not link.password_hash:
        return redirect("public_links:open", token=link.token)
    try:
        opened = actions.do_check_link_password(
            link, request.POST.get("password", ""), address=address_of(request)
        )
    except TooManyAttempts as error:
        message = _("Trop de tentatives. Réessayez dans %(seconds)s secondes.") % {
            "seconds": error.retry_after
        }
        response = _password_page(request, link, error=message, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    if not opened:
        return _password_page(
            request, link, error=_("Ce mot de passe n'est pas le bon."), status=401
        )
    request.session.cycle_key()
    request.session[UNLOCKED_SESSION_KEY] = [
        *request.session.get(UNLOCKED_SESSION_KEY, []),
        str(link.pk),
    ]
    return redirect("public_links:open", token=link.token)


def _segments(path: str) -> list[str]:
    return [segment for segment in path.split("/") if segment]


def _crumbs(link: PublicLink, segments: list[str]) -> list[tuple[str, str]]:
    crumbs = [(link.node.name or link.label, "")]
    for index, segment in enumerate(segments):
        crumbs.append((segment, "/".join(segments[: index + 1])))
    return crumbs


def _show_folder(
    request: HttpRequest, link: PublicLink, folder: Node, segments: list[str]
) -> HttpResponse:
    children = access.access_link_children(link, folder)
    base = "/".join(segments)
    entries = [(child, f"{base}/{child.name}" if base else child.name) for child in children]
    actions.do_log_link_access(
        link, PublicLinkAccess.Event.VIEW, address=address_of(request), name="/".join(segments)
    )
    return render(
        request,
        "files/public/folder.html",
        _context(
            link,
            folder=folder,
            entries=entries,
            crumbs=_crumbs(link, segments),
            downloads_left=_downloads_left(link),
        ),
    )


def _downloads_left(link: PublicLink) -> int | None:
    if link.max_downloads is None:
        return None
    return max(0, link.max_downloads - link.download_count)


@require_GET
@link_page
def open_link(request: HttpRequest, link: PublicLink) -> HttpResponse:
    """The link's page: a file, a folder, or the deposit form."""
    if link.kind == PublicLink.Kind.DEPOSIT:
        actions.do_log_link_access(link, PublicLinkAccess.Event.VIEW, address=address_of(request))
        return _deposit_page(request, link)
    if link.node.is_folder:
        return _show_folder(request, link, link.node, [])
    actions.do_log_link_access(
        link, PublicLinkAccess.Event.VIEW, address=address_of(request), name=link.node.name
    )
    return render(
        request,
        "files/public/file.html",
        _context(link, file=link.node, downloads_left=_downloads_left(link)),
    )


@require_GET
@link_page
def browse(request: HttpRequest, link: PublicLink, path: str) -> HttpResponse:
    """A folder below a read link's folder."""
    segments = _segments(path)
    folder = access.access_link_node(link, segments)
    if not folder.is_folder:
        raise NotFound
    return _show_folder(request, link, folder, segments)


@require_GET
@link_page
def download(request: HttpRequest, link: PublicLink, path: str = "") -> HttpResponseBase:
    """A file of a read link, as an attachment; counted against the link's limit."""
    node = access.access_link_node(link, _segments(path))
    if node.is_folder or node.current_version is None:
        raise NotFound
    if not actions.do_count_download(link, node, address=address_of(request)):
        actions.do_log_link_access(
            link, PublicLinkAccess.Event.EXHAUSTED, address=address_of(request)
        )
        raise NotFound
    reader = blob_store().open_read(node.current_version.blob_id)
    response = FileResponse(
        reader,
        as_attachment=True,
        filename=node.name,
        content_type=node.content_type or "application/octet-stream",
    )
    response["Content-Length"] = str(node.current_version.size)
    return response


# --- Deposit ----------------------------------------------------------------------------------


def _deposit_page(
    request: HttpRequest,
    link: PublicLink,
    *,
    received: list[Node] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "files/public/deposit.html",
        _context(
            link,
            received=received or [],
            errors=errors or [],
            field=FIELD,
            max_bytes=settings.FILES_DEPOSIT_MAX_BYTES,
        ),
        status=status,
    )


def _refuse_deposit(request: HttpRequest, link: PublicLink, error: BeffroiError) -> HttpResponse:
    actions.do_log_link_access(link, PublicLinkAccess.Event.REFUSED, address=address_of(request))
    return _deposit_page(request, link, errors=[error.message], status=error.http_status)


@csrf_exempt
@require_POST
@link_page
def deposit(request: HttpRequest, link: PublicLink) -> HttpResponseBase:
    """Receive the documents of a deposit form, streamed to the blob store as they arrive.

    CSRF is checked by ``_receive`` once the upload handler is in place: the check reads the
    form, and the form must be read by that handler."""
    if link.kind != PublicLink.Kind.DEPOSIT:
        raise NotFound
    declared = request.META.get("CONTENT_LENGTH") or ""
    size = int(declared) if declared.isdigit() else 0
    limit = settings.FILES_DEPOSIT_MAX_BYTES
    try:
        if size > limit + MULTIPART_SLACK:
            raise TooLarge(
                _("L'envoi dépasse la taille permise (%(limit)s au plus).")
                % {"limit": filesizeformat(limit)}
            )
        meter = UploadMeter(link.node.space, declared=max(0, size - MULTIPART_SLACK))
    except BeffroiError as error:
        return _refuse_deposit(request, link, error)
    handler = DepositUploadHandler(request, limit=limit, meter=meter)
    request.upload_handlers = [handler]
    response: HttpResponseBase = _receive(request, link, handler)
    return response


@csrf_protect
def _receive(request: HttpRequest, link: PublicLink, handler: DepositUploadHandler) -> HttpResponse:
    request.FILES  # noqa: B018 - reads the form through the handler
    if handler.problem is not None:
        return _refuse_deposit(request, link, handler.problem)
    if not handler.deposited:
        return _deposit_page(
            request, link, errors=[_("Choisissez au moins un document à envoyer.")], status=400
        )
    received: list[Node] = []
    errors: list[str] = []
    for upload in handler.deposited:
        try:
            received.append(
                actions.do_deposit(
                    link,
                    upload.name or "",
                    upload.stored,
                    # The name says what it is; a stranger's claimed type is not kept.
                    content_type="",
                    address=address_of(request),
                )
            )
        except BeffroiError as error:
            errors.append(f"{upload.name} : {error.message}")
    status = 200 if received else 400
    return _deposit_page(request, link, received=received, errors=errors, status=status)


def unknown(request: HttpRequest, token: str, rest: str) -> HttpResponse:
    """Any other address under a link: the same page as a missing link."""
    return unavailable(request)
