from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "beffroi.calendars"
    label = "calendars"
    verbose_name = _("Agendas")

    def ready(self) -> None:
        from beffroi.calendars.demo import seed_calendars
        from beffroi.calendars.search import register_source
        from beffroi.directory.demo import register_demo_seeder

        register_demo_seeder("agendas", seed_calendars)
        register_source()
