"""Drive pages that write, each an ordinary form that works without JavaScript: new folder,
upload, rename, move, copy, delete (to the trash), favourite.

Each view: parse, access, act, then redirect with a message (or show the form again with the
action's French error).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from beffroi.core.errors import BeffroiError, InvalidInput, NotAllowed, NotFound
from beffroi.files import access, actions, policies
from beffroi.files.models import Node
from beffroi.files.web.listing import parse_uuid, space_label
from beffroi.web.requests import acting_agent, address_of


class NameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom"), max_length=255, strip=False)


class DestinationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom à l'arrivée"), max_length=255, strip=False)
    destination = forms.UUIDField(widget=forms.HiddenInput)


def _place_of(node: Node) -> HttpResponse:
    """Back to the folder that holds ``node`` (or the folder itself for a root)."""
    return redirect("files:folder", node_id=node.parent_id or node.pk)


def _back(request: HttpRequest, fallback: HttpResponse) -> HttpResponse:
    target = request.POST.get("suivant", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return fallback


def _first_error(error: BeffroiError) -> str:
    for problems in error.fields.values():
        if problems:
            return problems[0]
    return error.message


@login_required
@require_POST
def create_folder(request: HttpRequest, node_id: uuid.UUID) -> HttpResponse:
    parent = access.access_visible_node(request.user, node_id)
    form = NameForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Donnez un nom au nouveau dossier."))
        return redirect("files:folder", node_id=parent.pk)
    try:
        created = actions.do_create_folder(acting_agent(request), parent, form.cleaned_data["name"])
    except BeffroiError as error:
        if isinstance(error, (NotFound, NotAllowed)):
            raise
        messages.error(request, _first_error(error))
        return redirect("files:folder", node_id=parent.pk)
    messages.success(request, _("Le dossier « %(name)s » est créé.") % {"name": created.name})
    return redirect("files:folder", node_id=parent.pk)


def _uploaded_chunks(uploaded: UploadedFile) -> Iterator[bytes]:
    yield from uploaded.chunks()


@login_required
@require_POST
def upload(request: HttpRequest, node_id: uuid.UUID) -> HttpResponse:
    """The form upload (without JavaScript, or for small files): every chosen file."""
    parent = access.access_visible_node(request.user, node_id)
    files = request.FILES.getlist("fichiers")
    if not files:
        messages.error(request, _("Choisissez au moins un fichier à envoyer."))
        return redirect("files:folder", node_id=parent.pk)
    saved: list[str] = []
    for uploaded in files:
        try:
            node = actions.do_upload(
                acting_agent(request),
                parent,
                uploaded.name or "",
                _uploaded_chunks(uploaded),
                content_type="",
            )
        except BeffroiError as error:
            if isinstance(error, (NotFound, NotAllowed)):
                raise
            messages.error(
                request,
                _("« %(name)s » n'a pas été envoyé : %(why)s")
                % {"name": uploaded.name, "why": _first_error(error)},
            )
            continue
        actions.do_request_thumbnail(node)
        saved.append(node.name)
    if saved:
        messages.success(
            request,
            _("Fichiers envoyés : %(names)s.") % {"names": ", ".join(saved)},
        )
    return redirect("files:folder", node_id=parent.pk)


@login_required
@require_http_methods(["GET", "POST"])
def rename(request: HttpRequest, node_id: uuid.UUID) -> HttpResponse:
    node = access.access_readable_node(request.user, node_id)
    if node.parent is None or not policies.abilities(request.user, node).write:
        raise NotFound
    form = NameForm(request.POST or None, initial={"name": node.name})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_move(acting_agent(request), node, node.parent, form.cleaned_data["name"])
        except InvalidInput as error:
            form.add_error("name", _first_error(error))
        else:
            messages.success(request, _("Renommé en « %(name)s ».") % {"name": node.name})
            return _place_of(node)
    return render(
        request,
        "files/drive/rename.html",
        {"node": node, "form": form, "title": _("Renommer « %(name)s »") % {"name": node.name}},
        status=422 if form.errors else 200,
    )


def _candidate_folder(request: HttpRequest, node: Node) -> Node:
    """The folder the destination chooser shows: ``?dans=``, else where ``node`` is."""
    chosen = parse_uuid(request.GET.get("dans") or request.POST.get("destination"))
    if chosen is not None:
        try:
            candidate = access.access_visible_node(request.user, chosen)
        except NotFound:
            candidate = None
        if candidate is not None and candidate.is_folder:
            return candidate
    assert node.parent is not None
    return node.parent


def _choose(request: HttpRequest, node_id: uuid.UUID, *, copying: bool) -> HttpResponse:
    node = access.access_readable_node(request.user, node_id)
    granted = policies.abilities(request.user, node)
    if node.parent is None or (not copying and not granted.write):
        raise NotFound
    folder = _candidate_folder(request, node)
    default_name = node.name
    if copying and folder.pk == node.parent_id:
        default_name = _("%(name)s (copie)") % {"name": node.name}
    form = DestinationForm(
        request.POST or None, initial={"name": default_name, "destination": folder.pk}
    )
    if request.method == "POST" and form.is_valid():
        try:
            target = access.access_visible_node(request.user, form.cleaned_data["destination"])
            if copying:
                actions.do_copy(acting_agent(request), node, target, form.cleaned_data["name"])
                message = _("« %(name)s » est copié.")
            else:
                actions.do_move(acting_agent(request), node, target, form.cleaned_data["name"])
                message = _("« %(name)s » est déplacé.")
        except InvalidInput as error:
            form.add_error(None, _first_error(error))
        except BeffroiError as error:
            if isinstance(error, (NotFound, NotAllowed)):
                raise
            form.add_error(None, error.message)
        else:
            messages.success(request, message % {"name": form.cleaned_data["name"]})
            return redirect("files:folder", node_id=target.pk)
    subfolders = [
        child
        for child in access.access_children(request.user, folder)
        if child.is_folder and child.pk != node.pk
    ]
    spaces = [
        (access.access_root(request.user, space), space_label(space, request.user))
        for space in access.access_reachable_spaces(request.user)
    ]
    title = (_("Copier « %(name)s »") if copying else _("Déplacer « %(name)s »")) % {
        "name": node.name
    }
    return render(
        request,
        "files/drive/choose.html",
        {
            "node": node,
            "form": form,
            "folder": folder,
            "folder_label": folder.name or space_label(folder.space, request.user),
            "crumbs": [
                (n.name or space_label(n.space, request.user), n)
                for n in access.access_ancestors(request.user, folder)
            ],
            "subfolders": subfolders,
            "spaces": spaces,
            "copying": copying,
            "title": title,
            "may_drop": policies.abilities(request.user, folder).write,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, node_id: uuid.UUID) -> HttpResponse:
    return _choose(request, node_id, copying=False)


@login_required
@require_http_methods(["GET", "POST"])
def copy(request: HttpRequest, node_id: uuid.UUID) -> HttpResponse:
    return _choose(request, node_id, copying=True)


@login_required
@require_http_methods(["GET", "POST"])
def trash(request: HttpRequest, node_id: uuid.UUID) -> HttpResponse:
    """Ask, then put the node in the trash (restorable from there)."""
    node = access.access_readable_node(request.user, node_id)
    if node.parent is None or not policies.abilities(request.user, node).delete:
        raise NotFound
    if request.method == "POST":
        actions.do_trash(acting_agent(request), node, address=address_of(request))
        messages.success(
            request,
            _("« %(name)s » est dans la corbeille.") % {"name": node.name},
        )
        return _place_of(node)
    return render(
        request,
        "files/drive/trash.html",
        {"node": node, "title": _("Supprimer « %(name)s »") % {"name": node.name}},
    )


@login_required
@require_POST
def favourite(request: HttpRequest, node_id: uuid.UUID) -> HttpResponse:
    node = access.access_visible_node(request.user, node_id)
    pinned = request.POST.get("favori") == "1"
    actions.do_set_favourite(acting_agent(request), node, pinned)
    if pinned:
        messages.success(request, _("« %(name)s » est dans vos favoris.") % {"name": node.name})
    else:
        messages.success(request, _("« %(name)s » n'est plus un favori.") % {"name": node.name})
    return _back(request, _place_of(node))
