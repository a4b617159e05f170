"""Access-matrix rows for the visits app's on-site pages (visits:onsite …)."""

from __future__ import annotations

from typing import Any

from tests.access_cases import EVERYONE, Case

# A county A inspection of school A1 led by the county researcher, with the part-time researcher
# on the team: recorded by the team and by those who organise visits over county A.
RECORDERS = frozenset({"sysadmin", "institute_head", "province_researcher", "city_researcher", "county_researcher",
                       "county_admin", "part_time_researcher"})
# On-site records are read by the organiser's side (the bureau viewer included), not the host school.
ONSITE_READERS = RECORDERS | {"bureau_viewer"}
# School managers walk through classes (the system admin has no school post).
SCHOOL_MANAGERS = frozenset({"principal", "vice_principal", "middle_manager", "outside_principal"})
SCHOOL_CHECK_ORGANISERS = frozenset({"sysadmin", "principal", "vice_principal", "outside_principal"})


def _visit(cast: Any) -> list[Any]:
    from tests.visits.onsite_setup import make_visit

    return [make_visit(cast).pk]


def _questionnaire(cast: Any) -> Any:
    from tests.visits.onsite_setup import make_visit
    from visits.models import Questionnaire

    visit = make_visit(cast)
    return Questionnaire.objects.create(visit=visit, school=cast.school_a1, audience="student", title="学生问卷",
                                        questions=[{"code": "q1", "text": "作业多吗？", "kind": "single",
                                                    "options": ["多", "少"]}])


def _results(cast: Any) -> list[Any]:
    qn = _questionnaire(cast)
    return [qn.visit_id, qn.pk]


def _token(cast: Any) -> list[Any]:
    return [_questionnaire(cast).token]


def _attachment(cast: Any) -> list[Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.visits.onsite_setup import make_visit
    from visits.services import onsite

    visit = make_visit(cast)
    att = onsite.attachment_add(actor=cast.users["county_researcher"], visit=visit, school=cast.school_a1,
                                upload=SimpleUploadedFile("听课记录.pdf", b"%PDF-1.4\n%%EOF\n"))
    return [att.pk]


def _note_data(cast: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {"school": cast.school_a1.code, "kind": "teacher_forum", "date": timezone.localdate().isoformat(),
            "text": "青年教师反映备课时间不足"}


def _check_data(cast: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {"school": cast.school_a1.code, "item": "homework", "date": timezone.localdate().isoformat(),
            "level": "good", "class_name": "初二(3)班"}


def _walkthrough_data(cast: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {"school": cast.school_a1.code, "date": timezone.localdate().isoformat(), "class_name": "初一(1)班",
            "seen": "学生分组讨论，气氛活跃"}


CASES = [
    Case("visits:onsite", RECORDERS, _visit, note="视导组成员与组织方的现场记录页"),
    Case("visits:check_new", RECORDERS, _visit),
    Case("visits:note_new", RECORDERS, _visit),
    Case("visits:attachment_upload", RECORDERS, _visit),
    Case("visits:questionnaire_new", RECORDERS, _visit),
    Case("visits:attachments", ONSITE_READERS, _visit, note="照片与附件：组织方与视导组，被视导学校不可读"),
    Case("visits:attachment_file", ONSITE_READERS, _attachment),
    Case("visits:questionnaire_results", ONSITE_READERS, _results, note="组织方可读问卷结果，被视导学校不可读"),
    Case("visits:questionnaire_answer", EVERYONE, _token, public=True, note="匿名作答链接，无需登录"),
    Case("visits:questionnaire_answer", EVERYONE, _token, method="POST", data=lambda cast: {"q1": "多"},
         public=True, note="匿名提交答卷"),
    Case("visits:walkthroughs", EVERYONE, note="每个登录用户只看到其可见的巡课"),
    Case("visits:walkthrough_new", SCHOOL_MANAGERS),
    Case("visits:school_check_new", SCHOOL_CHECK_ORGANISERS),
    Case("api-v1:visits_onsite_detail", ONSITE_READERS, _visit, note="现场记录接口：组织方与视导组，被视导学校不可读"),
    Case("api-v1:visits_onsite_note_save", RECORDERS - {"sysadmin"}, _visit, method="POST", data=_note_data, ok_status=(201,)),
    Case("api-v1:visits_onsite_check_save", RECORDERS - {"sysadmin"}, _visit, method="POST", data=_check_data,
         ok_status=(201,), note="记录带记录人：无人员档案的系统管理员只读"),
    Case("api-v1:visits_walkthrough_list", EVERYONE, note="每个登录用户只看到其可见的巡课"),
    Case("api-v1:visits_walkthrough_list", SCHOOL_MANAGERS - {"outside_principal"}, method="POST",
         data=_walkthrough_data, ok_status=(201,), note="A1 的校级领导与中层干部记录本人在 A1 的巡课"),
]
