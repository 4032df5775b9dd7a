"""The webmail's pages, under /courrier/."""

from django.urls import include, path

app_name = "mail"

urlpatterns = [
    path("reglages/", include("beffroi.mail.web.settings_urls")),
]
