"""The scopes a client of Beffroi's OIDC provider may ask for, with what each one reveals."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from oauth2_provider.scopes import BaseScopes

SCOPES: dict[str, Promise] = {
    "openid": _("Vous identifier avec votre compte Beffroi"),
    "profile": _("Connaître vos nom, prénom et identifiant"),
    "email": _("Connaître votre adresse électronique"),
    "groups": _("Connaître les groupes dont vous faites partie"),
    "departments": _("Connaître les services où vous travaillez"),
}


class BeffroiScopes(BaseScopes):
    """Every client may ask for every scope; ``openid`` alone when it asks for none."""

    def get_all_scopes(self) -> dict[str, Promise]:
        return SCOPES

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return list(SCOPES)

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return ["openid"]
