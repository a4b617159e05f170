"""Load the national curriculum's subjects and the catalogue of norms (data, not schema)."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from core.curriculum import SUBJECTS
    from core.norm_catalogue import CATALOGUE

    Subject = apps.get_model("core", "Subject")
    for sort, s in enumerate(SUBJECTS):
        Subject.objects.update_or_create(code=s.code, defaults={
            "name": s.name, "short": s.short, "stages": list(s.stages), "merge_key": s.merge_key,
            "merge_name": s.merge_name, "sort": sort})
    Norm = apps.get_model("core", "Norm")
    for sort, n in enumerate(CATALOGUE):
        Norm.objects.update_or_create(code=n.code, defaults={
            "category": n.category, "title": n.title, "binds": n.binds, "period": n.period,
            "source": n.source, "default_text": n.default_text, "threshold": n.threshold, "sort": sort})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial_trunk")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
