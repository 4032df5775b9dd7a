from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspacesConfig(AppConfig):
    name = "beffroi.workspaces"
    label = "workspaces"
    verbose_name = _("Espaces de travail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from beffroi.directory.demo import register_demo_seeder
        from beffroi.workspaces.demo import seed_workspaces

        register_demo_seeder("espaces de travail", seed_workspaces)
