from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "beffroi.directory"
    label = "directory"
    verbose_name = _("Annuaire")

    def ready(self) -> None:
        from beffroi.directory.search import register_source

        register_source()
