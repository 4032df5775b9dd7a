"""The wiki pages of a workspace: the tree, a page with its backlinks, writing one (with a live
preview and, when someone saved in between, the merge view), its history, differences between
any two versions, and restoring one. Each view: read (``access``), act (``actions``), render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beffroi.core.errors import BeffroiError, InvalidInput
from beffroi.directory.models import Organisation
from beffroi.web.errors import readable
from beffroi.web.requests import acting_agent
from beffroi.wiki import access, actions, attachments, export
from beffroi.wiki.diff import line_diff
from beffroi.wiki.export_docx import MIMETYPE as DOCX_MIMETYPE
from beffroi.wiki.export_docx import docx as export_docx_document
from beffroi.wiki.markdown import render as render_markdown
from beffroi.wiki.models import Page
from beffroi.wiki.page_templates import PAGE_TEMPLATES
from beffroi.wiki.policies import abilities
from beffroi.wiki.web.forms import AttachForm, EditPageForm, MovePageForm, NewPageForm
from beffroi.workspaces.access import access_readable_workspace
from beffroi.workspaces.models import Workspace
from beffroi.workspaces.web.shell import workspace_context

PREVIEW_LIMIT = actions.MAX_BODY


def _context(user: Any, workspace: Workspace, **extra: Any) -> dict[str, Any]:
    context = workspace_context(user, workspace, "wiki")
    context["wiki"] = abilities(user, workspace)
    context.update(extra)
    return context


def html_of(workspace: Workspace, body: str) -> str:
    def resolve(title: str) -> tuple[str, bool]:
        found = access.find_by_title(workspace, title)
        if found is not None:
            return reverse("wiki:page", args=[workspace.slug, found.pk]), True
        create = reverse("wiki:create", args=[workspace.slug])
        return f"{create}?{urlencode({'titre': title})}", False

    return mark_safe(render_markdown(body, resolve))  # noqa: S308 - nh3 sanitised it


def _apply_errors(form: Any, error: InvalidInput) -> None:
    for field, problems in error.fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
    if not error.fields:
        form.add_error(None, error.message)


@login_required
def index(request: HttpRequest, slug: str) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    pages = access.access_pages(agent, workspace)
    return render(request, "wiki/index.html", _context(agent, workspace, pages=pages))


@login_required
def create(request: HttpRequest, slug: str) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    pages = access.access_pages(agent, workspace)
    if not abilities(agent, workspace).write:
        return redirect("wiki:index", workspace.slug)
    initial = {"title": request.GET.get("titre", "")[: actions.MAX_TITLE], "template": "vide"}
    form = NewPageForm(request.POST or None, pages=pages, initial=initial)
    if request.method == "POST" and form.is_valid():
        template = PAGE_TEMPLATES[form.cleaned_data["template"]]
        try:
            page = actions.do_create_page(
                agent,
                workspace,
                form.cleaned_data["title"],
                str(template.body),
                parent=form.cleaned_data["parent"],
            )
        except InvalidInput as error:
            _apply_errors(form, error)
        else:
            return redirect("wiki:edit", workspace.slug, page.pk)
    return render(request, "wiki/create.html", _context(agent, workspace, form=form))


@login_required
def page(request: HttpRequest, slug: str, page_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    found = access.access_page(agent, workspace, page_id)
    pages = access.access_pages(agent, workspace)
    return render(
        request,
        "wiki/page.html",
        _context(
            agent,
            workspace,
            page=found,
            pages=pages,
            html=html_of(workspace, found.body),
            backlinks=access.access_backlinks(agent, found),
            attachments=[
                {"node": node, "markdown": attachments.markdown_of(node)}
                for node in access.access_attachments(agent, found)
            ],
            attach_form=AttachForm(),
            move_form=MovePageForm(pages=pages, initial={"parent": found.parent_id}),
        ),
    )


@login_required
def edit(request: HttpRequest, slug: str, page_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    found = access.access_page(agent, workspace, page_id)
    if not abilities(agent, workspace).write:
        return redirect("wiki:page", workspace.slug, found.pk)
    form = EditPageForm(
        request.POST or None,
        initial={"title": found.title, "body": found.body, "base_version": found.version},
    )
    conflict: actions.EditConflict | None = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.do_save_page(
                agent,
                found,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                base_version=form.cleaned_data["base_version"],
            )
        except actions.EditConflict as error:
            conflict = error
            status = 409
            # Both texts, between markers, and the version they now start from.
            form = EditPageForm(
                initial={
                    "title": form.cleaned_data["title"],
                    "body": error.merged_text,
                    "base_version": error.page.version,
                }
            )
        except InvalidInput as error:
            _apply_errors(form, error)
            status = 422
        else:
            if saved.merged:
                messages.info(
                    request,
                    _(
                        "Quelqu'un avait enregistré la page entre-temps, à d'autres endroits : "
                        "vos modifications et les siennes sont toutes deux gardées."
                    ),
                )
            else:
                messages.success(request, _("La page est enregistrée."))
            return redirect("wiki:page", workspace.slug, found.pk)
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "wiki/edit.html",
        _context(agent, workspace, page=found, form=form, conflict=conflict),
        status=status,
    )


@login_required
@require_POST
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The HTML of the text being written (the editor's live preview)."""
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    body = request.POST.get("body", "")[:PREVIEW_LIMIT]
    return HttpResponse(html_of(workspace, body), content_type="text/html; charset=utf-8")


