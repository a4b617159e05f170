"""A score batch keeps its parsed table and sample rows instead of re-reading the upload, and
records what it changed in students so undo restores it (issue 8, findings 3 and 5).

Schema only. Older batches keep their file in `content` and are read once more, through the
bounded reader, if they are applied later; nothing needs converting.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('quality', '0002_student_identity_per_school'),
    ]

    operations = [
        migrations.AddField(
            model_name='importbatch',
            name='samples',
            field=models.JSONField(default=list, verbose_name='样例行'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='student_changes',
            field=models.JSONField(default=dict, verbose_name='学生变更'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='table',
            field=models.BinaryField(blank=True, default=b'', verbose_name='解析后的表格'),
        ),
        migrations.AlterField(
            model_name='importbatch',
            name='content',
            field=models.BinaryField(blank=True, default=b'', verbose_name='文件内容（旧批次）'),
        ),
    ]
