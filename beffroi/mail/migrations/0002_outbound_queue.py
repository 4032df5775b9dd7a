"""Mail store: the outbound queue: recipients' delivery state, claims, sending limits."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("mail", "0001_initial")]

    operations: list[migrations.operations.base.Operation] = []
