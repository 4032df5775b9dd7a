from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "beffroi.contacts"
    label = "contacts"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        from beffroi.contacts.demo import seed_address_books
        from beffroi.contacts.search import register_source
        from beffroi.directory.demo import register_demo_seeder

        register_demo_seeder("contacts", seed_address_books)
        register_source()
