"""The catalogue's ranges (1～4 links, 1～2 key subjects, 2～3 base schools) into the norms; an
override of a norm whose single number was its maximum keeps that number as the maximum."""

from typing import Any

from django.db import migrations

# Norms whose one stored number was the top of the range (RES.LINK_RANGE stored 4, GROUP.KEY_SUBJECTS 2).
WAS_MAXIMUM = ("RES.LINK_RANGE", "GROUP.KEY_SUBJECTS")


def forwards(apps: Any, schema_editor: Any) -> None:
    from core.reference import reference_data_load

    Norm = apps.get_model("core", "Norm")
    reference_data_load(apps.get_model("core", "Subject"), Norm)
    for o in apps.get_model("core", "NormOverride").objects.filter(norm__code__in=WAS_MAXIMUM):
        o.threshold_max, o.threshold_min = o.threshold_min, o.norm.threshold_min
        if o.threshold_min is not None and o.threshold_min > o.threshold_max:
            o.threshold_min = None
        o.save(update_fields=["threshold_min", "threshold_max"])


def backwards(apps: Any, schema_editor: Any) -> None:
    for o in apps.get_model("core", "NormOverride").objects.filter(norm__code__in=WAS_MAXIMUM):
        o.threshold_min = o.threshold_max
        o.save(update_fields=["threshold_min"])


class Migration(migrations.Migration):
    dependencies = [("core", "0005_norm_threshold_range_constraints")]

    operations = [migrations.RunPython(forwards, backwards)]
