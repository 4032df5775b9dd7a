"""Console pages for the provider's clients: parse, access, act, render. Administrators only."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from oauth2_provider.models import Application

from beffroi.core.errors import InvalidInput, NotFound
from beffroi.directory.web.common import acting_agent, address_of, show_problems
from beffroi.directory.web.guards import administrator_required
from beffroi.oidc import access, actions
from beffroi.oidc.web.forms import ClientForm, NewClientForm

SECTION = "applications"


def _client(request: HttpRequest, client_pk: int) -> Application:
    try:
        return access.access_client_by_id(request.user, client_pk)
    except NotFound:
        raise Http404 from None


def _provider_urls(request: HttpRequest) -> dict[str, str]:
    discovery = request.build_absolute_uri(reverse("oauth2_provider:oidc-connect-discovery-info"))
    return {
        "discovery_url": discovery,
        "issuer": discovery.removesuffix("/.well-known/openid-configuration"),
    }


def _show_secret(
    request: HttpRequest, application: Application, secret: str | None, *, created: bool
) -> HttpResponse:
    return render(
        request,
        "oidc/client_secret.html",
        {
            "console_section": SECTION,
            "application": application,
            "secret": secret,
            "created": created,
            **_provider_urls(request),
        },
        status=201 if created else 200,
    )


@administrator_required
def client_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "oidc/clients.html",
        {"console_section": SECTION, "clients": access.access_clients(request.user)},
    )


@never_cache
@administrator_required
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    form = NewClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application, secret = actions.do_register_client(
                form.settings(),
                confidential=form.confidential,
                acting=acting_agent(request),
                address=address_of(request),
            )
        except InvalidInput as error:
            show_problems(form, error)
        else:
            return _show_secret(request, application, secret, created=True)
    status = 400 if form.errors else 200
    return render(
        request, "oidc/client_form.html", {"console_section": SECTION, "form": form}, status=status
    )


@administrator_required
def client_detail(request: HttpRequest, client_pk: int) -> HttpResponse:
    application = _client(request, client_pk)
    return render(
        request,
        "oidc/client_detail.html",
        {
            "console_section": SECTION,
            "application": application,
            "redirect_uris": application.redirect_uris.split(),
            **_provider_urls(request),
        },
    )


@never_cache
@administrator_required
@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, client_pk: int) -> HttpResponse:
    application = _client(request, client_pk)
    initial = {
        "name": application.name,
        "redirect_uris": "\n".join(application.redirect_uris.split()),
        "trusted": application.skip_authorization,
    }
    form = ClientForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_client(
                application,
                form.settings(),
                acting=acting_agent(request),
                address=address_of(request),
            )
        except InvalidInput as error:
            show_problems(form, error)
        else:
            messages.success(request, _("L'application est enregistrée."))
            return redirect("console:oidc_client", client_pk=application.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "oidc/client_form.html",
        {"console_section": SECTION, "form": form, "application": application},
        status=status,
    )


@never_cache
@administrator_required
@require_POST
def client_rotate_secret(request: HttpRequest, client_pk: int) -> HttpResponse:
    application = _client(request, client_pk)
    try:
        secret = actions.do_rotate_client_secret(
            application, acting=acting_agent(request), address=address_of(request)
        )
    except InvalidInput as error:
        messages.error(request, error.message)
        return redirect("console:oidc_client", client_pk=application.pk)
    return _show_secret(request, application, secret, created=False)


@never_cache
@administrator_required
@require_http_methods(["GET", "POST"])
def client_delete(request: HttpRequest, client_pk: int) -> HttpResponse:
    application = _client(request, client_pk)
    if request.method == "POST":
        name = application.name
        actions.do_delete_client(
            application, acting=acting_agent(request), address=address_of(request)
        )
        messages.success(request, _("L'application « %(name)s » est supprimée.") % {"name": name})
        return redirect("console:oidc_clients")
    return render(
        request,
        "oidc/client_delete.html",
        {"console_section": SECTION, "application": application},
    )
