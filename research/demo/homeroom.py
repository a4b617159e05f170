"""Demo homeroom meetings (registered with core.demo.extensions, order 330).

For the homeroom posts (班主任) of up to `MAX_SCHOOLS` schools, the current term's meetings up to
the demo's day: most classes hold a parents' meeting and a student forum and a subject-teachers'
joint meeting every month; some classes skip a month or have no parents' meeting yet, so the
three HOMEROOM norms show classes short. Written with bulk_create."""

from __future__ import annotations

import datetime as dt

from core.demo.extensions import SeedContext, register
from core.demo.tables import insert_objects
from core.models import OrgNode, Post, Role
from core.terms import term_by_key
from research.homeroom_rules import term_months
from research.models.homeroom import HomeroomMeeting, MeetingKind

MAX_SCHOOLS = 60
FORUM_TOPICS = ["学习方法交流", "班级公约讨论", "考试心理调适", "阅读分享"]
JOINT_TOPICS = ["月考质量分析", "学困生帮扶分工", "作业量协调", "班级学情通报"]


def homeroom_meetings(ctx: SeedContext) -> None:
    province = OrgNode.objects.get(pk=ctx.province_id)
    term = term_by_key(province, ctx.term_key)
    if term is None:
        return
    rng = ctx.rng
    posts = list(Post.objects.filter(role=Role.HOMEROOM, org_id__in=ctx.school_ids[:MAX_SCHOOLS])
                 .order_by("org_id", "grade", "id"))
    end = min(ctx.today, term.end)
    rows: list[HomeroomMeeting] = []
    for i, post in enumerate(posts):
        short = i % 5 == 4  # one class in five falls short somewhere
        start = max(term.start, post.start) if post.start else term.start
        for m in term_months(start, end):
            days = (m.end - m.start).days
            for kind, topics in ((MeetingKind.STUDENT_FORUM, FORUM_TOPICS), (MeetingKind.TEACHERS_JOINT, JOINT_TOPICS)):
                if short and rng.random() < 0.35:
                    continue
                day = m.start + dt.timedelta(days=rng.randint(0, max(days, 0)))
                attendance = rng.randint(35, 50) if kind == MeetingKind.STUDENT_FORUM else rng.randint(6, 11)
                rows.append(HomeroomMeeting(school_id=post.org_id, homeroom=post, kind=kind, held_on=day,
                                            attendance=attendance, topic=rng.choice(topics),
                                            notes="会议记录：通报本月情况，商定下月重点。"))
        if not (short and rng.random() < 0.6) and (end - start).days > 45:
            day = start + dt.timedelta(days=rng.randint(40, (end - start).days))
            rows.append(HomeroomMeeting(school_id=post.org_id, homeroom=post, kind=MeetingKind.PARENTS, held_on=day,
                                        attendance=rng.randint(30, 50), topic="期中家长会",
                                        notes="通报期中学情，家长代表发言，布置家校共育重点。"))
    insert_objects(rows)


register("research.homeroom", homeroom_meetings, order=330)
