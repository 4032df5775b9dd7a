"""Mail store: delivery rules: out-of-office, filing and redirect rules, lists, spam.

Written by hand (each piece of the mail app owns one migration of the chain)."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_app_passwords"),
        ("files", "0003_workspace_spaces"),
        ("mail", "0003_webmail"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DeliveryRule",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("position", models.PositiveIntegerField()),
                ("name", models.CharField(max_length=100, verbose_name="nom")),
                (
                    "from_contains",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="l'expéditeur contient"
                    ),
                ),
                (
                    "to_contains",
                    models.CharField(blank=True, max_length=200, verbose_name="À ou Cc contient"),
                ),
                (
                    "subject_contains",
                    models.CharField(blank=True, max_length=200, verbose_name="l'objet contient"),
                ),
                (
                    "list_id",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="liste de diffusion (List-Id)"
                    ),
                ),
                ("mark_read", models.BooleanField(default=False, verbose_name="marquer comme lu")),
                (
                    "redirect_to",
                    models.CharField(blank=True, max_length=320, verbose_name="rediriger vers"),
                ),
                (
                    "stop",
                    models.BooleanField(
                        default=False, verbose_name="ne pas appliquer les règles suivantes"
                    ),
                ),
                (
                    "folder",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rules",
                        to="mail.folder",
                        verbose_name="classer dans",
                    ),
                ),
                (
                    "mailbox",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rules",
                        to="mail.mailbox",
                    ),
                ),
            ],
            options={
                "verbose_name": "règle de distribution",
                "verbose_name_plural": "règles de distribution",
                "ordering": ["mailbox", "position", "created_at"],
            },
        ),
        migrations.CreateModel(
            name="MailingList",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("address", models.CharField(max_length=320, unique=True, verbose_name="adresse")),
                ("name", models.CharField(max_length=200, verbose_name="nom")),
                (
                    "who_may_post",
                    models.CharField(
                        choices=[
                            ("members", "les membres"),
                            ("organisation", "les agents de l'organisation"),
                            ("anyone", "tout le monde"),
                        ],
                        default="organisation",
                        max_length=16,
                        verbose_name="qui peut écrire",
                    ),
                ),
                ("moderated", models.BooleanField(default=False, verbose_name="modérée")),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mailing_lists",
                        to="directory.department",
                    ),
                ),
                (
                    "domain",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lists",
                        to="mail.domain",
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mailing_lists",
                        to="directory.agentgroup",
                    ),
                ),
                (
                    "moderator",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="moderated_lists",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "liste de diffusion",
                "verbose_name_plural": "listes de diffusion",
                "ordering": ["address"],
            },
        ),
        migrations.CreateModel(
            name="HeldMessage",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("size", models.PositiveBigIntegerField()),
                ("envelope_sender", models.CharField(blank=True, max_length=320)),
                ("sender", models.TextField(blank=True)),
                ("subject", models.TextField(blank=True)),
                (
                    "blob",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="held_mail",
                        to="files.blob",
                    ),
                ),
                (
                    "mailing_list",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="held",
                        to="mail.mailinglist",
                    ),
                ),
            ],
            options={
                "verbose_name": "message en attente de modération",
                "verbose_name_plural": "messages en attente de modération",
                "ordering": ["created_at"],
            },
        ),
        migrations.CreateModel(
            name="OutOfOffice",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("enabled", models.BooleanField(default=False, verbose_name="activée")),
                ("starts_on", models.DateField(blank=True, null=True, verbose_name="du")),
                ("ends_on", models.DateField(blank=True, null=True, verbose_name="au")),
                ("subject", models.CharField(max_length=200, verbose_name="objet")),
                ("text", models.TextField(verbose_name="message")),
                (
                    "period_days",
                    models.PositiveSmallIntegerField(
                        default=4, verbose_name="une réponse par expéditeur tous les (jours)"
                    ),
                ),
                (
                    "mailbox",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="out_of_office",
                        to="mail.mailbox",
                    ),
                ),
            ],
            options={
                "verbose_name": "réponse d'absence",
                "verbose_name_plural": "réponses d'absence",
            },
        ),
        migrations.CreateModel(
            name="AutoReplySent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sender", models.CharField(max_length=320)),
                ("sent_at", models.DateTimeField()),
                (
                    "mailbox",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="auto_replies",
                        to="mail.mailbox",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("mailbox", "sender"), name="auto_reply_one_row_per_sender"
                    )
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="mailinglist",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("department__isnull", False), ("group__isnull", True)),
                    models.Q(("department__isnull", True), ("group__isnull", False)),
                    _connector="OR",
                ),
                name="mailing_list_of_one_department_or_one_group",
            ),
        ),
        migrations.AddConstraint(
            model_name="outofoffice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("starts_on__isnull", True),
                    ("ends_on__isnull", True),
                    ("starts_on__lte", models.F("ends_on")),
                    _connector="OR",
                ),
                name="out_of_office_starts_before_it_ends",
            ),
        ),
    ]
