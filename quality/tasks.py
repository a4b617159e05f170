"""Background jobs (django-tasks): thin wrappers over services, enqueued on commit."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def irt_calibrate(run_id: int) -> None:
    from quality.services import irt_execute

    irt_execute(run_id=run_id)


def daily(today: dt.date) -> str:
    """The quality app's daily job (core's `manage.py daily`, QualityConfig.daily_job): the score
    blocks' partitions of this and next school year on PostgreSQL (quality.partitions)."""
    from quality.partitions import scoreblock_partitions_ensure

    made = scoreblock_partitions_ensure(today=today)
    if made is None:
        return "成绩数据块未分区，无需处理"
    if not made:
        return "成绩数据块分区已齐全"
    return "已新建成绩数据块分区：" + "、".join(f"{y}—{y + 1}学年" for y in made)
