"""Demo records of the appraisal app's `reports` area: the demo city's yearly report for last
year, generated from the seed's records and issued, and this year's draft (registered after every
app whose records it reads, order 900).

The demo city is the city of the demo city researcher. The reports are written through the
services, as the city's staff would; the demo system admin stands in for the city's institute
head, who has no demo login.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from appraisal.models import YearlyReport
from appraisal.services import reports as services
from core.demo.extensions import SeedContext, register
from core.models import OrgKind, OrgNode, Post, Role, User


def demo_city(ctx: SeedContext) -> OrgNode | None:
    user_id = ctx.users.get("city_researcher")
    person_id = User.objects.filter(pk=user_id).values_list("person_id", flat=True).first() if user_id else None
    post = (Post.objects.filter(person_id=person_id, role=Role.RESEARCHER, org__kind=OrgKind.CITY)
            .select_related("org").first() if person_id else None)
    if post is not None:
        return post.org
    return OrgNode.objects.filter(kind=OrgKind.CITY).order_by("path").first()


def yearly_reports(ctx: SeedContext) -> None:
    city = demo_city(ctx)
    admin_id = ctx.users.get("sysadmin")
    admin = User.objects.filter(pk=admin_id).first() if admin_id is not None else None
    if city is None or admin is None:
        return
    last = services.report_generate(actor=admin, region=city, year=ctx.today.year - 1, today=ctx.today)
    sections = dict(last.sections)
    sections["plans"] = ("下一年度将继续坚持每周一、周三下校视导，周二、周四学科教研活动，"
                         "加强问题整改跟踪，做好质量监测结果的分析与运用。")
    services.report_save(actor=admin, report=last, title=last.title, sections=sections)
    services.report_issue(actor=admin, report=last)
    # Dated as the institution would have done it: generated and issued early in January.
    jan = timezone.make_aware(dt.datetime(ctx.today.year, 1, 15, 10, 0))
    YearlyReport.objects.filter(pk=last.pk).update(generated_at=jan - dt.timedelta(days=5), issued_at=jan)
    services.report_generate(actor=admin, region=city, year=ctx.today.year, today=ctx.today)


register("appraisal.reports", yearly_reports, order=900)
