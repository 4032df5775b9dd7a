from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "beffroi.mail"
    label = "mail"
    verbose_name = _("Messagerie")

    def ready(self) -> None:
        from beffroi.files.blobs.rotation import register_key_records
        from beffroi.mail.models import DkimKey

        # DKIM private keys are sealed under the master key: a rotation re-wraps them too.
        register_key_records(DkimKey)

        from beffroi.mail import search

        search.register()

        from beffroi.directory.demo import register_demo_seeder
        from beffroi.mail.demo import seed_mail

        register_demo_seeder("messagerie", seed_mail)
