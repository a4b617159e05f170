"""A covering index for reading one norm's stored rows under a node: the quota page of a large
region (observe.quota_stored) groups a province's 48,000 LEAD.* leader rows by child and picks
those behind; the norm's page (core.compliance.stored_rows) pages one norm's rows of a subtree.

Both filter `norm_code`, `term_key` and `path LIKE '<node path>%'`. normrow_code_term_path cannot
serve the prefix (the column collation is not "C"), so PostgreSQL read every row of the norm in
the province from the heap and filtered the path: 123 ms for one county's 328 rows. This index
(the path with varchar_pattern_ops) reads the county's range alone, and with the columns the
quota page reads included, from the index.

Database only, as 0011: NormResultRow.Meta does not list it (its opclass and INCLUDE are
PostgreSQL's); SQLite builds a plain index on the three columns.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0012_normresultrow_done_of")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AddIndex(
                    model_name="normresultrow",
                    index=models.Index(fields=["norm_code", "term_key", "path"],
                                       opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "varchar_pattern_ops"],
                                       include=["meets", "value", "target", "done", "of", "unit", "person"],
                                       name="normrow_code_term_path_like"),
                ),
            ],
            state_operations=[],
        ),
    ]
