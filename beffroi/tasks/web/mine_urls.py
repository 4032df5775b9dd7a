"""« Mes tâches », across every workspace: /taches/"""

from django.urls import path

from beffroi.tasks.web import views

app_name = "my_tasks"

urlpatterns = [path("", views.mine, name="mine")]
