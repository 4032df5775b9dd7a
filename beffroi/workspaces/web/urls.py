"""The workspace pages: /espaces/…"""

from django.urls import path

from beffroi.workspaces.web import members, views

app_name = "workspaces"

urlpatterns = [
    path("", views.index, name="index"),
    path("annuaire/", views.directory, name="directory"),
    path("nouveau/", views.create, name="create"),
    path("corbeille/", views.bin, name="bin"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/parametres/", views.settings, name="settings"),
    path("<slug:slug>/archiver/", views.archive, name="archive"),
    path("<slug:slug>/supprimer/", views.trash, name="trash"),
    path("<slug:slug>/restaurer/", views.restore, name="restore"),
    path("<slug:slug>/rejoindre/", members.ask_to_join, name="ask_to_join"),
    path("<slug:slug>/membres/", members.members, name="members"),
    path("<slug:slug>/membres/<uuid:membership_id>/role/", members.change_role, name="change_role"),
    path("<slug:slug>/membres/<uuid:membership_id>/retirer/", members.remove, name="remove_member"),
    path("<slug:slug>/demandes/<uuid:request_id>/", members.decide, name="decide_request"),
]
