from django.contrib import admin
from django.urls import include, path, re_path

from beffroi.api.root import api
from beffroi.api.root import not_found as api_not_found
from beffroi.core import views as operations
from beffroi.web import views as web_views

admin.site.site_header = "Beffroi"
admin.site.site_title = "Beffroi"

urlpatterns = [
    path("healthz", operations.healthz, name="healthz"),
    path("readyz", operations.readyz, name="readyz"),
    path("metrics", operations.metrics_view, name="metrics"),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("i18n/langue/", web_views.choose_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("compte/", include("allauth.urls")),
    path("o/", include("beffroi.oidc.urls", namespace="oauth2_provider")),
    path("", include("beffroi.oidc.well_known_urls")),
    path("console/", include("beffroi.directory.web.urls")),
    # Public links of the drive (no account needed).
    path("p/", include("beffroi.files.web.public_urls")),
    path("agenda/", include("beffroi.calendars.web.urls")),
    path("contacts/", include("beffroi.contacts.web.urls")),
    path("drive/", include("beffroi.files.web.urls")),
    path("recherche/", include("beffroi.search.web.urls")),
    path("espaces/", include("beffroi.workspaces.web.urls")),
    path("espaces/<slug:slug>/wiki/", include("beffroi.wiki.web.urls")),
    path("espaces/<slug:slug>/taches/", include("beffroi.tasks.web.urls")),
    path("taches/", include("beffroi.tasks.web.mine_urls")),
    path("notifications/", include("beffroi.notifications.web.urls")),
    path("courrier/", include("beffroi.mail.web.urls")),
    path("", include("beffroi.mail.web.well_known_urls")),
    path("", include("beffroi.audit.web.own_urls")),
    path("", include("beffroi.web.urls")),
]

handler400 = "beffroi.web.views.bad_request"
handler403 = "beffroi.web.views.permission_denied"
handler404 = "beffroi.web.views.page_not_found"
# Django's own 500 view renders templates/500.html without context processors or database
# access, so the page still shows when the database is what failed.
handler500 = "django.views.defaults.server_error"
