from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "beffroi.files"
    label = "files"
    verbose_name = _("Fichiers")

    def ready(self) -> None:
        from beffroi.directory.demo import register_demo_seeder
        from beffroi.files.demo import seed_files
        from beffroi.files.demo_links import seed_public_links
        from beffroi.files.search import register_source

        # The drives first: the links point into them.
        register_demo_seeder("fichiers : espaces et partages", seed_files)
        register_demo_seeder("fichiers : liens publics", seed_public_links)
        register_source()
