"""Mail store: the webmail: conversation assignments (drafts live in the Drafts folder, the
signature template in the settings)."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0002_outbound_queue"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations: list[migrations.operations.base.Operation] = [
        migrations.CreateModel(
            name="Assignment",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("thread_id", models.UUIDField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("a_traiter", "à traiter"),
                            ("en_cours", "en cours"),
                            ("traite", "traité"),
                        ],
                        default="a_traiter",
                        max_length=16,
                        verbose_name="statut",
                    ),
                ),
                (
                    "mailbox",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to="mail.mailbox",
                    ),
                ),
                (
                    "assignee",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="mail_assignments",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "assigned_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "attribution de conversation",
                "verbose_name_plural": "attributions de conversations",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("mailbox", "thread_id"), name="assignment_one_per_conversation"
                    )
                ],
            },
        ),
    ]
