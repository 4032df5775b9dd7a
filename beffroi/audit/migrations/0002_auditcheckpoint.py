# Signed checkpoints: where the kept chain starts after events older than the retention are pruned.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date')),
                ('last_event_id', models.BigIntegerField(unique=True, verbose_name='dernier événement élagué')),
                ('last_hash', models.CharField(max_length=64, verbose_name='sceau du dernier événement élagué')),
                ('pruned_count', models.BigIntegerField(verbose_name='événements élagués')),
                ('pruned_before', models.DateTimeField(verbose_name='élagués avant le')),
                ('signature', models.CharField(max_length=64, verbose_name='signature')),
            ],
            options={
                'verbose_name': "point de contrôle d'audit",
                'verbose_name_plural': "points de contrôle d'audit",
                'ordering': ['last_event_id'],
            },
        ),
    ]
