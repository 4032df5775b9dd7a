from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "beffroi.calendars"
    label = "calendars"
    verbose_name = _("Agendas")
