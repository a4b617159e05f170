"""A partial index on the date of submitted observations, for the newest-first samples
(observe.selectors.feedback_texts, read by the text-mining task).

On the province data (1.85 M observations, PostgreSQL, `bench/explain_observe.py`), the
institute head's sample of the 3,000 newest texts of the term was a parallel sequential scan
with a top-N sort (1,388 ms on a loaded machine); with this index it is an Index Scan Backward
that stops after 3,000 rows (180 ms).

Database only, like 0003: Observation.Meta (observe/models.py) does not list it, so the model
state is unchanged and `makemigrations --check` stays clean.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("observe", "0005_observation_aggregate_and_mining_result")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AddIndex(
                    model_name="observation",
                    index=models.Index(fields=["date"], condition=models.Q(status="submitted"),
                                       name="obs_submitted_date"),
                ),
            ],
            state_operations=[],
        ),
    ]
