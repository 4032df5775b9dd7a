"""The administration console: /console/…, for organisation administrators and managers."""

from django.urls import include, path

from beffroi.directory.web import views

app_name = "console"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", include("beffroi.directory.web.import_urls")),
    path("audit/", include("beffroi.audit.web.urls")),
    path("applications/", include("beffroi.oidc.web.urls")),
]
