"""NormUnit.counts: each unit's subtree counts of the stored norm rows (core.norm_results.roll_up),
computed here for the units already refreshed so no region sums a partial subtree."""

from typing import Any

from django.db import migrations, models


def rebuild(apps: Any, schema_editor: Any) -> None:
    from core.norm_results import rebuild_counts

    rebuild_counts(apps.get_model("core", "NormUnit"), apps.get_model("core", "NormResultRow"))


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0008_roster_sync'),
    ]

    operations = [
        migrations.AddField(
            model_name='normunit',
            name='counts',
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
