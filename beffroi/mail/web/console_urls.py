"""/console/messagerie/…: the mail domains and their DNS records (namespace ``console``)."""

from django.urls import URLPattern, URLResolver, path

from beffroi.mail.web import console

urlpatterns: list[URLPattern | URLResolver] = [
    path("", console.domains, name="mail_domains"),
]
