"""Access-matrix rows for research activities: the app's home, the activity pages, sign-in,
calendars, reports and the API (research:*activit*, research:calendar*, api-v1:research_*)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from tests.access_cases import COUNTY_A_ROLES, EVERYONE, SCHOOL_A1_ROLES, Case

# A county A regional activity hosted by the county researcher, with A1's teacher and A2's
# teacher invited: county A's region roles and the two participants read it.
ACTIVITY_READERS = frozenset(COUNTY_A_ROLES | {"teacher", "teacher_a2"})
# Managers: the host, and the admin, institute head and full-time researchers at county A or above.
ACTIVITY_MANAGERS = frozenset({"sysadmin", "institute_head", "province_researcher", "city_researcher",
                               "county_researcher", "county_admin"})
# Whoever may organise some activity: region organisers anywhere (part-time researchers too) and
# schools' managers and group leaders.
ORGANISERS = frozenset(ACTIVITY_MANAGERS | {"part_time_researcher", "outside_researcher", "principal",
                                            "vice_principal", "middle_manager", "group_leader",
                                            "outside_principal"})
# Activity statistics: region roles anywhere, schools' managers.
STATS_READERS = frozenset(COUNTY_A_ROLES | {"outside_researcher", "principal", "vice_principal", "middle_manager",
                                           "outside_principal"})
WITH_PERSON = frozenset(EVERYONE - {"no_post", "sysadmin"})

TITLE = "小店区初中语文大单元教学区域教研"


def tz(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    from django.utils import timezone

    return dt.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def make_activity(cast: Any, *, start: dt.datetime | None = None, title: str = TITLE) -> Any:
    """The county activity the rows open (invited: A1's and A2's teachers)."""
    from django.utils import timezone

    from core.models import Subject
    from research.services import activities as services
    from tests.conftest import term_covering

    start = start or tz(2026, 10, 14, 14, 0)
    data = services.ActivityData(
        form="regional", level="county", term=term_covering(cast, timezone.localtime(start).date()), title=title,
        start=start,
        end=start + dt.timedelta(hours=2), theme="大单元教学设计", plan="一、展示课\n二、评课研讨\n三、专家讲座",
        subject=Subject.objects.get(code="chinese"), stage="junior", periods=2, place="小店区教研室三楼会议室",
        host=cast.people["county_researcher"])
    activity = services.activity_create(actor=None, organiser=cast.county_a, data=data)
    services.participant_invite(actor=None, activity=activity,
                                people=[cast.people["teacher"], cast.people["teacher_a2"]])
    return activity


def _activity(cast: Any) -> list[Any]:
    return [make_activity(cast).pk]


def _png() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, format="PNG")
    return SimpleUploadedFile("现场照片.png", buf.getvalue(), content_type="image/png")


def _material_file(cast: Any) -> list[Any]:
    from research.services import activities as services

    activity = make_activity(cast)
    material = services.material_add(actor=None, activity=activity, title="活动照片", upload=_png())
    return [activity.pk, "material", material.pk]


def _now_code(cast: Any) -> list[Any]:
    import time

    from django.conf import settings
    from django.utils import timezone

    from research import activity_signin

    activity = make_activity(cast, start=timezone.now() - dt.timedelta(minutes=5), title="正在进行的教研活动")
    return [activity.pk, activity_signin.make_code(settings.SECRET_KEY, activity.pk,
                                                   activity_signin.window_of(time.time()))]


def _old_code(cast: Any) -> list[Any]:
    import time

    from django.conf import settings
    from django.utils import timezone

    from research import activity_signin

    activity = make_activity(cast, start=timezone.now() - dt.timedelta(minutes=5), title="正在进行的教研活动")
    return [activity.pk, activity_signin.make_code(settings.SECRET_KEY, activity.pk,
                                                   activity_signin.window_of(time.time()) - 5)]


def _participant_data(cast: Any) -> dict[str, Any]:
    from research.models import Participant

    part = Participant.objects.filter(activity__title=TITLE, person=cast.people["teacher"]).order_by("-id").first()
    assert part is not None
    return {"participant": part.pk, "attendance": "excused"}


def _feed(cast: Any) -> list[Any]:
    from research.views.activity_calendar import feed_token

    return [feed_token(cast.users["teacher"])]


def _new_activity_api(cast: Any) -> dict[str, Any]:
    return {"organiser": cast.county_a.code, "form": "theme", "level": "county", "term": cast.term.key,
            "title": "主题教研：作业设计", "start": "2026-11-04T14:00:00+08:00", "end": "2026-11-04T16:00:00+08:00",
            "place": "小店区教研室"}


CASES = [
    Case("research:home", EVERYONE, note="每个登录用户都能打开教研活动首页"),
    Case("research:activities", EVERYONE, note="只列出其可见的活动"),
    Case("research:activities", EVERYONE, query="side=mine&form=regional&level=county", note="filtered"),
    Case("research:activity_new", ORGANISERS),
    Case("research:activity_stats", STATS_READERS, note="区域角色；学校管理者看本校"),
    Case("research:activity_stats", STATS_READERS, query="format=xlsx", note="xlsx"),
    Case("research:activity_detail", ACTIVITY_READERS, args=_activity),
    Case("research:activity_edit", ACTIVITY_MANAGERS, args=_activity),
    Case("research:activity_invite", ACTIVITY_MANAGERS, args=_activity, method="POST", ok_status=(302,),
         data=lambda cast: {"people": cast.people["principal"].code, "role": "participant"}),
    Case("research:activity_attendance", ACTIVITY_MANAGERS, args=_activity, method="POST", ok_status=(302,),
         data=_participant_data),
    Case("research:activity_outcome", ACTIVITY_MANAGERS, args=_activity, method="POST", ok_status=(302,),
         data=lambda cast: {"kind": "minutes", "title": "活动纪要", "text": "研讨了大单元教学设计"}),
    Case("research:activity_material", ACTIVITY_MANAGERS, args=_activity, method="POST", ok_status=(302,),
         data=lambda cast: {"title": "课件", "url": "https://example.org/slides"}),
    Case("research:activity_close", ACTIVITY_MANAGERS, args=_activity, method="POST", ok_status=(302,)),
    Case("research:activity_cancel", ACTIVITY_MANAGERS, args=_activity, method="POST", ok_status=(302,)),
    Case("research:activity_file", ACTIVITY_READERS, args=_material_file),
    Case("research:activity_code", ACTIVITY_MANAGERS, args=_activity),
    Case("research:activity_signin", WITH_PERSON, args=_now_code,
         note="有效的签到码：任何有人员信息的登录用户（到场即可签到）"),
    Case("research:activity_signin", EVERYONE, args=_old_code, ok_status=(400,),
         note="过期的签到码对所有人都拒绝，且不显示活动名称"),
    Case("research:calendar", EVERYONE),
    Case("research:calendar", EVERYONE, query="month=2026-10&view=list", note="list"),
    Case("research:calendar_ics", EVERYONE),
    Case("research:calendar_feed", EVERYONE, args=_feed, public=True, note="订阅地址的密钥即凭证"),
    Case("research:calendar_node", COUNTY_A_ROLES, args=lambda cast: [cast.county_a.code]),
    Case("research:calendar_node", SCHOOL_A1_ROLES, args=lambda cast: [cast.school_a1.code], note="school"),
    Case("research:calendar_node_ics", COUNTY_A_ROLES, args=lambda cast: [cast.county_a.code]),
    Case("api-v1:research_activity_list", EVERYONE),
    Case("api-v1:research_activity_list", ACTIVITY_MANAGERS | {"part_time_researcher"}, method="POST", data=_new_activity_api,
         ok_status=(201,), note="create"),
    Case("api-v1:research_activity_detail", ACTIVITY_READERS, args=_activity),
    Case("api-v1:research_calendar", EVERYONE, query="start=2026-10-01&end=2026-11-01"),
]
