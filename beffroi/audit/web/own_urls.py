"""An agent's own security journal, under their profile (namespace ``audit``)."""

from django.urls import URLPattern, URLResolver, path

from beffroi.audit.web import views

app_name = "audit"

urlpatterns: list[URLPattern | URLResolver] = [
    path("profil/securite/journal/", views.own_journal, name="own_journal"),
]
