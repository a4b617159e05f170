"""The roster sync service: a first run adds, a second changes nothing, a changed file updates and
ends what the sync owns, and what users entered by hand stays as they left it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.importing.roster import roster_apply, roster_preview
from core.models import OrgNode, Person, Post, Role, Title
from core.roster_codes import Source
from core.roster_models import RosterLink, SyncRun, SyncStatus
from tests.files.roster.sheets import id_number, schools_sheet, teacher, teachers_sheet

DAY = dt.date(2026, 9, 1)
LATER = dt.date(2026, 11, 2)


def sync(cast: Any, source: Source, content: bytes, *, day: dt.date = DAY, user: str = "county_admin") -> Any:
    actor = cast.users[user]
    preview = roster_preview(actor=actor, source=source, content=content, filename="导出.xlsx",
                             root=cast.county_a, effective=day)
    assert not preview.plan.errors, [str(e) for e in preview.plan.errors]
    assert preview.run is not None
    plan = roster_apply(actor=actor, run=preview.run)
    assert not plan.errors
    return preview.run


def three(cast: Any) -> list[list[Any]]:
    return [teacher(1, "吴雨桐", "1140105001", "数学、物理"), teacher(2, "郑浩然", "1140105001", "语文"),
            teacher(3, "韩雪梅", "1140105002", "英语", stage="小学")]


def test_first_run_adds_people_and_posts_and_the_second_changes_nothing(cast: Any) -> None:
    run = sync(cast, Source.TEACHERS, teachers_sheet(three(cast)))
    assert run.status == SyncStatus.APPLIED
    assert run.counts["person"]["added"] == 3 and run.counts["post"]["added"] == 4
    liu = Person.objects.get(name="吴雨桐")
    assert liu.org == cast.school_a1 and liu.title == Title.FIRST and liu.teaching_since == 2007 and liu.birth_year == 1985
    assert sorted(Post.objects.filter(person=liu, role=Role.TEACHER).values_list("subject__name", flat=True)) == \
        ["数学", "物理"]
    # The identity number is nowhere: only its keyed digest, on the link.
    assert not RosterLink.objects.filter(key__contains=id_number(1)).exists()
    assert not Person.objects.filter(code__contains=id_number(1)[:10]).exists()

    again = sync(cast, Source.TEACHERS, teachers_sheet(three(cast)))
    assert again.unchanged_run
    assert again.counts["person"]["unchanged"] == 3 and again.counts["post"]["unchanged"] == 4


def test_a_changed_file_updates_and_ends_but_keeps_what_users_entered(cast: Any) -> None:
    sync(cast, Source.TEACHERS, teachers_sheet(three(cast)))
    liu = Person.objects.get(name="吴雨桐")
    chen = Person.objects.get(name="郑浩然")
    # By hand: Chen's name corrected, a 教研组长 post for Liu, a UI teacher post for Sun.
    chen.name = "郑昊然"
    chen.save(update_fields=["name"])
    leader = Post.objects.create(person=liu, role=Role.GROUP_LEADER, org=cast.school_a1, start=DAY)
    sun = Person.objects.get(name="韩雪梅")
    hand_post = Post.objects.create(person=sun, role=Role.TEACHER, org=cast.school_a2, subject=cast_subject("music"),
                                    start=DAY)
    changed = [teacher(1, "吴雨桐", "1140105001", "数学", title="高级教师"),  # physics dropped, promoted
               teacher(2, "郑浩然", "1140105001", "语文")]  # Sun (a2) absent: a2 not covered
    run = sync(cast, Source.TEACHERS, teachers_sheet(changed), day=LATER)
    liu.refresh_from_db()
    chen.refresh_from_db()
    assert liu.title == Title.SENIOR
    assert chen.name == "郑昊然"  # the hand correction stands
    physics = Post.objects.get(person=liu, subject__name="物理")
    assert physics.end == LATER
    assert Post.objects.get(pk=leader.pk).end is None
    assert Post.objects.get(pk=hand_post.pk).end is None
    assert Person.objects.get(name="韩雪梅").is_active  # her school is not in this file
    assert run.counts["person"]["changed"] == 1 and run.counts["person"]["kept"] == 1
    assert run.counts["post"]["ended"] == 1
    assert OrgNode.objects.filter(code="1140105002").exists()

    # Chen leaves a1: he is set 不在岗, his post ends; nothing is deleted.
    gone = sync(cast, Source.TEACHERS, teachers_sheet([changed[0]]), day=dt.date(2026, 12, 1))
    chen.refresh_from_db()
    assert not chen.is_active
    assert Post.objects.get(person=chen, subject__name="语文").end == dt.date(2026, 12, 1)
    assert gone.counts["person"]["ended"] == 1


def cast_subject(code: str) -> Any:
    from core.models import Subject

    return Subject.objects.get(code=code)


def test_any_row_error_rejects_the_whole_file(cast: Any) -> None:
    rows = three(cast)
    rows[1][2] = rows[1][2][:-1] + ("0" if rows[1][2][-1] != "0" else "1")  # a wrong check digit
    rows[2][5] = "1140106001"  # a school in county B
    preview = roster_preview(actor=cast.users["county_admin"], source=Source.TEACHERS, content=teachers_sheet(rows),
                             filename="x.xlsx", root=cast.county_a, effective=DAY)
    assert preview.run is None
    texts = [str(e) for e in preview.plan.errors]
    assert "第4行「身份证件号」：居民身份证号校验位不正确，请核对" in texts
    assert not Person.objects.filter(name="吴雨桐").exists()
    assert not SyncRun.objects.exists()


def test_out_of_scope_school_is_an_error(cast: Any) -> None:
    rows = [teacher(1, "吴雨桐", "1140106001")]
    preview = roster_preview(actor=cast.users["county_admin"], source=Source.TEACHERS, content=teachers_sheet(rows),
                             filename="x.xlsx", root=cast.county_a, effective=DAY)
    assert [str(e) for e in preview.plan.errors] == ["第3行「学校标识码」：学校不存在或不在您的同步范围内（请先同步学校基础信息）"]


def test_missing_required_column_names_sheet_and_column(cast: Any) -> None:
    headers = ["姓名", "性别", "学校标识码"]
    preview = roster_preview(actor=cast.users["county_admin"], source=Source.TEACHERS,
                             content=teachers_sheet([["吴雨桐", "女", "1140105001"]], headers=headers),
                             filename="x.xlsx", root=cast.county_a, effective=DAY)
    assert [str(e) for e in preview.plan.errors] == [
        "第2行「身份证件号」：工作表「教职工信息」缺少必填列「身份证件号」（也接受：身份证件号码、证件号码、证件号、身份证号、"
        "身份证号码、公民身份号码）"]


def test_school_sheet_adds_updates_and_keeps_hand_edits(cast: Any) -> None:
    rows = [["1140105031", "小店区第三十一小学", "211", "220", "140105", "12", "430"],
            ["1140105032", "西温庄教学点", "218小学教学点", "220", "140105000000", "2", "31"],
            ["1140105033", "小店区职业中学", "361", "111", "140105", "20", "800"],
            ["1140105001", "小店第一中学", "341", "111", "140105", "40", "1900"]]
    run = sync(cast, Source.SCHOOLS, schools_sheet(rows))
    assert run.counts["school"]["added"] == 2
    assert any("中等职业学校1所" in n for n in run.notes)
    point = OrgNode.objects.get(code="1140105032")
    assert point.is_teaching_point and point.locale == "rural" and point.parent == cast.county_a
    # The cast's school was entered by hand and matched: its counts were not blank, so they stay.
    a1 = OrgNode.objects.get(code="1140105001")
    assert a1.class_count == 36
    point.name = "西温庄小学教学点"
    point.save(update_fields=["name"])
    rows[0][5] = "14"
    again = sync(cast, Source.SCHOOLS, schools_sheet(rows[:2]), day=LATER)
    assert OrgNode.objects.get(code="1140105031").class_count == 14
    assert OrgNode.objects.get(code="1140105032").name == "西温庄小学教学点"
    assert again.counts["school"]["changed"] == 1 and again.counts["school"]["kept"] == 1
    third = sync(cast, Source.SCHOOLS, schools_sheet(rows[:1]), day=LATER)
    assert third.counts["school"]["ended"] == 1
    assert OrgNode.objects.filter(code="1140105032").exists()


def test_a_teacher_who_moves_and_one_who_returns(cast: Any) -> None:
    sync(cast, Source.TEACHERS, teachers_sheet(three(cast)))
    wu = Person.objects.get(name="吴雨桐")
    # Wu moves to a2 (a file naming only a2): her a1 posts end, a2 posts begin.
    run = sync(cast, Source.TEACHERS, teachers_sheet([teacher(1, "吴雨桐", "1140105002", "数学", stage="小学"),
                                                      teacher(3, "韩雪梅", "1140105002", "英语", stage="小学")]),
               day=LATER)
    wu.refresh_from_db()
    assert wu.org == cast.school_a2
    assert set(Post.objects.filter(person=wu, org=cast.school_a1).values_list("end", flat=True)) == {LATER}
    assert Post.objects.get(person=wu, org=cast.school_a2).start == LATER
    assert run.counts["post"]["ended"] == 2 and run.counts["post"]["added"] == 1
    # Han retires, then the next sheet has her 在岗 again: a new post span, nothing deleted.
    retired = teacher(3, "韩雪梅", "1140105002", "英语", stage="小学", status="退休")
    sync(cast, Source.TEACHERS, teachers_sheet([retired]), day=dt.date(2026, 12, 1))
    han = Person.objects.get(name="韩雪梅")
    assert not han.is_active
    sync(cast, Source.TEACHERS, teachers_sheet([teacher(3, "韩雪梅", "1140105002", "英语", stage="小学")]),
         day=dt.date(2027, 1, 4))
    han.refresh_from_db()
    assert han.is_active
    assert sorted((p.start, p.end) for p in Post.objects.filter(person=han)) == [
        (DAY, dt.date(2026, 12, 1)), (dt.date(2027, 1, 4), None)]


def test_a_person_entered_by_hand_is_matched_by_staff_code_and_only_filled_in(cast: Any) -> None:
    teacher_person = cast.people["teacher"]  # entered by hand, with a title and a subject
    title, name = teacher_person.title, teacher_person.name
    headers = ["姓名", "身份证件号", "教职工号", "学校标识码", "任教学科", "专业技术职务", "从教起始年月"]
    row = [teacher_person.name + "（档案名）", id_number(9), teacher_person.code, "1140105001", "数学", "高级教师",
           "2001-09"]
    run = sync(cast, Source.TEACHERS, teachers_sheet([row], headers=headers))
    teacher_person.refresh_from_db()
    assert (teacher_person.title, teacher_person.name) == (title, name)  # the hand values stand
    assert run.counts["person"]["kept"] == 1 and run.counts["person"].get("added", 0) == 0
    assert RosterLink.objects.get(entity="person", object_id=teacher_person.pk).created_by_sync is False
    # Left out of the next sheet, the hand-entered person is not ended.
    sync(cast, Source.TEACHERS, teachers_sheet([teacher(1, "吴雨桐", "1140105001")]), day=LATER)
    teacher_person.refresh_from_db()
    assert teacher_person.is_active


def test_school_sheet_rows_outside_the_admins_county_are_errors(cast: Any) -> None:
    rows = [["1140106031", "迎泽区新建小学", "211", "111", "140106", "6", "200"]]
    preview = roster_preview(actor=cast.users["county_admin"], source=Source.SCHOOLS, content=schools_sheet(rows),
                             filename="x.xlsx", root=cast.county_a, effective=DAY)
    assert [str(e) for e in preview.plan.errors] == ["第3行「所在地行政区划代码」：行政区划代码不存在或不在您的同步范围内"]
    assert not OrgNode.objects.filter(code="1140106031").exists()
