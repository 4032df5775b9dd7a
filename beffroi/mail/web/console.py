"""The console's « Messagerie » pages: each mail domain with the DNS records to publish (and,
when resolvers are configured, whether the published ones match: ``dns_check``), and the
services' shared mailboxes with their delegations, aliases and quota."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from beffroi.core.errors import BeffroiError, NotFound
from beffroi.directory.web.guards import administrator_required
from beffroi.mail import dns_check
from beffroi.mail.access import access_managed_mailbox, access_shared_mailboxes
from beffroi.mail.actions import (
    do_add_alias,
    do_create_shared_mailbox,
    do_grant_delegation,
    do_remove_alias,
    do_set_quota,
)
from beffroi.mail.models import Mailbox
from beffroi.mail.web.console_forms import (
    MIB,
    AliasForm,
    DelegationForm,
    QuotaForm,
    SharedMailboxForm,
)
from beffroi.web.errors import readable
from beffroi.web.requests import acting_agent, address_of


@never_cache
@administrator_required
def domains(request: HttpRequest) -> HttpResponse:
    # Checking asks the configured resolvers a handful of questions per domain: only on demand.
    check = request.GET.get("verifier") == "1"
    look = dns_check.check_domain if check else dns_check.records_to_publish
    reports = [look(domain) for domain in dns_check.domains()]
    return render(
        request,
        "mail/console/domains.html",
        {
            "console_section": "mail",
            "reports": reports,
            "resolvers": dns_check.resolvers_configured(),
            "checked": check,
        },
    )


# --- shared mailboxes: mairie@, urbanisme@, etat-civil@ -----------------------------------------


def _quota_bytes(form: Any) -> int | None:
    value = form.cleaned_data.get("quota")
    return None if value is None else int(value) * MIB


@never_cache
@administrator_required
def shared_mailboxes(request: HttpRequest) -> HttpResponse:
    """The services' mailboxes, and the form that creates one."""
    agent = acting_agent(request)
    form = SharedMailboxForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mailbox = do_create_shared_mailbox(
                form.address(),
                form.cleaned_data["name"],
                acting=agent,
                quota_bytes=_quota_bytes(form),
                address=address_of(request),
            )
        except BeffroiError as error:
            form.add_error(None, readable(error))
        else:
            messages.success(
                request, _("La boîte %(address)s est créée.") % {"address": mailbox.address}
            )
            return redirect("console:mail_shared_mailbox", mailbox.pk)
    return render(
        request,
        "mail/console/shared_mailboxes.html",
        {
            "console_section": "mail",
            "mailboxes": access_shared_mailboxes(agent),
            "form": form,
        },
        status=422 if form.errors else 200,
    )


@never_cache
@administrator_required
def shared_mailbox(request: HttpRequest, mailbox_id: uuid.UUID) -> HttpResponse:
    """One shared mailbox: who may read it and send from it, its aliases, its quota."""
    agent = acting_agent(request)
    mailbox = access_managed_mailbox(agent, mailbox_id)
    forms_by_name: dict[str, Any] = {
        "delegation": DelegationForm(prefix="delegation"),
        "alias": AliasForm(prefix="alias"),
        "quota": QuotaForm(prefix="quota", initial={"quota": mailbox.quota_bytes // MIB}),
    }
    action = request.POST.get("action", "")
    if request.method == "POST":
        done = _change(request, agent, mailbox, action, forms_by_name)
        if done is not None:
            messages.success(request, done)
            return redirect("console:mail_shared_mailbox", mailbox.pk)
    return render(
        request,
        "mail/console/shared_mailbox.html",
        {
            "console_section": "mail",
            "mailbox": mailbox,
            "delegations": sorted(
                mailbox.delegations.all(),
                key=lambda d: (d.agent is None, str(d.agent or d.group)),
            ),
            **{f"{name}_form": form for name, form in forms_by_name.items()},
        },
        status=422 if any(form.errors for form in forms_by_name.values()) else 200,
    )


def _change(
    request: HttpRequest, agent: Any, mailbox: Mailbox, action: str, forms_by_name: dict[str, Any]
) -> str | None:
    """Carry out the form posted; the success message, or None (its errors are on the form)."""
    where = address_of(request)
    if action == "revoke":
        delegation = mailbox.delegations.filter(pk=_chosen(request, "delegation")).first()
        if delegation is None:
            raise NotFound()
        grantee = delegation.agent or delegation.group
        assert grantee is not None
        do_grant_delegation(mailbox, grantee, read=False, acting=agent, address=where)
        return _("La délégation est retirée.")
    if action == "remove_alias":
        alias = mailbox.aliases.filter(pk=_chosen(request, "alias")).first()
        if alias is None:
            raise NotFound()
        do_remove_alias(alias, acting=agent, address=where)
        return _("L'alias est retiré.")
    if action not in ("delegation", "alias", "quota"):
        raise NotFound()
    form = forms_by_name[action] = type(forms_by_name[action])(request.POST, prefix=action)
    if not form.is_valid():
        return None
    try:
        if isinstance(form, DelegationForm):
            do_grant_delegation(
                mailbox,
                form.grantee(),
                read=form.cleaned_data["read"],
                send_as=form.cleaned_data["send_as"],
                send_on_behalf=form.cleaned_data["send_on_behalf"],
                acting=agent,
                address=where,
            )
            return _("Les droits sont enregistrés.")
        if isinstance(form, AliasForm):
            do_add_alias(mailbox, form.cleaned_data["alias"], acting=agent, address=where)
            return _("L'alias est ajouté.")
        do_set_quota(mailbox, _quota_bytes(form) or 0, acting=agent, address=where)
        return _("Le quota est enregistré.")
    except BeffroiError as error:
        form.add_error(None, readable(error))
        return None


def _chosen(request: HttpRequest, key: str) -> uuid.UUID:
    """The row a button names (a malformed one is not found, like a missing one)."""
    try:
        return uuid.UUID(request.POST.get(key, ""))
    except ValueError:
        raise NotFound() from None
