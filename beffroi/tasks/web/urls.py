"""The task board of a workspace: /espaces/<slug>/taches/…"""

from django.urls import path

from beffroi.tasks.web import views

app_name = "tasks"

urlpatterns = [
    path("", views.board, name="board"),
    path("colonnes/", views.add_column, name="add_column"),
    path("colonnes/<uuid:column_id>/nouvelle/", views.add_card, name="add_card"),
    path("<uuid:card_id>/", views.card, name="card"),
    path("<uuid:card_id>/deplacer/", views.move, name="move"),
    path("<uuid:card_id>/commenter/", views.comment, name="comment"),
    path("<uuid:card_id>/liste/", views.add_item, name="add_item"),
    path("<uuid:card_id>/liste/<int:item_id>/", views.check_item, name="check_item"),
    path("<uuid:card_id>/joindre/", views.attach, name="attach"),
    path("<uuid:card_id>/supprimer/", views.trash, name="trash"),
]
