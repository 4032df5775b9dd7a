"""/console/messagerie/…: the mail domains and their DNS records, the shared mailboxes
(namespace ``console``)."""

from django.urls import URLPattern, URLResolver, path

from beffroi.mail.web import console

urlpatterns: list[URLPattern | URLResolver] = [
    path("", console.domains, name="mail_domains"),
    path("boites-partagees/", console.shared_mailboxes, name="mail_shared_mailboxes"),
    path(
        "boites-partagees/<uuid:mailbox_id>/",
        console.shared_mailbox,
        name="mail_shared_mailbox",
    ),
]
