"""Mail store: delivery rules: out-of-office, filing and redirect rules, lists, spam."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("mail", "0003_webmail")]

    operations: list[migrations.operations.base.Operation] = []
