"""The search page: /recherche/"""

from django.urls import path

from beffroi.search.web import views

app_name = "search"

urlpatterns = [
    path("", views.search, name="search"),
]
