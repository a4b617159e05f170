"""Score blocks carry their exam's school year, and on PostgreSQL the table is partitioned by it.

Three steps in one file (one new migration per app in this change), each its own operation: the
column (added nullable, filled from each block's exam, then required; the unique key of current
blocks names it), then, on PostgreSQL only, the table recreated `PARTITION BY LIST
(school_year)` with one partition per school year present and a default one (core.partitions).
SQLite keeps one plain table: the RunPython steps do nothing there but fill the column.
"""

from typing import Any

from django.db import migrations, models


def _year(term_key: str, held_on: Any) -> int:
    # Exam.school_year, as of this migration.
    year = term_key.partition("-")[0]
    if year.isdigit():
        return int(year)
    return int(held_on.year if held_on.month >= 9 else held_on.year - 1)


def fill_school_year(apps: Any, schema_editor: Any) -> None:
    Exam = apps.get_model("quality", "Exam")
    ScoreBlock = apps.get_model("quality", "ScoreBlock")
    by_year: dict[int, list[int]] = {}
    for pk, term_key, held_on in Exam.objects.values_list("pk", "term_key", "held_on").iterator():
        by_year.setdefault(_year(term_key, held_on), []).append(pk)
    for year, exam_ids in sorted(by_year.items()):
        for start in range(0, len(exam_ids), 500):
            ScoreBlock.objects.filter(paper__exam_id__in=exam_ids[start:start + 500]).update(school_year=year)
    if schema_editor.connection.vendor == "postgresql":
        # Rows written earlier in this transaction queue a deferred foreign-key check on update,
        # and PostgreSQL refuses the next ALTER TABLE while any is pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def partition(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    from core.partitions import partition_table

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT school_year FROM quality_scoreblock ORDER BY 1")
        years = [int(r[0]) for r in cursor.fetchall()]
        partition_table(cursor, table="quality_scoreblock", key="school_year", strategy="LIST",
                        partitions=[(f"y{y}", f"FOR VALUES IN ({y})") for y in years])


def unpartition(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    from core.partitions import unpartition_table

    with schema_editor.connection.cursor() as cursor:
        unpartition_table(cursor, table="quality_scoreblock")


class Migration(migrations.Migration):

    dependencies = [
        ('quality', '0006_merge_0005_item_bank_0005_student_subgroup_attributes'),
    ]

    operations = [
        migrations.AddField(
            model_name='scoreblock',
            name='school_year',
            field=models.PositiveSmallIntegerField(null=True, verbose_name='学年（起始年）'),
        ),
        migrations.RunPython(fill_school_year, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='scoreblock',
            name='school_year',
            field=models.PositiveSmallIntegerField(verbose_name='学年（起始年）'),
        ),
        migrations.RemoveConstraint(
            model_name='scoreblock',
            name='one_current_block_per_paper_school',
        ),
        migrations.AddConstraint(
            model_name='scoreblock',
            constraint=models.UniqueConstraint(condition=models.Q(('superseded_by__isnull', True)),
                                               fields=('paper', 'school', 'school_year'),
                                               name='one_current_block_per_paper_school'),
        ),
        migrations.RunPython(partition, unpartition),
    ]
