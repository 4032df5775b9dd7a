from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OidcConfig(AppConfig):
    """Beffroi as an OpenID Connect provider for the commune's other tools (an adapter)."""

    name = "beffroi.oidc"
    label = "oidc"
    verbose_name = _("Fournisseur d'identité OIDC")
