"""A student is (school, key), no longer a key unique across the region (issue 8, finding 5).

No data migration is needed (checked by hand): the old column was unique on its own, so every
existing (school, key) pair is unique too, and no row changes. What the old rule did wrong (an
upload moving another school's students to the uploader's) cannot be undone from the data alone,
since the moves were not recorded; the constraint stops new ones.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_load_subjects_and_norms'),
        ('quality', '0001_exams_scores_warnings'),
    ]

    operations = [
        migrations.AlterField(
            model_name='student',
            name='key',
            field=models.CharField(max_length=32, verbose_name='学生代号'),
        ),
        migrations.AddConstraint(
            model_name='student',
            constraint=models.UniqueConstraint(fields=('school', 'key'), name='student_key_unique_per_school'),
        ),
    ]