@login_required
def history(request: HttpRequest, slug: str, page_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    found = access.access_page(agent, workspace, page_id)
    versions = access.access_versions(agent, found)
    return render(
        request, "wiki/history.html", _context(agent, workspace, page=found, versions=versions)
    )


def _number(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


@login_required
def compare(request: HttpRequest, slug: str, page_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    found = access.access_page(agent, workspace, page_id)
    old = access.access_version(agent, found, _number(request.GET.get("de"), found.version - 1))
    new = access.access_version(agent, found, _number(request.GET.get("a"), found.version))
    return render(
        request,
        "wiki/compare.html",
        _context(
            agent,
            workspace,
            page=found,
            old=old,
            new=new,
            lines=line_diff(old.body, new.body),
            title_changed=old.title != new.title,
        ),
    )


@login_required
@require_POST
def restore(request: HttpRequest, slug: str, page_id: uuid.UUID, number: int) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    found = access.access_page(agent, workspace, page_id)
    try:
        actions.do_restore_version(agent, found, number)
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("La version %(number)d est redevenue le contenu de la page.") % {"number": number},
        )
    return redirect("wiki:page", workspace.slug, found.pk)


@login_required
@require_POST
def move(request: HttpRequest, slug: str, page_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    found = access.access_page(agent, workspace, page_id)
    form = MovePageForm(request.POST, pages=access.access_pages(agent, workspace))
    if form.is_valid():
        parent: Page | None = form.cleaned_data["parent"]
        try:
            actions.do_move_page(agent, found, parent)
        except InvalidInput as error:
            messages.error(request, readable(error))
        else:
            messages.success(request, _("La page est déplacée."))
    return redirect("wiki:page", workspace.slug, found.pk)


@login_required
@require_POST
def trash(request: HttpRequest, slug: str, page_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    found = access.access_page(agent, workspace, page_id)
    actions.do_trash_page(agent, found)
    messages.success(request, _("La page « %(title)s » est supprimée.") % {"title": found.title})
    return redirect("wiki:index", workspace.slug)


def _export_sections(
    request: HttpRequest, slug: str, page_id: uuid.UUID
) -> tuple[Page, list[tuple[str, str, int]]]:
    """The page, with its subpages when ``?sous-pages=1``, as ``(title, body, level)``."""
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    found = access.access_page(agent, workspace, page_id)
    sections = [(found.title, found.body, 1)]
    if request.GET.get("sous-pages") == "1":
        sections += [
            (below.title, below.body, 1 + depth)
            for below, depth in access.access_subtree(agent, found)
        ]
    return found, sections


def _download(content: bytes, content_type: str, page: Page, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    filename = slugify(page.title) or "page"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response


@login_required
def export_odt(request: HttpRequest, slug: str, page_id: uuid.UUID) -> HttpResponse:
    """The page (and its subpages) as an OpenDocument text, under the commune's letterhead."""
    found, sections = _export_sections(request, slug, page_id)
    letterhead = Organisation.current().name
    return _download(export.odt(sections, letterhead=letterhead), export.MIMETYPE, found, "odt")


@login_required
def export_docx(request: HttpRequest, slug: str, page_id: uuid.UUID) -> HttpResponse:
    """The page (and its subpages) as a Word document, under the commune's letterhead."""
    found, sections = _export_sections(request, slug, page_id)
    content = export_docx_document(sections, letterhead=Organisation.current().name)
    return _download(content, DOCX_MIMETYPE, found, "docx")


@login_required
@require_POST
def attach(request: HttpRequest, slug: str, page_id: uuid.UUID) -> HttpResponse:
    """A file or an image for the page, kept in the workspace drive."""
    agent = acting_agent(request)
    workspace = access_readable_workspace(agent, slug)
    found = access.access_page(agent, workspace, page_id)
    form = AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choisissez un fichier à joindre."))
        return redirect("wiki:page", workspace.slug, found.pk)
    upload = form.cleaned_data["file"]
    try:
        node = actions.do_attach(
            agent,
            found,
            upload.name or "",
            upload.chunks(),
            content_type=upload.content_type or "",
        )
    except BeffroiError as error:
        messages.error(request, readable(error))
    else:
        messages.success(
            request,
            _("« %(name)s » est joint ; pour l'afficher dans la page, copiez : %(markdown)s")
            % {"name": node.name, "markdown": attachments.markdown_of(node)},
        )
    return redirect("wiki:page", workspace.slug, found.pk)
