"""Mail store: the outbound queue: recipients' delivery state, claims, sending limits."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("mail", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="queuedmessage",
            name="claimed_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="queuedmessage",
            name="delay_notified",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="queuedmessage",
            index=models.Index(fields=["next_attempt_at"], name="queued_message_due"),
        ),
        migrations.CreateModel(
            name="QueuedRecipient",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("address", models.CharField(max_length=320, verbose_name="adresse")),
                ("domain", models.CharField(max_length=253, verbose_name="domaine")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "en attente"),
                            ("delivered", "remis"),
                            ("failed", "échec définitif"),
                        ],
                        default="pending",
                        max_length=16,
                        verbose_name="état",
                    ),
                ),
                ("last_error", models.TextField(blank=True)),
                (
                    "message",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="recipient_states",
                        to="mail.queuedmessage",
                    ),
                ),
            ],
            options={
                "verbose_name": "destinataire en file d'attente",
                "verbose_name_plural": "destinataires en file d'attente",
                "ordering": ["address"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("message", "address"), name="queued_recipient_unique_address"
                    )
                ],
            },
        ),
    ]
