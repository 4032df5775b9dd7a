"""The webmail's pages, under /courrier/."""

from django.urls import include, path

from beffroi.mail.web import compose, invitations, views

app_name = "mail"

urlpatterns = [
    path("", views.index, name="index"),
    path("dossier/<uuid:folder_id>/", views.folder, name="folder"),
    path(
        "boite/<uuid:mailbox_id>/conversation/<uuid:thread_id>/",
        views.conversation,
        name="conversation",
    ),
    path(
        "boite/<uuid:mailbox_id>/conversation/<uuid:thread_id>/attribuer/",
        views.assign,
        name="assign",
    ),
    path("message/<uuid:message_id>/piece/<int:number>/", views.attachment, name="attachment"),
    path("message/<uuid:message_id>/action/", views.message_action, name="message_action"),
    path("message/<uuid:message_id>/invitation/", invitations.answer, name="invitation"),
    path("ecrire/", compose.compose, name="compose"),
    path("brouillon/", compose.save_draft, name="save_draft"),
    path("recherche/", views.search, name="search"),
    path("reglages/", include("beffroi.mail.web.settings_urls")),
]
