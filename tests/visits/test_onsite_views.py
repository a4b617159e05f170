"""The on-site pages over HTTP: the day's page, record forms (page and offline JSON resend),
photos, questionnaires and their public answer page, walkthroughs, a school's own check, and
the visit page's on-site section."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.visits.onsite_setup import make_visit
from visits.models import CheckRecord, Questionnaire, Visit, VisitCategory, VisitNote, Walkthrough
from visits.services import onsite

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def _today() -> str:
    return timezone.localdate().isoformat()


def test_the_day_page_shows_the_school_agenda_and_actions(cast: Any) -> None:
    visit = make_visit(cast)
    r = cast.client("part_time_researcher").get(reverse("visits:onsite", args=[visit.pk]))
    assert r.status_code == 200
    body = r.content.decode()
    assert "小店第一中学" in body and "青年教师座谈" in body and "教师座谈" in body
    for label in ("听课", "常规检查", "座谈记录", "拍照", "问卷"):
        assert f">{label}</a>" in body
    assert f"/observe/new/?visit={visit.pk}" in body
    assert "我的安排" not in body
    stop = visit.stops.get()
    stop.agenda[0]["member_ids"] = [cast.people["part_time_researcher"].pk]
    stop.save(update_fields=["agenda"])
    body = cast.client("part_time_researcher").get(reverse("visits:onsite", args=[visit.pk])).content.decode()
    assert body.count("我的安排") == 1
    for role in ("principal", "teacher", "bureau_viewer", "outside_researcher"):
        assert cast.client(role).get(reverse("visits:onsite", args=[visit.pk])).status_code == 404


def _check_post(cast: Any, **kw: Any) -> dict[str, Any]:
    data = {"client_uuid": str(uuid.uuid4()), "school": cast.school_a1.pk, "item": "homework",
            "teacher": cast.people["teacher"].pk, "class_name": "初二(3)班", "sample_count": "6", "level": "good",
            "strengths": "分层布置", "problems": "", "date": _today()}
    data.update(kw)
    return data


def test_check_form_saves_and_a_json_resend_is_not_duplicated(cast: Any) -> None:
    visit = make_visit(cast)
    client = cast.client("part_time_researcher")
    url = reverse("visits:check_new", args=[visit.pk])
    page = client.get(url + f"?school={cast.school_a1.pk}")
    assert page.status_code == 200 and "何静" in page.content.decode()
    data = _check_post(cast)
    r = client.post(url, data)
    assert r.status_code == 302 and f"saved={data['client_uuid']}" in r["Location"]
    record = CheckRecord.objects.get()
    assert record.subject is not None
    assert (record.teacher, record.sample_count, record.subject.code) == (cast.people["teacher"], 6, "chinese")
    # The device resends what it queued offline: answered as JSON, deduped by the uuid.
    again = client.post(url, data, **JSON)
    assert again.status_code == 200 and again.json() == {"ok": True, "id": record.pk,
                                                           "client_uuid": data["client_uuid"]}
    assert CheckRecord.objects.count() == 1


def test_check_form_refusals_keep_what_was_typed(cast: Any) -> None:
    visit = make_visit(cast)
    client = cast.client("county_researcher")
    url = reverse("visits:check_new", args=[visit.pk])
    r = client.post(url, _check_post(cast, level="", strengths="", problems="", class_name="初二(5)班"))
    assert r.status_code == 400
    body = r.content.decode()
    assert "等级：请给出等级，或写下亮点或问题" in body and 'value="初二(5)班"' in body
    r = client.post(url, _check_post(cast, date="2020-01-01"), **JSON)
    assert r.status_code == 400 and "应在视导期间" in r.json()["errors"]["date"][0]
    r = client.post(url, _check_post(cast, sample_count="0"), **JSON)
    assert r.json()["errors"]["sample_count"] == ["抽查数量：至少 1"]
    assert not CheckRecord.objects.exists()


def test_note_form(cast: Any) -> None:
    visit = make_visit(cast)
    client = cast.client("county_researcher")
    url = reverse("visits:note_new", args=[visit.pk])
    assert client.get(url).status_code == 200
    data = {"client_uuid": str(uuid.uuid4()), "school": cast.school_a1.pk, "kind": "leader_meeting",
            "title": "与校长座谈", "text": "学校课程开齐开足", "date": _today()}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data, **JSON).json()["ok"] is True
    assert VisitNote.objects.get().title == "与校长座谈"
    r = client.post(url, {**data, "client_uuid": "", "text": ""})
    assert r.status_code == 400 and "内容：请填写" in r.content.decode()


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (6, 4), "red").save(buf, format="PNG")
    return buf.getvalue()


def test_photo_upload(cast: Any) -> None:
    visit = make_visit(cast)
    client = cast.client("part_time_researcher")
    url = reverse("visits:attachment_upload", args=[visit.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"school": cast.school_a1.pk, "file": SimpleUploadedFile("板书.png", _png())})
    assert r.status_code == 302 and visit.attachments.count() == 1
    r = client.post(url, {"file": SimpleUploadedFile("假照片.jpg", b"MZ\x90\x00 not a photo")})
    assert r.status_code == 400 and "假照片.jpg" in r.content.decode()
    assert visit.attachments.count() == 1
    # A photo queued on the phone and resent (its first answer lost) is kept once.
    key = "5b0c1a52-7f4e-4a31-9d55-3c1e2f6a8b90"
    sent = [client.post(url, {"school": cast.school_a1.pk, "client_uuid": key,
                              "file": SimpleUploadedFile("实验.png", _png())}, HTTP_ACCEPT="application/json")
            for _ in range(2)]
    assert [r.status_code for r in sent] == [200, 200] and sent[0].json()["id"] == sent[1].json()["id"]
    assert visit.attachments.count() == 2
    refused = client.post(url, {"client_uuid": "x", "file": SimpleUploadedFile("假照片.jpg", b"MZ")},
                          HTTP_ACCEPT="application/json")
    assert refused.status_code == 400 and "假照片.jpg" in refused.json()["errors"]["file"][0]


def test_photos_and_files_are_listed_and_served_to_the_organiser_side(cast: Any) -> None:
    visit = make_visit(cast)
    member = cast.client("part_time_researcher")
    upload = reverse("visits:attachment_upload", args=[visit.pk])
    member.post(upload, {"school": cast.school_a1.pk, "file": SimpleUploadedFile("板书.png", _png())})
    member.post(upload, {"school": cast.school_a1.pk, "file": SimpleUploadedFile("听课记录.pdf", b"%PDF-1.4\n%%EOF\n")})
    photo, pdf = visit.attachments.order_by("id")
    page = cast.client("bureau_viewer").get(reverse("visits:attachments", args=[visit.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "共 2 个" in body and "板书.png" in body and "听课记录.pdf" in body
    assert body.count('data-testid="attachment"') == 2 and cast.school_a1.name in body
    assert f'<img src="{reverse("visits:attachment_file", args=[photo.pk])}"' in body
    shown = cast.client("bureau_viewer").get(reverse("visits:attachment_file", args=[photo.pk]))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert "attachment" not in shown.get("Content-Disposition", "") and "sandbox" in shown["Content-Security-Policy"]
    got = member.get(reverse("visits:attachment_file", args=[pdf.pk]))
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment")
    assert b"".join(got.streaming_content).startswith(b"%PDF")
    # The host school reads findings and the report, not the raw on-site photos.
    principal = cast.client("principal")
    assert principal.get(reverse("visits:attachments", args=[visit.pk])).status_code == 404
    assert principal.get(reverse("visits:attachment_file", args=[photo.pk])).status_code == 404
    # The visit page's on-site section links to them.
    detail = cast.client("county_researcher").get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert reverse("visits:attachments", args=[visit.pk]) in detail


def test_questionnaire_created_answered_anonymously_and_read(cast: Any) -> None:
    visit = make_visit(cast)
    client = cast.client("county_researcher")
    r = client.post(reverse("visits:questionnaire_new", args=[visit.pk]), {
        "school": cast.school_a1.pk, "audience": "student", "title": "学生问卷",
        "questions": "作业多吗？ | 单选 | 偏多/合适/偏少\n喜欢吗？ | 量表\n建议 | 文字", "closes_at": ""})
    assert r.status_code == 302
    qn = Questionnaire.objects.get()
    results_url = reverse("visits:questionnaire_results", args=[visit.pk, qn.pk])
    assert r["Location"] == results_url
    link = reverse("visits:questionnaire_answer", args=[qn.token])
    anon = cast.client("anonymous")
    page = anon.get(link)
    assert page.status_code == 200 and "作业多吗？" in page.content.decode()
    bad = anon.post(link, {"q1": "合适", "q3": "多做实验"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "第 2 题：请选择 1 到 5 分" in text and 'value="合适" checked' in text and "多做实验" in text
    assert qn.responses.count() == 0 and "jy_device" not in bad.cookies
    done = anon.post(link, {"q1": "偏多", "q2": "4", "q3": "少留作业"})
    assert done.status_code == 200 and "提交成功" in done.content.decode()
    assert qn.responses.count() == 1
    # One answer per device: the same browser is told it has answered; another device answers.
    again = anon.post(link, {"q1": "偏少", "q2": "2"})
    assert again.status_code == 409 and "每台设备只能作答一次" in again.content.decode()
    assert 'data-testid="answer-form"' not in anon.get(link).content.decode()
    assert qn.responses.count() == 1
    other = cast.client("anonymous")
    assert other.post(link, {"q1": "偏少", "q2": "2"}).status_code == 200
    assert qn.responses.count() == 2
    hashes = set(qn.responses.values_list("device_hash", flat=True))
    assert len(hashes) == 2 and "" not in hashes
    # Only a per-questionnaire hash is stored, never the device's key from the cookie.
    assert anon.cookies["jy_device"].value.split(":")[0] not in "".join(hashes)
    results = client.get(results_url)
    body = results.content.decode()
    assert results.status_code == 200 and "共 2 份" in body and link in body and "少留作业" in body
    # The bureau viewer reads the organiser's side; the host school does not read raw answers.
    assert cast.client("bureau_viewer").get(results_url).status_code == 200
    assert cast.client("principal").get(results_url).status_code == 404
    qn.closes_at = timezone.now() - dt.timedelta(minutes=1)
    qn.save(update_fields=["closes_at"])
    closed = cast.client("anonymous").post(link, {"q1": "偏多", "q2": "4"})
    assert "已截止" in closed.content.decode() and qn.responses.count() == 2


def test_questionnaire_form_error_names_the_line(cast: Any) -> None:
    visit = make_visit(cast)
    r = cast.client("county_researcher").post(reverse("visits:questionnaire_new", args=[visit.pk]), {
        "school": cast.school_a1.pk, "audience": "student", "title": "问卷", "questions": "作业多吗？ | 判断 | 是/否"})
    assert r.status_code == 400 and "第 1 行的题型" in r.content.decode() and "作业多吗？ | 判断" in r.content.decode()


def test_walkthroughs_recorded_and_counted_per_leader(cast: Any) -> None:
    mm = cast.client("middle_manager")
    url = reverse("visits:walkthrough_new")
    assert mm.get(url).status_code == 200
    data = {"client_uuid": str(uuid.uuid4()), "school": cast.school_a1.pk, "date": _today(), "period": "3",
            "grade": "8", "class_name": "初二(3)班", "subject": "chinese", "teacher": cast.people["teacher"].pk,
            "seen": "小组讨论热烈", "has_problem": "on"}
    assert mm.post(url, data).status_code == 302
    assert mm.post(url, data, **JSON).json()["ok"] is True
    assert Walkthrough.objects.count() == 1
    for role in ("teacher", "group_leader", "county_researcher"):
        assert cast.client(role).get(url).status_code == 404
    page = cast.client("principal").get(reverse("visits:walkthroughs")).content.decode()
    assert "领导巡课次数" in page and "郑红梅" in page and "孙国庆" in page and "小组讨论热烈" in page
    # The teacher sees the walkthrough of their own class, without the per-leader counts.
    mine = cast.client("teacher").get(reverse("visits:walkthroughs")).content.decode()
    assert "小组讨论热烈" in mine and "领导巡课次数" not in mine
    assert "小组讨论热烈" not in cast.client("outside_principal").get(reverse("visits:walkthroughs")).content.decode()


def test_school_check_created_by_the_principal(cast: Any) -> None:
    client = cast.client("principal")
    url = reverse("visits:school_check_new")
    page = client.get(url)
    assert page.status_code == 200 and "冯志刚" in page.content.decode()
    r = client.post(url, {"school": cast.school_a1.pk, "title": "十二月教学常规检查", "start": _today(),
                          "end": _today(), "team": [cast.people["group_leader"].pk], "purpose": "教案与作业"})
    visit = Visit.objects.get(category=VisitCategory.SCHOOL_CHECK)
    assert r.status_code == 302 and r["Location"] == reverse("visits:onsite", args=[visit.pk])
    assert cast.client("group_leader").get(r["Location"]).status_code == 200
    r = client.post(url, {"school": cast.school_a1.pk, "title": "检查", "start": _today(), "end": _today()})
    assert r.status_code == 400 and "检查组：请至少选择一位教研组长" in r.content.decode()
    for role in ("middle_manager", "group_leader", "county_researcher"):
        assert cast.client(role).get(url).status_code == 404


def test_visit_page_section_counts_for_the_organiser_side_only(cast: Any) -> None:
    visit = make_visit(cast)
    onsite.check_record_save(actor=cast.users["county_researcher"], visit=visit, data=onsite.CheckData(
        school=cast.school_a1, item="lesson_plan", date=timezone.localdate(), teacher=cast.people["teacher"],
        level="excellent"))
    tpl = Template("{% load visits_onsite %}{% onsite_section visit %}")

    def render(role: str) -> str:
        request = RequestFactory().get("/")
        request.user = cast.users[role]
        return tpl.render(Context({"visit": visit, "request": request}))

    mine = render("county_researcher")
    assert "常规检查 1 条" in mine and "优秀 1" in mine and "进入现场记录" in mine
    viewer = render("bureau_viewer")
    assert "常规检查 1 条" in viewer and "进入现场记录" not in viewer
    assert render("principal").strip() == "" and render("outside_researcher").strip() == ""


def test_the_lesson_button_keeps_the_visit_as_the_observations_context(cast: Any) -> None:
    from django.contrib.contenttypes.models import ContentType

    from observe.models import Observation

    visit = make_visit(cast)
    client = cast.client("county_researcher")
    page = client.get(reverse("observe:new") + f"?visit={visit.pk}").content.decode()
    assert f'name="visit" value="{visit.pk}"' in page
    teacher = cast.people["teacher"]
    data = {"client_uuid": str(uuid.uuid4()), "visit": visit.pk, "teacher": f"{teacher.name}（{teacher.code}）",
            "subject": "chinese", "date": _today(), "kind": "inspection", "purpose": "evaluative",
            "strengths": "朗读指导到位", "action": "save"}
    r = client.post(reverse("observe:new"), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    obs = Observation.objects.get(client_uuid=data["client_uuid"])
    assert (obs.context_type, obs.context_id) == (ContentType.objects.get_for_model(Visit), visit.pk)
    # Someone who does not record on that visit cannot attach an observation to it.
    other = cast.client("principal").post(reverse("observe:new"), {**data, "client_uuid": str(uuid.uuid4())})
    assert other.status_code == 400 and "不是视导组成员" in other.content.decode()


def test_check_with_a_routine_check_rubric(cast: Any) -> None:
    from observe import services as observe_services
    from observe.models import RubricPurpose

    template = observe_services.template_create(actor=None, owner=cast.county_a, name="教案检查量表",
                                                purpose=RubricPurpose.OTHER)
    version = template.versions.get()
    observe_services.version_publish(actor=None, version=version)
    visit = make_visit(cast)
    client = cast.client("county_researcher")
    url = reverse("visits:check_new", args=[visit.pk])
    page = client.get(url).content.decode()
    assert "教案检查量表" in page and 'name="r_1.1"' not in page
    page = client.get(f"{url}?rubric={version.pk}").content.decode()
    label = version.nodes[0]["children"][0]["levels"][0]["label"]
    assert f'name="r_1.1" value="{label}"' in page
    r = client.post(url, _check_post(cast, rubric=version.pk, **{"r_1.1": label, "rc_1.1": "反思具体"}))
    assert r.status_code == 302
    record = CheckRecord.objects.get()
    assert record.assessment is not None and record.assessment.rated_count == 1
    assert record.assessment.ratings["1.1"]["comment"] == "反思具体" and record.assessment.total is not None
    bad = client.post(url, _check_post(cast, rubric=version.pk, **{"r_1.1": "不存在"}))
    assert bad.status_code == 400 and "等级应为" in bad.content.decode()


def test_walkthrough_list_queries_do_not_grow_with_rows(cast: Any, django_assert_max_num_queries: Any) -> None:
    def add(n: int) -> None:
        Walkthrough.objects.bulk_create([
            Walkthrough(school=cast.school_a1, leader=cast.people[("principal", "vice_principal")[i % 2]],
                        date=timezone.localdate() - dt.timedelta(days=i % 20), class_name=f"{i}班",
                        teacher=cast.people["teacher"], seen="秩序良好", client_uuid=str(uuid.uuid4()))
            for i in range(n)])

    client = cast.client("principal")
    add(3)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("visits:walkthroughs"))
    add(60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get(reverse("visits:walkthroughs"))
    assert r.content.decode().count("秩序良好") == 50
