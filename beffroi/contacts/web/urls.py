from django.urls import URLPattern, URLResolver, path

from beffroi.contacts.web import views

app_name = "contacts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.address_book, name="address_book"),
    path("<str:book_id>/", views.address_book, name="book"),
    path("<str:book_id>/nouveau/", views.create_card, name="create_card"),
    path("<str:book_id>/importer/", views.import_cards, name="import"),
    path("<str:book_id>/exporter/", views.export_cards, name="export"),
    path("<str:book_id>/<str:card_id>/", views.card_detail, name="card"),
    path("<str:book_id>/<str:card_id>/modifier/", views.edit_card, name="edit_card"),
    path("<str:book_id>/<str:card_id>/supprimer/", views.delete_card, name="delete_card"),
]
