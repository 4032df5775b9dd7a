from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "beffroi.tasks"
    label = "tasks"
    verbose_name = _("Tâches")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from beffroi.tasks import search_source

        search_source.register()
