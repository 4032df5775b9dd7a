"""The wiki pages of a workspace: /espaces/<slug>/wiki/…"""

from django.urls import path

from beffroi.wiki.web import views

app_name = "wiki"

urlpatterns = [
    path("", views.index, name="index"),
    path("nouvelle/", views.create, name="create"),
    path("apercu/", views.preview, name="preview"),
    path("<uuid:page_id>/", views.page, name="page"),
    path("<uuid:page_id>/modifier/", views.edit, name="edit"),
    path("<uuid:page_id>/historique/", views.history, name="history"),
    path("<uuid:page_id>/historique/comparer/", views.compare, name="compare"),
    path("<uuid:page_id>/historique/<int:number>/restaurer/", views.restore, name="restore"),
    path("<uuid:page_id>/deplacer/", views.move, name="move"),
    path("<uuid:page_id>/supprimer/", views.trash, name="trash"),
    path("<uuid:page_id>/export.odt", views.export_odt, name="export_odt"),
    path("<uuid:page_id>/export.docx", views.export_docx, name="export_docx"),
    path("<uuid:page_id>/joindre/", views.attach, name="attach"),
]
