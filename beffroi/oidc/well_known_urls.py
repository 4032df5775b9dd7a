"""At the site's root: a person or a tool looking for the discovery document there is sent to
the provider's own, whose issuer is ``<site>/o``."""

from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        ".well-known/openid-configuration",
        RedirectView.as_view(pattern_name="oauth2_provider:oidc-connect-discovery-info"),
        name="oidc_discovery_redirect",
    ),
]
