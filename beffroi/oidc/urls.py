"""The provider's endpoints under /o/ (namespace ``oauth2_provider``).

Only what an OpenID Connect client needs: authorization (our consent page), token, revocation,
userinfo, discovery and keys. django-oauth-toolkit's own client-management pages are left out:
administrators register clients in the console, and agents cannot.
"""

from django.urls import URLPattern, URLResolver, path, re_path
from oauth2_provider import views as provider

from beffroi.oidc.views import AuthorizationView

app_name = "oauth2_provider"

urlpatterns: list[URLPattern | URLResolver] = [
    path("authorize/", AuthorizationView.as_view(), name="authorize"),
    path("token/", provider.TokenView.as_view(), name="token"),
    path("revoke_token/", provider.RevokeTokenView.as_view(), name="revoke-token"),
    path("userinfo/", provider.UserInfoView.as_view(), name="user-info"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        provider.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", provider.JwksInfoView.as_view(), name="jwks-info"),
    path(
        ".well-known/oauth-authorization-server",
        provider.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
]
