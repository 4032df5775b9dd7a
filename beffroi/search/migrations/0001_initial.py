from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("files", "0002_shares_links_trash_quotas_web"),
    ]

    operations = [
        migrations.CreateModel(
            name="Entry",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("kind", models.CharField(max_length=32, verbose_name="type")),
                ("object_id", models.CharField(max_length=64, verbose_name="identifiant de l'objet")),
                ("scope", models.CharField(max_length=200, verbose_name="portée")),
                ("title", models.CharField(max_length=500, verbose_name="titre")),
                ("body", models.TextField(blank=True, verbose_name="texte")),
                ("url", models.CharField(max_length=1000, verbose_name="adresse")),
                ("updated_at", models.DateTimeField(verbose_name="modifié le")),
                ("indexed_at", models.DateTimeField(auto_now=True, verbose_name="indexé le")),
                ("analysed_title", models.TextField(blank=True)),
                ("analysed_body", models.TextField(blank=True)),
            ],
            options={
                "verbose_name": "entrée de l'index",
                "verbose_name_plural": "entrées de l'index",
                "indexes": [models.Index(fields=["kind", "scope"], name="search_entry_kind_scope")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id"), name="search_entry_unique_object"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ExtractedText",
            fields=[
                (
                    "blob",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="extracted_text",
                        serialize=False,
                        to="files.blob",
                    ),
                ),
                ("text", models.TextField(blank=True)),
                ("reason", models.CharField(blank=True, max_length=255)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "texte extrait",
                "verbose_name_plural": "textes extraits",
            },
        ),
    ]
