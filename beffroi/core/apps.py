from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "beffroi.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        # Registers the deployment checks with Django's check framework.
        from beffroi.conf import checks  # noqa: F401
