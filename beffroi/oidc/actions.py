"""Clients of Beffroi's OIDC provider: registered, changed, re-keyed and removed by an
administrator, each in one transaction with its audit event. Also the trace of each time an
agent signs in to one of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput
from beffroi.directory.models import Agent

MAX_NAME_LENGTH = 100
MAX_REDIRECT_URIS = 10
MAX_REDIRECT_URI_LENGTH = 2000


@dataclass(frozen=True)
class ClientSettings:
    """What an administrator decides about a client: its name, where it may send agents back
    to, and whether it is trusted (no consent page)."""

    name: str
    redirect_uris: Sequence[str]
    trusted: bool = False


def _redirect_uri_problem(uri: str) -> str | None:
    schemes = settings.OAUTH2_PROVIDER["ALLOWED_REDIRECT_URI_SCHEMES"]
    if len(uri) > MAX_REDIRECT_URI_LENGTH:
        return _("%(n)s caractères au plus par adresse.") % {"n": MAX_REDIRECT_URI_LENGTH}
    parts = urlsplit(uri)
    if parts.scheme not in schemes or not parts.hostname:
        return _("« %(uri)s » n'est pas une adresse complète en %(schemes)s.") % {
            "uri": uri,
            "schemes": " ou ".join(schemes),
        }
    if parts.fragment or "#" in uri:
        return _("« %(uri)s » ne doit pas contenir de fragment (#).") % {"uri": uri}
    if "*" in uri:
        return _("« %(uri)s » : les jokers (*) ne sont pas acceptés.") % {"uri": uri}
    return None


def _validate(client: ClientSettings) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    name = client.name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        problems["name"] = [_("Donnez un nom de 1 à %(n)s caractères.") % {"n": MAX_NAME_LENGTH}]
    uris = list(client.redirect_uris)
    if not uris:
        problems["redirect_uris"] = [_("Indiquez au moins une adresse de retour.")]
    elif len(uris) > MAX_REDIRECT_URIS:
        problems["redirect_uris"] = [
            _("%(n)s adresses de retour au plus.") % {"n": MAX_REDIRECT_URIS}
        ]
    else:
        found = [problem for uri in uris if (problem := _redirect_uri_problem(uri))]
        if found:
            problems["redirect_uris"] = found
    return problems


def _described(application: Application) -> dict[str, Any]:
    return {
        "name": application.name,
        "client_id": application.client_id,
        "client_type": application.client_type,
        "trusted": application.skip_authorization,
        "redirect_uris": application.redirect_uris.split(),
    }


def do_register_client(
    client: ClientSettings,
    *,
    confidential: bool,
    acting: Agent,
    address: str | None = None,
) -> tuple[Application, str | None]:
    """Register a client. A confidential one (a server) gets a secret, returned here once and
    stored only as a hash; a public one (an app on a phone) proves itself with PKCE alone."""
    problems = _validate(client)
    if problems:
        raise InvalidInput(fields=problems)
    secret = str(generate_client_secret())  # type: ignore[no-untyped-call]
    with transaction.atomic():
        application = Application(
            name=client.name.strip(),
            redirect_uris=" ".join(client.redirect_uris),
            client_type=Application.CLIENT_CONFIDENTIAL
            if confidential
            else Application.CLIENT_PUBLIC,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=client.trusted,
            client_secret=secret,
            hash_client_secret=True,
        )
        application.save()
        record(
            "oidc.client_registered",
            actor=acting,
            target=application,
            address=address,
            details=_described(application),
        )
    return application, secret if confidential else None


def do_update_client(
    application: Application,
    client: ClientSettings,
    *,
    acting: Agent,
    address: str | None = None,
) -> Application:
    problems = _validate(client)
    if problems:
        raise InvalidInput(fields=problems)
    with transaction.atomic():
        application.name = client.name.strip()
        application.redirect_uris = " ".join(client.redirect_uris)
        application.skip_authorization = client.trusted
        application.save(update_fields=["name", "redirect_uris", "skip_authorization", "updated"])
        record(
            "oidc.client_updated",
            actor=acting,
            target=application,
            address=address,
            details=_described(application),
        )
    return application


def do_rotate_client_secret(
    application: Application, *, acting: Agent, address: str | None = None
) -> str:
    """Give a confidential client a new secret; the old one stops working at once."""
    if application.client_type != Application.CLIENT_CONFIDENTIAL:
        raise InvalidInput(
            _("Une application publique n'a pas de secret : elle utilise PKCE."),
            fields={"client_type": [_("Une application publique n'a pas de secret.")]},
        )
    secret = str(generate_client_secret())  # type: ignore[no-untyped-call]
    with transaction.atomic():
        application.client_secret = secret
        application.save(update_fields=["client_secret", "updated"])
        record(
            "oidc.client_secret_rotated",
            actor=acting,
            target=application,
            address=address,
            details={"name": application.name, "client_id": application.client_id},
        )
    return secret


def do_delete_client(
    application: Application, *, acting: Agent, address: str | None = None
) -> None:
    """Remove a client and, with it, every code and token it was given."""
    with transaction.atomic():
        details = _described(application)
        record(
            "oidc.client_deleted",
            actor=acting,
            target=application,
            address=address,
            details=details,
        )
        application.delete()


def do_record_authorization(
    agent: Agent, application: Application, *, scopes: Sequence[str], address: str | None
) -> None:
    """An agent signed in to a client (a code was issued): the agent's journal shows it."""
    record(
        "oidc.authorized",
        actor=agent,
        target=application,
        address=address,
        details={
            "application": application.name,
            "client_id": application.client_id,
            "scopes": sorted(scopes),
        },
    )
