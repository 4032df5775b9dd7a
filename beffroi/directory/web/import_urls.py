"""/console/import/…: the directory import from a CSV file (administrators)."""

from django.urls import URLPattern, URLResolver, path

from beffroi.directory.web import import_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", import_views.import_upload, name="import"),
    path("confirmer/", import_views.import_confirm, name="import_confirm"),
    path("abandonner/", import_views.import_cancel, name="import_cancel"),
]
