from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language

from beffroi.api.root import api
from beffroi.api.root import not_found as api_not_found
from beffroi.core import views as operations

admin.site.site_header = "Beffroi"
admin.site.site_title = "Beffroi"

urlpatterns = [
    path("healthz", operations.healthz, name="healthz"),
    path("readyz", operations.readyz, name="readyz"),
    path("metrics", operations.metrics_view, name="metrics"),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("i18n/langue/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("beffroi.web.urls")),
]

handler400 = "beffroi.web.views.bad_request"
handler403 = "beffroi.web.views.permission_denied"
handler404 = "beffroi.web.views.page_not_found"
handler500 = "beffroi.web.views.server_error"
