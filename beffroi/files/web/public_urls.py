"""Addresses of public links: ``/p/<token>/``."""

from django.urls import path

from beffroi.files.web import public_links

app_name = "public_links"

urlpatterns = [
    path("<str:token>/", public_links.open_link, name="open"),
    path("<str:token>/mot-de-passe/", public_links.unlock, name="unlock"),
    path("<str:token>/deposer/", public_links.deposit, name="deposit"),
    path("<str:token>/telecharger/", public_links.download, name="download_file"),
    path("<str:token>/telecharger/<path:path>", public_links.download, name="download"),
    path("<str:token>/dossier/<path:path>/", public_links.browse, name="browse"),
    path("<str:token>/<path:rest>", public_links.unknown, name="unknown"),
]
