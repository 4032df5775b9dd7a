"""/console/applications/…: the OIDC provider's clients (namespace ``console``)."""

from django.urls import URLPattern, URLResolver, path

from beffroi.oidc.web import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.client_list, name="oidc_clients"),
    path("nouvelle/", views.client_create, name="oidc_client_create"),
    path("<int:client_pk>/", views.client_detail, name="oidc_client"),
    path("<int:client_pk>/modifier/", views.client_edit, name="oidc_client_edit"),
    path("<int:client_pk>/secret/", views.client_rotate_secret, name="oidc_client_secret"),
    path("<int:client_pk>/supprimer/", views.client_delete, name="oidc_client_delete"),
]
