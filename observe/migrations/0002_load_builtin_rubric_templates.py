"""Load the built-in rubric templates (课堂教学评价表, LICC, 教研组评价细则) from
observe/rubric_templates.py as published version 1 of each (data, not schema)."""

from typing import Any

from django.db import migrations

PURPOSES = {"LESSON.GENERAL": "lesson", "LICC": "lesson", "GROUP.RUBRIC": "group"}


def load(apps: Any, schema_editor: Any) -> None:
    from django.utils import timezone

    from observe.rubric_templates import TEMPLATES, get_template

    Template = apps.get_model("observe", "RubricTemplate")
    Version = apps.get_model("observe", "RubricVersion")
    for key in TEMPLATES:
        data = get_template(key)
        template, _ = Template.objects.update_or_create(key=key, defaults={
            "name": data["name"], "description": data["description"], "purpose": PURPOSES.get(key, "lesson"),
            "owner": None, "is_builtin": True})
        total = data["scoring"].get("total")
        # A shipped version is never edited in place (rubric_templates.py): add, do not overwrite.
        if not Version.objects.filter(template=template, number=data["version"]).exists():
            Version.objects.create(template=template, number=data["version"], status="published",
                                   scoring=data["scoring"], nodes=data["nodes"],
                                   total_points=None if total is None else float(total),
                                   note=data["source"][:200], published_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("observe", "0001_initial_observation_schema")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
