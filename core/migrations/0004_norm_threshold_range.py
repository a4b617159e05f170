"""Thresholds become a range: the single value is the minimum (RenameField), and a maximum is added."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0003_norm_results_stored")]

    operations = [
        migrations.RenameField("norm", "threshold", "threshold_min"),
        migrations.AlterField("norm", "threshold_min", models.FloatField("默认最低值", null=True, blank=True)),
        migrations.AddField("norm", "threshold_max", models.FloatField("默认最高值", null=True, blank=True)),
        migrations.RenameField("normoverride", "threshold", "threshold_min"),
        migrations.AlterField("normoverride", "threshold_min", models.FloatField("最低值", null=True, blank=True)),
        migrations.AddField("normoverride", "threshold_max", models.FloatField("最高值", null=True, blank=True)),
    ]
