"""A covering index for counting the stored norm rows under a node (core.compliance.compliance_for,
the workbench's norms falling short).

The count filters `path LIKE '<node path>%'` and `term_key IN (...)` and groups by norm_code. The
column collation is not "C", so normrow_code_term_path cannot serve the prefix: on the city
database (92,805 rows) PostgreSQL read the whole table (Parallel Seq Scan, 12,600 buffers, about
50 ms) for one county. With this index on (path varchar_pattern_ops, term_key) including the
columns the count reads, it answers from the index alone (Index Only Scan on the path range,
no heap fetches once vacuumed): 93 buffers, about 3 ms.

Database only: NormResultRow.Meta does not list the index (its opclass and INCLUDE are
PostgreSQL's), so the model state is unchanged and `makemigrations --check` stays clean. SQLite
has neither; Django builds a plain index on (path, term_key) there.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0010_norm_unit_path_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AddIndex(
                    model_name="normresultrow",
                    index=models.Index(fields=["path", "term_key"], opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                                       include=["norm_code", "meets", "person"], name="normrow_path_prefix_cover"),
                ),
            ],
            state_operations=[],
        ),
    ]
