"""Mail store: the webmail: conversation assignments, drafts, signatures."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("mail", "0002_outbound_queue")]

    operations: list[migrations.operations.base.Operation] = []
