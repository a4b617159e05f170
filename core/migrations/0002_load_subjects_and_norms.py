"""Load the national curriculum's subjects and the catalogue of norms (data, not schema)."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from core.reference import reference_data_load

    reference_data_load(apps.get_model("core", "Subject"), apps.get_model("core", "Norm"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial_trunk")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
