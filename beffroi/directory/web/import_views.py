"""Console: import the directory from a CSV file, in two steps.

1. The administrator uploads a file: it is read and compared with the directory (a dry run), and
   the report is shown. The file is kept server-side (blob storage, under a random name that the
   session remembers); the page only carries a signed reference to it.
2. They confirm: the kept file is read and planned again (the directory may have changed) and
   applied all at once. A plan is never taken from the browser.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from beffroi.core.errors import InvalidInput
from beffroi.directory.actions import do_import_directory
from beffroi.directory.importing import ImportPlan, plan_import, read_csv
from beffroi.directory.importing.csv_source import MAX_BYTES
from beffroi.directory.importing.report import conclusion, count_lines
from beffroi.directory.web.common import acting_agent, address_of
from beffroi.directory.web.guards import administrator_required

SESSION_KEY = "directory_import"
SALT = "beffroi.directory.import"
FOLDER = "directory-imports"
# A report older than this must be redone: the administrator re-uploads the file.
KEEP_FOR = timedelta(hours=1)
SHOWN_CHANGES = 100


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV des agents"),
        help_text=gettext_lazy(
            "Colonnes identifiant, prenom, nom, et au choix courriel, service, fonction, "
            "telephone, responsable ; séparées par des virgules ou des points-virgules ; "
            "UTF-8 ou Windows-1252. 20 Mo au plus."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    suspend_missing = forms.BooleanField(
        label=gettext_lazy("Suspendre les agents actifs absents du fichier"),
        help_text=gettext_lazy(
            "Les administrateurs et les invités ne sont jamais suspendus par un import."
        ),
        required=False,
    )

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Fichier trop volumineux : %(max)s Mo au plus.")
                % {"max": MAX_BYTES // (1024 * 1024)}
            )
        return uploaded


def _path(token: str) -> str:
    return f"{FOLDER}/{token}.csv"


def _forget_old_uploads() -> None:
    """Files of reports nobody confirmed are removed after a while (best effort)."""
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    limit = timezone.now() - KEEP_FOR
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except FileNotFoundError:
            continue


def _keep(request: HttpRequest, data: bytes, name: str, suspend_missing: bool) -> str:
    """Keep the uploaded bytes for the confirmation step; returns the signed reference."""
    _forget_old_uploads()
    token = secrets.token_urlsafe(24)
    default_storage.save(_path(token), ContentFile(data))
    request.session[SESSION_KEY] = {
        "token": token,
        "name": name,
        "suspend_missing": suspend_missing,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    return signing.dumps(token, salt=SALT)


def _kept(request: HttpRequest, reference: str) -> tuple[dict[str, Any], bytes] | None:
    """The upload the page refers to, if it is this session's current one and still there."""
    kept = request.session.get(SESSION_KEY)
    try:
        token = signing.loads(reference, salt=SALT, max_age=KEEP_FOR)
    except signing.BadSignature:
        return None
    if not kept or kept.get("token") != token:
        return None
    try:
        with default_storage.open(_path(token), "rb") as stream:
            data = stream.read()
    except FileNotFoundError:
        return None
    if hashlib.sha256(data).hexdigest() != kept["sha256"]:
        return None
    return kept, data


def _discard(request: HttpRequest) -> None:
    kept = request.session.pop(SESSION_KEY, None)
    if kept:
        default_storage.delete(_path(kept["token"]))


def _plan(request: HttpRequest, data: bytes, name: str, suspend_missing: bool) -> ImportPlan:
    return plan_import(
        read_csv(data, label=name),
        suspend_missing=suspend_missing,
        protected=[acting_agent(request).username],
    )


def _report(
    request: HttpRequest, plan: ImportPlan, form: ImportForm, reference: str = ""
) -> HttpResponse:
    return render(
        request,
        "console/import_report.html",
        {
            "console_section": "import",
            "plan": plan,
            "counts": count_lines(plan),
            "conclusion": conclusion(plan, applied=False),
            "updates": plan.agents_to_update[:SHOWN_CHANGES],
            "more_updates": max(0, len(plan.agents_to_update) - SHOWN_CHANGES),
            "reference": reference,
            "form": form,
        },
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        data = uploaded.read(MAX_BYTES + 1)
        name = str(uploaded.name)[:200]
        suspend_missing = form.cleaned_data["suspend_missing"]
        _discard(request)
        plan = _plan(request, data, name, suspend_missing)
        reference = ""
        if plan.is_valid and plan.has_changes:
            reference = _keep(request, data, name, suspend_missing)
        return _report(request, plan, ImportForm(), reference)
    return render(request, "console/import.html", {"console_section": "import", "form": form})


@administrator_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    found = _kept(request, request.POST.get("reference", ""))
    if found is None:
        messages.error(
            request,
            _("Ce rapport n'est plus valable : déposez le fichier à nouveau pour l'importer."),
        )
        return redirect("console:import")
    kept, data = found
    _discard(request)
    # Planned again: the directory may have changed since the report (a manager removed…).
    plan = _plan(request, data, kept["name"], kept["suspend_missing"])
    if not plan.is_valid:
        return _report(request, plan, ImportForm())
    try:
        result = do_import_directory(
            plan, acting=acting_agent(request), address=address_of(request)
        )
    except InvalidInput as error:
        messages.error(request, error.message)
        return redirect("console:import")
    if result.changed:
        messages.success(
            request,
            _(
                "Import de « %(name)s » terminé : %(created)s agents créés, %(updated)s mis à "
                "jour, %(suspended)s suspendus."
            )
            % {
                "name": kept["name"],
                "created": result.counts["agents_created"],
                "updated": result.counts["agents_updated"],
                "suspended": result.counts["agents_suspended"],
            },
        )
    else:
        messages.success(request, _("Aucun changement : l'annuaire est déjà à jour."))
    return redirect("console:import")


@administrator_required
@require_POST
def import_cancel(request: HttpRequest) -> HttpResponse:
    _discard(request)
    messages.info(request, _("Import abandonné : rien n'a été enregistré."))
    return redirect("console:import")
