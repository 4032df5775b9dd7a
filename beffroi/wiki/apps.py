from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WikiConfig(AppConfig):
    name = "beffroi.wiki"
    label = "wiki"
    verbose_name = _("Wiki")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from beffroi.wiki import search_source

        search_source.register()
