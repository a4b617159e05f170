"""Research activities through their services and pages: who sees and manages them, the plan's
rules, invitations with visit clashes, sign-in by code (a replayed code refused), attendance by
hand, materials and the outcome, closing, lessons observed in the activity, calendars with
iCalendar export, reports, the teacher archive and the to-do list."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from research import activity_signin
from research.access import activities_visible_to, can_manage_activity, get_activity_for_user
from research.models import ActivityStatus, Attendance, Participant
from research.services import activities as services
from tests.access_cases_research_activities import TITLE, make_activity, tz

pytestmark = pytest.mark.django_db


def _data(cast: Any, **kw: Any) -> services.ActivityData:
    start = kw.pop("start", tz(2026, 11, 18, 14, 0))
    base: dict[str, Any] = {"form": "group", "level": "school", "term": cast.term, "title": "数学组教研：作业设计",
                            "start": start, "end": start + dt.timedelta(hours=2), "place": "数学组办公室"}
    base.update(kw)
    return services.ActivityData(**base)


def _code(activity: Any, windows_ago: int = 0) -> str:
    return activity_signin.make_code(settings.SECRET_KEY, activity.pk,
                                     activity_signin.window_of(time.time()) - windows_ago)


def _errors(body: bytes) -> list[str]:
    return re.findall(r"<li>(.*?)</li>", "".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>',
                                                          body.decode(), re.S)))


# ---------------------------------------------------------------- access


def test_who_sees_a_county_activity(cast: Any) -> None:
    a = make_activity(cast)
    sees = {k for k, u in cast.users.items() if activities_visible_to(u).filter(pk=a.pk).exists()}
    assert {"county_researcher", "city_researcher", "bureau_viewer", "teacher", "teacher_a2"} <= sees
    assert not sees & {"outside_teacher", "outside_researcher", "principal", "group_leader", "no_post"}
    assert {k for k, u in cast.users.items() if can_manage_activity(u, a)} >= {"county_researcher", "county_admin"}
    assert not can_manage_activity(cast.users["teacher"], a)
    assert not can_manage_activity(cast.users["bureau_viewer"], a)


def test_a_school_activity_is_seen_by_the_schools_staff_and_managed_by_its_leaders(cast: Any) -> None:
    a = services.activity_create(actor=cast.users["group_leader"], organiser=cast.school_a1, data=_data(cast))
    assert activities_visible_to(cast.users["teacher"]).filter(pk=a.pk).exists()
    assert not activities_visible_to(cast.users["teacher_a2"]).filter(pk=a.pk).exists()
    assert can_manage_activity(cast.users["group_leader"], a)  # its creator
    assert can_manage_activity(cast.users["vice_principal"], a)
    assert not can_manage_activity(cast.users["teacher"], a)
    with pytest.raises(services.ActivityError, match="名义"):
        services.activity_create(actor=cast.users["teacher"], organiser=cast.school_a1, data=_data(cast))


# ---------------------------------------------------------------- the plan's rules


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"title": "  "}, "title", "名称"),
    ({"end": tz(2026, 11, 18, 13, 0)}, "end", "晚于"),
    ({"start": tz(2027, 3, 1, 14, 0)}, "start", "不在"),
    ({"place": "", "online_url": ""}, "place", "地点"),
    ({"periods": 0}, "periods", "课时"),
    ({"form": "party"}, "form", "形式"),
])
def test_plan_refusals_name_the_field(cast: Any, change: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(services.ActivityError) as exc:
        services.activity_create(actor=cast.users["principal"], organiser=cast.school_a1, data=_data(cast, **change))
    assert exc.value.field == field and message in exc.value.message


def test_the_form_keeps_what_was_typed_on_error(cast: Any) -> None:
    c = cast.client("principal")
    r = c.post(reverse("research:activity_new"), {
        "organiser": cast.school_a1.pk, "form": "lecture", "level": "school", "term": cast.term.pk,
        "title": "专题讲座：双减下的作业", "start": "2026-11-18T14:00", "end": "2026-11-18T13:00", "periods": 2,
        "place": "报告厅"})
    assert r.status_code == 400
    body = r.content.decode()
    assert "结束时间必须晚于开始时间" in _errors(r.content)
    assert 'value="专题讲座：双减下的作业"' in body and 'value="报告厅"' in body
    r = c.post(reverse("research:activity_new"), {
        "organiser": cast.school_a1.pk, "form": "lecture", "level": "school", "term": cast.term.pk,
        "title": "专题讲座：双减下的作业", "start": "2026-11-18T14:00", "end": "2026-11-18T16:00", "periods": 2,
        "place": "报告厅", "host": cast.people["principal"].code})
    assert r.status_code == 302
    a = activities_visible_to(cast.users["principal"]).get(title="专题讲座：双减下的作业")
    assert a.host == cast.people["principal"] and a.participants.filter(person=cast.people["principal"]).exists()


# ---------------------------------------------------------------- participants


def test_inviting_warns_of_a_visit_the_same_day(cast: Any) -> None:
    from tests.access_cases_visits_plan import make_visit

    make_visit(cast)  # the part-time researcher is on the team at A1 on 12 October
    a = make_activity(cast, start=tz(2026, 10, 12, 14, 0))
    result = services.participant_invite(actor=cast.users["county_researcher"], activity=a,
                                         people=[cast.people["part_time_researcher"], cast.people["teacher"]])
    assert [p.person for p in result.added] == [cast.people["part_time_researcher"]]
    assert result.already == [cast.people["teacher"]]
    assert result.warnings == ["刘晓燕在10月12日有视导“小店区秋季教学视导（第一中学）”，与本活动时间冲突"]
    # The calendar of the person says so too.
    r = cast.client("part_time_researcher").get(reverse("research:calendar") + "?month=2026-10")
    assert "与视导“小店区秋季教学视导（第一中学）”同日" in r.content.decode()
    # and marks the activity in the day's cell, linking to it.
    link = reverse("research:activity_detail", args=[a.pk])
    assert f'<a class="ra-ev clash" href="{link}"' in r.content.decode()


def test_inviting_on_the_page_by_name_and_code(cast: Any) -> None:
    a = make_activity(cast)
    c = cast.client("county_researcher")
    r = c.post(reverse("research:activity_invite", args=[a.pk]),
               {"people": f"孙国庆\n{cast.people['group_leader'].code}、没这个人", "role": "participant"})
    assert r.status_code == 400 and any("没这个人" in e for e in _errors(r.content))
    assert "没这个人" in r.content.decode()  # kept in the textarea
    r = c.post(reverse("research:activity_invite", args=[a.pk]),
               {"people": f"孙国庆\n{cast.people['group_leader'].code}", "role": "guide"})
    assert r.status_code == 302
    assert set(a.participants.filter(role="guide").values_list("person__name", flat=True)) == {"孙国庆", "冯志刚"}


# ---------------------------------------------------------------- sign-in


def _now_activity(cast: Any, minutes_ago: int = 5) -> Any:
    return make_activity(cast, start=timezone.now() - dt.timedelta(minutes=minutes_ago), title="正在进行的区域教研")


def test_signing_in_with_the_current_code(cast: Any) -> None:
    a = _now_activity(cast)
    c = cast.client("teacher")
    url = reverse("research:activity_signin", args=[a.pk, _code(a)])
    r = c.get(url)
    assert r.status_code == 200 and "正在进行的区域教研" in r.content.decode() and "确认签到" in r.content.decode()
    r = c.post(url)
    assert r.status_code == 200 and "签到成功：出席" in r.content.decode()
    part = Participant.objects.get(activity=a, person=cast.people["teacher"])
    assert part.attendance == Attendance.PRESENT and part.signed_at is not None
    a.refresh_from_db()
    assert a.status == ActivityStatus.UNDERWAY
    # A second scan keeps the first sign-in.
    r = c.post(reverse("research:activity_signin", args=[a.pk, _code(a, 1)]))
    assert "您已签到" in r.content.decode()


def test_late_and_walk_in(cast: Any) -> None:
    a = _now_activity(cast, minutes_ago=25)
    r = cast.client("principal").post(reverse("research:activity_signin", args=[a.pk, _code(a)]))
    assert "签到成功：迟到" in r.content.decode()
    part = Participant.objects.get(activity=a, person=cast.people["principal"])
    assert part.attendance == Attendance.LATE and not part.invited
    # Having signed in, the walk-in now sees the activity.
    assert get_activity_for_user(cast.users["principal"], a.pk) == a


def test_a_replayed_old_code_and_another_activitys_code_are_refused(cast: Any) -> None:
    a = _now_activity(cast)
    other = make_activity(cast, start=a.start, title="另一项活动")
    c = cast.client("teacher")
    r = c.post(reverse("research:activity_signin", args=[a.pk, _code(a, 2)]))
    assert r.status_code == 400
    body = r.content.decode()
    assert "签到码已过期" in body and "正在进行的区域教研" not in body
    r = c.post(reverse("research:activity_signin", args=[a.pk, _code(other)]))
    assert r.status_code == 400 and "另一项活动的签到码" in r.content.decode()
    assert Participant.objects.get(activity=a, person=cast.people["teacher"]).attendance == Attendance.UNKNOWN


def test_a_code_opened_before_logging_in_is_held_on_that_phone(cast: Any) -> None:
    from django.test import Client, override_settings

    a = _now_activity(cast)
    code = _code(a)
    url = reverse("research:activity_signin", args=[a.pk, code])
    phone = Client()
    r = phone.get(url)
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    phone.force_login(cast.users["teacher"])
    other = cast.client("teacher_a2")
    # Ninety seconds later the code's window is gone: the phone that opened it in time still
    # signs in, a device that meets it only now does not.
    with override_settings(JIAOYAN_SIGNIN_CLOCK_SKEW=90):
        assert "签到码已过期" in other.post(url).content.decode()
        r = phone.post(url)
        assert "签到成功" in r.content.decode()
    with override_settings(JIAOYAN_SIGNIN_CLOCK_SKEW=400):
        later = cast.client("principal")
        later.get(url)
        assert later.post(url).status_code == 400
    assert Participant.objects.get(activity=a, person=cast.people["teacher"]).attendance == Attendance.PRESENT
    assert Participant.objects.get(activity=a, person=cast.people["teacher_a2"]).attendance == Attendance.UNKNOWN


def test_no_signin_outside_the_activitys_time(cast: Any) -> None:
    a = make_activity(cast, start=timezone.now() + dt.timedelta(hours=3), title="下午的活动")
    r = cast.client("teacher").post(reverse("research:activity_signin", args=[a.pk, _code(a)]))
    assert r.status_code == 400 and "尚未开始" in r.content.decode()
    page = cast.client("county_researcher").get(reverse("research:activity_code", args=[a.pk]))
    assert "尚未开始" in page.content.decode() and "<svg" not in page.content.decode()


def test_the_code_page_shows_a_qr_of_the_signin_link(cast: Any) -> None:
    a = _now_activity(cast)
    c = cast.client("county_researcher")
    r = c.get(reverse("research:activity_code", args=[a.pk]))
    body = r.content.decode()
    assert r.status_code == 200 and "<svg" in body and 'hx-trigger="every 10s"' in body
    fragment = c.get(reverse("research:activity_code", args=[a.pk]), headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="signin-code"')
    assert cast.client("teacher").get(reverse("research:activity_code", args=[a.pk])).status_code == 404


def test_attendance_by_hand(cast: Any) -> None:
    a = make_activity(cast)
    part = a.participants.get(person=cast.people["teacher_a2"])
    c = cast.client("county_researcher")
    r = c.post(reverse("research:activity_attendance", args=[a.pk]), {"participant": part.pk, "attendance": "excused"})
    assert r.status_code == 302
    part.refresh_from_db()
    assert part.attendance == Attendance.EXCUSED
    r = c.post(reverse("research:activity_attendance", args=[a.pk]), {"participant": part.pk, "attendance": "x"})
    part.refresh_from_db()
    assert part.attendance == Attendance.EXCUSED
    assert cast.client("teacher").post(reverse("research:activity_attendance", args=[a.pk]),
                                       {"participant": part.pk, "attendance": "present"}).status_code == 404


# ---------------------------------------------------------------- outcome, materials, closing


def _docx() -> SimpleUploadedFile:
    from docx import Document

    doc = Document()
    doc.add_paragraph("研究报告：大单元教学设计")
    buf = io.BytesIO()
    doc.save(buf)
    return SimpleUploadedFile("研究报告.docx", buf.getvalue())


def test_closing_needs_an_outcome_and_marks_the_unsigned_absent(cast: Any) -> None:
    a = make_activity(cast)
    c = cast.client("county_researcher")
    r = c.post(reverse("research:activity_close", args=[a.pk]), follow=True)
    assert "结束活动前请先填写或上传活动成果" in r.content.decode()
    a.refresh_from_db()
    assert a.status == ActivityStatus.PLANNED
    r = c.post(reverse("research:activity_outcome", args=[a.pk]), {"kind": "minutes", "title": "活动纪要", "text": ""})
    assert r.status_code == 400 and "请在此填写成果正文，或上传成果文件" in r.content.decode()
    assert 'value="活动纪要"' in r.content.decode()
    r = c.post(reverse("research:activity_outcome", args=[a.pk]),
               {"kind": "report", "title": "研究报告", "text": "", "file": _docx()})
    assert r.status_code == 302
    outcome = a.outcomes.get()
    assert outcome.original_name == "研究报告.docx"
    download = c.get(reverse("research:activity_file", args=[a.pk, "outcome", outcome.pk]))
    from docx import Document

    assert Document(io.BytesIO(b"".join(download.streaming_content))).paragraphs[0].text == "研究报告：大单元教学设计"
    services.attendance_set(actor=None, participant=a.participants.get(person=cast.people["teacher"]),
                            attendance=Attendance.PRESENT)
    r = c.post(reverse("research:activity_close", args=[a.pk]))
    a.refresh_from_db()
    assert a.status == ActivityStatus.CLOSED
    att = dict(a.participants.values_list("person__name", "attendance"))
    assert att == {"张文华": "present", "何静": "present", "许晨": "absent"}
    with pytest.raises(services.ActivityError, match="归档"):
        services.outcome_add(actor=None, activity=a, kind="case", title="补充", text="x")


def test_materials_file_and_link(cast: Any) -> None:
    a = make_activity(cast)
    c = cast.client("county_researcher")
    assert c.post(reverse("research:activity_material", args=[a.pk]),
                  {"title": "课件", "url": "https://example.org/a.pptx"}).status_code == 302
    r = c.post(reverse("research:activity_material", args=[a.pk]), {"title": "脚本",
                                                                      "file": SimpleUploadedFile("x.png", b"<script>")})
    assert r.status_code == 400
    assert list(a.materials.values_list("title", flat=True)) == ["课件"]
    detail = cast.client("teacher").get(reverse("research:activity_detail", args=[a.pk])).content.decode()
    assert "https://example.org/a.pptx" in detail and 'data-testid="invite-form"' not in detail


# ---------------------------------------------------------------- lessons shown


def test_a_lesson_observed_in_the_activity_is_listed(cast: Any) -> None:
    from django.contrib.contenttypes.models import ContentType

    from observe import services as observe_services
    from observe.contexts import resolve_context
    from observe.errors import ObservationError
    from research.models import Activity

    a = make_activity(cast)
    context = resolve_context(cast.users["county_researcher"], {"activity": a.pk})
    assert context == (ContentType.objects.get_for_model(Activity), a.pk)
    with pytest.raises(ObservationError, match="教研活动"):
        resolve_context(cast.users["outside_researcher"], {"activity": a.pk})
    data = observe_services.ObservationData(teacher=cast.people["teacher"], school=cast.school_a1,
                                            date=dt.date(2026, 10, 14), topic="《背影》大单元教学展示课",
                                            subject=cast.people["teacher"].main_subject, strengths="情境创设好")
    observe_services.observation_record(actor=cast.users["county_researcher"], observer=cast.people["county_researcher"],
                                        data=data, submit=True, context=context)
    body = cast.client("county_researcher").get(reverse("research:activity_detail", args=[a.pk])).content.decode()
    assert "《背影》大单元教学展示课" in body
    r = cast.client("county_researcher").get(reverse("observe:new") + f"?activity={a.pk}")
    assert f'name="activity" value="{a.pk}"' in r.content.decode()


# ---------------------------------------------------------------- calendars


def test_my_calendar_and_its_ics(cast: Any) -> None:
    a = make_activity(cast)
    c = cast.client("teacher")
    body = c.get(reverse("research:calendar") + "?month=2026-10").content.decode()
    assert TITLE[:14] in body and "2026年10月" in body
    body = c.get(reverse("research:calendar") + "?month=2026-10&view=list").content.decode()
    assert TITLE in body
    # The feed holds the months around today: an activity of last week, whatever today is.
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    recent = make_activity(cast, start=tz(week_ago.year, week_ago.month, week_ago.day, 14, 0), title="上周的区域教研")
    dtstart = f"DTSTART:{week_ago:%Y%m%d}T060000Z"  # 14:00 in Beijing is 06:00 UTC
    ics = c.get(reverse("research:calendar_ics"))
    assert ics["Content-Type"].startswith("text/calendar")
    text = ics.content.decode()
    assert f"UID:activity-{recent.pk}@testserver" in text and dtstart in text and "\r\n" in text
    from research.views.activity_calendar import feed_token

    token = feed_token(cast.users["teacher"])
    from django.test import Client

    feed = Client().get(reverse("research:calendar_feed", args=[token]))
    assert feed.status_code == 200 and dtstart in feed.content.decode()
    forged = token[:-4] + ("0000" if not token.endswith("0000") else "1111")
    assert Client().get(reverse("research:calendar_feed", args=[forged])).status_code == 404
    # The outside teacher's feed does not carry it.
    other = Client().get(reverse("research:calendar_feed", args=[feed_token(cast.users["outside_teacher"])]))
    assert "上周的区域教研" not in other.content.decode()
    services.activity_cancel(actor=None, activity=recent)
    services.activity_cancel(actor=None, activity=a)
    cancelled = Client().get(reverse("research:calendar_feed", args=[token])).content.decode()
    assert "STATUS:CANCELLED" in cancelled
    assert TITLE not in c.get(reverse("research:calendar") + "?month=2026-10&view=list").content.decode()


def test_institution_calendar(cast: Any) -> None:
    make_activity(cast)
    body = cast.client("bureau_viewer").get(
        reverse("research:calendar_node", args=[cast.county_a.code]) + "?month=2026-10&view=list").content.decode()
    assert TITLE in body
    assert cast.client("outside_researcher").get(
        reverse("research:calendar_node", args=[cast.county_a.code])).status_code == 404


def test_api_calendar(cast: Any) -> None:
    a = make_activity(cast)
    r = cast.client("teacher").get("/api/v1/research/calendar?start=2026-10-01&end=2026-11-01")
    assert r.status_code == 200
    assert [(e["id"], e["attendance"]) for e in r.json()] == [(a.pk, "未签到")]


# ---------------------------------------------------------------- reports, archive, to-dos


def test_counts_and_participation(cast: Any) -> None:
    a = make_activity(cast)
    services.attendance_set(actor=None, participant=a.participants.get(person=cast.people["teacher"]),
                            attendance=Attendance.LATE)
    b = services.activity_create(actor=None, organiser=cast.school_a1, data=_data(cast, form="polishing"))
    services.participant_invite(actor=None, activity=b, people=[cast.people["teacher"]])
    services.attendance_set(actor=None, participant=b.participants.get(), attendance=Attendance.PRESENT)
    r = cast.client("county_researcher").get(reverse("research:activity_stats"))
    body = r.content.decode()
    assert "共 2 项活动" in body and "签到 2 人次（迟到 1）" in body
    assert "<td>区域教研</td><td>1</td>" in body and "<td>磨课</td><td>1</td>" in body
    # 何静: two activities attended, one late, four class periods.
    assert re.search(r"<td>何静</td><td>小店第一中学</td><td>2</td><td>2</td><td>1</td><td>0</td><td>4</td>", body)
    from openpyxl import load_workbook

    x = cast.client("county_researcher").get(reverse("research:activity_stats") + "?format=xlsx")
    ws = load_workbook(io.BytesIO(x.content)).active
    assert ws is not None
    rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    assert rows[1] == ("人员编号", "姓名", "学校", "受邀/参加", "出席", "迟到", "缺席", "课时")
    assert (cast.people["teacher"].code, "何静", "小店第一中学", 2, 2, 1, 0, 4) in rows[2:]


def test_participation_in_the_teacher_archive(cast: Any) -> None:
    from observe.archive import archive_entries

    make_activity(cast)
    entries = [e for e in archive_entries(cast.users["county_researcher"], cast.people["teacher"])
               if e.source == "research.activities"]
    assert [e.title for e in entries] == [f"区域教研：{TITLE}"]
    assert not [e for e in archive_entries(cast.users["outside_researcher"], cast.people["teacher"])
                if e.source == "research.activities"]


def test_todos(cast: Any) -> None:
    from core.todo_selectors import TodoContext
    from research.todos import todo_items

    past = make_activity(cast, start=timezone.now() - dt.timedelta(days=2), title="上周的区域教研")
    today = _now_activity(cast)  # started 5 minutes ago: overlaps today at any hour (an hour ahead is tomorrow after 23:00 Beijing)

    def items(role: str) -> dict[str, str]:
        ctx = TodoContext(user=cast.users[role], me=cast.people[role].pk, node=None, term=None, schools=[],
                          region_reader=False, leader=False)
        return {t.kind: t.url for t in todo_items(ctx)}

    assert items("county_researcher")["activity_outcome"].endswith("#outcome") or "side=mine" in \
        items("county_researcher")["activity_outcome"]
    assert items("teacher")["activity_today"] == reverse("research:activity_detail", args=[today.pk])
    services.outcome_add(actor=None, activity=past, kind="minutes", title="纪要", text="记录")
    services.outcome_add(actor=None, activity=today, kind="minutes", title="纪要", text="记录")
    assert "activity_outcome" not in items("county_researcher")


# ---------------------------------------------------------------- list and API


def test_the_list_filters_and_its_queries_do_not_grow_with_rows(cast: Any, django_assert_max_num_queries: Any) -> None:
    for n in range(6):
        make_activity(cast, title=f"区域教研第{n + 1}次")
    services.activity_create(actor=None, organiser=cast.school_a1, data=_data(cast, form="polishing", title="磨课"))
    c = cast.client("county_researcher")
    # 13: the page-view log (integrations.signin) records the first view of a page in the hour.
    with django_assert_max_num_queries(13):
        body = c.get(reverse("research:activities")).content.decode()
    assert body.count('class="ra-card"') == 7
    body = c.get(reverse("research:activities") + "?form=polishing").content.decode()
    assert body.count('class="ra-card"') == 1 and "磨课" in body
    body = cast.client("teacher_a2").get(reverse("research:activities") + "?side=mine").content.decode()
    assert body.count('class="ra-card"') == 6  # invited to the county's, not A1's own


def test_api_detail_and_create(cast: Any) -> None:
    import json

    a = make_activity(cast)
    r = cast.client("teacher").get(f"/api/v1/research/activities/{a.pk}")
    assert r.status_code == 200
    data = r.json()
    assert data["title"] == TITLE and data["form"] == "regional" and data["subject"] == "chinese"
    # A participant sees themselves (and whom else they may see as people), not the whole list.
    assert [p["name"] for p in data["participants"]] == ["何静"]
    assert len(cast.client("county_researcher").get(f"/api/v1/research/activities/{a.pk}").json()["participants"]) == 3
    bad = {"organiser": cast.county_a.code, "form": "theme", "level": "county", "term": cast.term.key,
           "title": "主题教研", "start": "2026-11-04T16:00:00+08:00", "end": "2026-11-04T14:00:00+08:00",
           "place": "教研室"}
    r = cast.client("county_researcher").post("/api/v1/research/activities", json.dumps(bad),
                                               content_type="application/json")
    assert r.status_code == 422 and "结束时间必须晚于开始时间" in r.content.decode()
    r = cast.client("county_researcher").post("/api/v1/research/activities",
                                               json.dumps({**bad, "end": "2026-11-04T17:00:00+08:00"}),
                                               content_type="application/json")
    assert r.status_code == 201 and r.json()["host"] is None
    assert cast.client("outside_teacher").get(f"/api/v1/research/activities/{a.pk}").status_code == 404


def test_a_joint_groups_activity_is_seen_by_its_member_schools(cast: Any) -> None:
    from research.models import JointGroup

    jg = JointGroup.objects.create(region=cast.county_a, name="小店区初中数学联组", lead_school=cast.school_a1)
    jg.schools.add(cast.school_a1, cast.school_a2)
    a = services.activity_create(actor=cast.users["principal"], organiser=cast.school_a1,
                                 data=_data(cast, form="cluster", title="联组教研"))
    assert not activities_visible_to(cast.users["teacher_a2"]).filter(pk=a.pk).exists()
    a.joint_group = jg
    a.save(update_fields=["joint_group"])
    assert activities_visible_to(cast.users["teacher_a2"]).filter(pk=a.pk).exists()
    assert not activities_visible_to(cast.users["outside_teacher"]).filter(pk=a.pk).exists()


def test_edits_are_audited_in_the_organisers_scope(cast: Any) -> None:
    from core.models import AuditEvent

    a = make_activity(cast)
    c = cast.client("county_researcher")
    r = c.get(reverse("research:activity_edit", args=[a.pk]))
    assert 'value="小店区教研室三楼会议室"' in r.content.decode()
    r = c.post(reverse("research:activity_edit", args=[a.pk]), {
        "form": "theme", "level": "county", "term": cast.term.pk, "title": "改为主题教研", "start": "2026-10-14T14:00",
        "end": "2026-10-14T16:30", "periods": 3, "place": "小店区教研室三楼会议室",
        "host": cast.people["county_researcher"].code})
    assert r.status_code == 302
    a.refresh_from_db()
    assert (a.title, a.form, a.periods) == ("改为主题教研", "theme", 3)
    events = AuditEvent.objects.filter(model="research.Activity", object_id=str(a.pk)).order_by("id")
    assert [e.action for e in events] == ["create", "update"]
    assert {e.scope_path for e in events} == {cast.county_a.path}
    last = events.last()
    assert last is not None and last.new is not None and last.new["title"] == "改为主题教研"


def test_an_institution_activity_on_its_visit_day_is_warned(cast: Any) -> None:
    from visits.services import plan

    plan.week_pattern_set(actor=None, region=cast.county_a, days={"1": "visit", "2": "subject_activity",
                                                                  "3": "visit"})
    monday = make_activity(cast, start=tz(2026, 10, 12, 14, 0), title="周一的区域教研")
    tuesday = make_activity(cast, start=tz(2026, 10, 13, 14, 0), title="周二的区域教研")
    c = cast.client("county_researcher")
    body = c.get(reverse("research:activity_detail", args=[monday.pk])).content.decode()
    assert "10月12日是周一，每周工作安排中这一天用于下校视导" in body
    body = c.get(reverse("research:activity_detail", args=[tuesday.pk])).content.decode()
    assert "下校视导" not in body


def test_a_large_regions_statistics_are_counted_again_after_a_sign_in(
        cast: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any) -> None:
    from core import norm_results

    monkeypatch.setattr(norm_results, "SYNC_SCHOOLS", 1)  # the cast's county counts as large (core.kept)
    a = make_activity(cast)
    c = cast.client("county_researcher")
    first = c.get(reverse("research:activity_stats")).content.decode()
    assert "签到 0 人次" in first and 'data-testid="counted-at"' not in first
    assert 'data-testid="counted-at"' in c.get(reverse("research:activity_stats")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_set(actor=None, participant=a.participants.get(person=cast.people["teacher"]),
                                attendance=Attendance.PRESENT)
    after = c.get(reverse("research:activity_stats")).content.decode()
    assert "签到 1 人次" in after and 'data-testid="counted-at"' not in after
