from django.urls import path

from beffroi.notifications.web import views

app_name = "notifications"

urlpatterns = [
    path("", views.notifications, name="list"),
    path("tout-lu/", views.mark_all_read, name="mark_all_read"),
]
