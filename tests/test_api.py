"""The JSON API (/api/v1/): authentication, scope (404 outside it), writes with audit events,
Chinese validation errors, the OpenAPI schema, pagination and query counts."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api.tokens import token_create
from core import services
from core.api.norms import nearest_overrides
from core.compliance import effective_threshold
from core.models import ApiToken, AuditEvent, Designation, Norm, OrgNode, Person, Role, Subject, User
from tests.access_cases_api import math_group_id
from tests.conftest import Cast

JSON = "application/json"

# ---------------------------------------------------------------- helpers


def url(name: str, *args: Any) -> str:
    return reverse(f"api-v1:{name}", args=args)


def get(cast: Cast, role: str, name: str, /, *args: Any, **params: Any) -> Any:
    return cast.client(role).get(url(name, *args), params)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content.decode()
    return response.json()


def send(client: Client, method: str, target: str, data: dict[str, Any] | None, **extra: Any) -> Any:
    body = json.dumps(data) if data is not None else ""
    return client.generic(method, target, body, content_type=JSON, **extra)


def codes(page: dict[str, Any]) -> set[str]:
    return {item["code"] for item in page["items"]}


# ---------------------------------------------------------------- authentication


def test_token_auth_works_and_notes_last_use_on_writes(cast: Cast) -> None:
    api_token, plain = token_create(actor=None, user=cast.users["teacher"], name="对接系统")
    assert api_token.digest != plain and len(api_token.digest) == 64
    body = ok(Client().get(url("me"), HTTP_AUTHORIZATION=f"Bearer {plain}"))
    assert body["username"] == "teacher"
    assert body["person"]["name"] == "何静"
    assert [g["role_label"] for g in body["grants"]] == ["教师"]
    api_token.refresh_from_db()
    # A read never writes (issue 8, finding 10); a write notes the token's use.
    assert api_token.last_used_at is None
    Client().post(url("term_list"), data="{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {plain}")
    api_token.refresh_from_db()
    assert api_token.last_used_at is not None


def test_token_last_used_is_written_at_most_once_per_resolution(cast: Cast) -> None:
    api_token, plain = token_create(actor=None, user=cast.users["teacher"], name="对接系统")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")

    def write() -> None:
        client.post(url("term_list"), data="{}", content_type="application/json")

    write()
    first = ApiToken.objects.get(pk=api_token.pk).last_used_at
    write()
    assert ApiToken.objects.get(pk=api_token.pk).last_used_at == first
    earlier = timezone.now() - dt.timedelta(minutes=16)
    ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=earlier)
    write()
    later = ApiToken.objects.get(pk=api_token.pk).last_used_at
    assert later is not None and later > earlier


@pytest.mark.parametrize("header", ["Bearer jy_not-a-token", "Bearer ", "Basic dGVhY2hlcjp4", "jy_bare"])
def test_bad_token_is_401(cast: Cast, header: str) -> None:
    response = Client().get(url("school_list"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


def test_token_of_inactive_user_is_401(cast: Cast) -> None:
    _, plain = token_create(actor=None, user=cast.users["teacher"], name="x")
    User.objects.filter(username="teacher").update(is_active=False)
    assert Client().get(url("me"), HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 401


def test_anonymous_is_401_for_reads_and_writes(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.get(url("school_list")).status_code == 401
    assert send(client, "POST", url("term_list"), {"region": "140105"}).status_code == 401


def test_session_auth_works(cast: Cast) -> None:
    body = ok(cast.client("principal").get(url("school_detail", cast.school_a1.code)))
    assert body["name"] == "小店第一中学"


def test_session_writes_need_csrf_but_token_writes_do_not(cast: Cast) -> None:
    data = {"region": cast.county_a.code, "school_year": 2026, "semester": 1, "start": "2026-09-01",
            "end": "2027-01-22"}
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.users["county_admin"])
    refused = send(browser, "POST", url("term_list"), data)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    # A page sets the CSRF cookie, as it does for the browser's own scripts (htmx sends it back).
    browser.get(reverse("workbench"))
    token = browser.cookies["csrftoken"].value
    ok(send(browser, "POST", url("term_list"), data, HTTP_X_CSRFTOKEN=token), 201)

    _, plain = token_create(actor=None, user=cast.users["county_admin"], name="x")
    machine = Client(enforce_csrf_checks=True)
    ok(send(machine, "POST", url("term_list"), data, HTTP_AUTHORIZATION=f"Bearer {plain}"), 201)


def test_api_token_command_prints_a_working_token(cast: Cast) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "county_admin", "--name", "市平台", stdout=out, stderr=err)
    plain = out.getvalue().strip()
    assert plain.startswith("jy_") and "只显示这一次" in err.getvalue()
    assert ApiToken.objects.get(user=cast.users["county_admin"]).name == "市平台"
    assert ok(Client().get(url("me"), HTTP_AUTHORIZATION=f"Bearer {plain}"))["username"] == "county_admin"


# ---------------------------------------------------------------- regions and schools


def test_regions_start_at_the_callers_posts_and_list_children(cast: Cast) -> None:
    assert codes(ok(get(cast, "county_researcher", "region_list"))) == {"140105"}
    assert codes(ok(get(cast, "sysadmin", "region_list"))) == {"140000"}
    assert codes(ok(get(cast, "institute_head", "region_list", parent="140100"))) == {"140105", "140106"}
    # A school post sees no region at all.
    assert ok(get(cast, "teacher", "region_list"))["count"] == 0
    detail = ok(get(cast, "county_researcher", "region_detail", "140105"))
    assert detail["kind_label"] == "县（区）"
    assert [a["code"] for a in detail["ancestors"]] == ["140000", "140100"]


def test_regions_outside_scope_are_404(cast: Cast) -> None:
    assert get(cast, "county_researcher", "region_detail", "140106").status_code == 404
    assert get(cast, "county_researcher", "region_list", parent="140106").status_code == 404
    # A school is not a region, even to those who see it.
    assert get(cast, "county_researcher", "region_detail", cast.school_a1.code).status_code == 404


def test_school_list_filters(cast: Cast) -> None:
    assert codes(ok(get(cast, "county_researcher", "school_list"))) == {"1140105001", "1140105002"}
    assert codes(ok(get(cast, "institute_head", "school_list", under="140106"))) == {"1140106001"}
    assert codes(ok(get(cast, "institute_head", "school_list", weak="true"))) == {"1140105002"}
    assert codes(ok(get(cast, "institute_head", "school_list", stage="junior"))) == {"1140105001"}
    assert codes(ok(get(cast, "institute_head", "school_list", locale="rural"))) == {"1140105002"}
    assert codes(ok(get(cast, "institute_head", "school_list", q="实验"))) == {"1140106001"}
    assert ok(get(cast, "outside_teacher", "school_list"))["count"] == 1
    assert get(cast, "county_researcher", "school_list", under="140106").status_code == 404


def test_school_detail_inside_and_outside(cast: Cast) -> None:
    body = ok(get(cast, "county_researcher", "school_detail", cast.school_a1.code))
    assert body["school_type_label"] == "完全中学"
    assert body["stages"] == ["junior", "senior"] and body["stage_labels"] == "初中、高中"
    assert body["locale_label"] == "城区" and body["class_count"] == 36 and body["is_weak"] is False
    assert body["parent"]["code"] == "140105"
    # The county's Chinese researcher counts only the staff they may see: Chinese teachers.
    assert body["staff_count"] == 2
    assert get(cast, "county_researcher", "school_detail", cast.school_b1.code).status_code == 404
    assert get(cast, "principal", "school_detail", cast.school_a2.code).status_code == 404
    assert get(cast, "county_researcher", "school_detail", "140105").status_code == 404
    assert get(cast, "county_researcher", "school_detail", "0000000000").status_code == 404


# ---------------------------------------------------------------- people and posts


def test_outsider_sees_no_county_a_people(cast: Cast) -> None:
    page = ok(get(cast, "outside_teacher", "person_list"))
    assert {p["org"]["code"] for p in page["items"]} == {"1140106001"}
    assert get(cast, "outside_teacher", "person_detail", cast.people["teacher"].code).status_code == 404


def test_subject_researcher_sees_only_teachers_of_the_subject(cast: Cast) -> None:
    page = ok(get(cast, "county_researcher", "person_list"))
    names = {p["name"] for p in page["items"]}
    assert names == {"张文华", "吴海燕", "何静"}  # themselves and county A's Chinese teachers
    assert get(cast, "county_researcher", "person_detail", cast.people["teacher_a2"].code).status_code == 404
    maths = ok(get(cast, "city_researcher", "person_list", subject="math"))
    assert maths["count"] == ok(get(cast, "city_researcher", "person_list"))["count"]


def test_user_without_post_sees_only_themselves(cast: Cast) -> None:
    assert ok(get(cast, "no_post", "person_list"))["count"] == 0
    lone = services.person_create(actor=None, code="L00001", name="林默", org=cast.school_a1)
    user = User.objects.create_user("lone", "Jiaoyan-test-2026", person=lone)
    client = Client()
    client.force_login(user)
    assert codes(ok(client.get(url("person_list")))) == {"L00001"}
    assert client.get(url("person_detail", cast.people["teacher"].code)).status_code == 404
    assert ok(client.get(url("school_list")))["count"] == 0


def test_person_search_by_pinyin_initials_name_and_title(cast: Cast) -> None:
    assert codes(ok(get(cast, "principal", "person_list", q="hj"))) == {cast.people["teacher"].code}
    assert codes(ok(get(cast, "principal", "person_list", q="hejing"))) == {cast.people["teacher"].code}
    assert codes(ok(get(cast, "principal", "person_list", q="何"))) == {cast.people["teacher"].code}
    Person.objects.filter(pk=cast.people["vice_principal"].pk).update(is_active=False)
    assert "吴海燕" not in {p["name"] for p in ok(get(cast, "principal", "person_list"))["items"]}
    everyone = ok(get(cast, "principal", "person_list", include_inactive="true"))["items"]
    assert {p["name"]: p["is_active"] for p in everyone}["吴海燕"] is False
    page = ok(get(cast, "principal", "person_list", title="erji"))
    assert [p["title_label"] for p in page["items"]] == ["二级教师"]
    assert get(cast, "principal", "person_list", org="1140105002").status_code == 404


def test_person_detail_has_posts_and_designations(cast: Cast) -> None:
    principal = cast.people["principal"]
    Designation.objects.create(person=principal, kind="backbone", level="county", programme="小店区骨干教师",
                               start=dt.date(2024, 1, 1))
    body = ok(get(cast, "county_admin", "person_detail", principal.code))
    assert body["title_label"] == "高级教师" and body["title_level"] == "副高级"
    assert body["main_subject"] == {"code": "math", "name": "数学"}
    assert {p["role_label"] for p in body["posts"]} == {"校长", "教师"}
    assert all(p["is_current"] for p in body["posts"])
    assert body["designations"][0]["kind_label"] == "骨干教师"
    assert body["designations"][0]["level_label"] == "县级"


def test_posts_by_person_and_org(cast: Cast) -> None:
    by_person = ok(get(cast, "principal", "post_list", person=cast.people["principal"].code))
    assert {p["role"] for p in by_person["items"]} == {"principal", "teacher"}
    by_org = ok(get(cast, "bureau_viewer", "post_list", org="140105", role="researcher"))
    assert {p["person"]["name"] for p in by_org["items"]} == {"张文华"}
    # The county node itself is outside a principal's scope, so it cannot be a filter either.
    assert get(cast, "principal", "post_list", org="140105").status_code == 404
    assert get(cast, "outside_teacher", "post_list", person=cast.people["principal"].code).status_code == 404


# ---------------------------------------------------------------- terms


def test_terms_are_inherited_from_the_province(cast: Cast) -> None:
    page = ok(get(cast, "teacher", "term_list", node=cast.school_a1.code))
    assert [t["key"] for t in page["items"]] == ["2026-1", "2025-2"]
    assert page["items"][0]["region"]["code"] == "140000"
    assert page["items"][0]["label"] == "2026—2027学年第一学期"
    assert ok(get(cast, "teacher", "term_list"))["count"] == 2
    assert get(cast, "teacher", "term_list", node=cast.school_a2.code).status_code == 404


def test_admin_sets_a_county_term_with_an_audit_event(cast: Cast) -> None:
    data = {"region": "140105", "school_year": 2026, "semester": 1, "start": "2026-09-01", "end": "2027-01-22"}
    body = ok(send(cast.client("county_admin"), "POST", url("term_list"), data), 201)
    assert body["region"]["code"] == "140105" and body["semester_label"] == "第一学期"
    event = AuditEvent.objects.get(model="core.Term", object_id=str(body["id"]))
    assert event.action == "create" and event.actor == cast.users["county_admin"]
    # The county's own term now overrides the province's for its schools.
    page = ok(get(cast, "teacher", "term_list", node=cast.school_a1.code))
    assert [t["region"]["code"] for t in page["items"]] == ["140105"]
    changed = ok(send(cast.client("county_admin"), "PUT", url("term_detail", body["id"]),
                      {"start": "2026-08-31", "end": "2027-01-22"}))
    assert changed["start"] == "2026-08-31"
    assert AuditEvent.objects.filter(model="core.Term", object_id=str(body["id"]), action="update").exists()


def test_term_writes_outside_admin_scope_are_404(cast: Cast) -> None:
    data = {"region": "140106", "school_year": 2026, "semester": 1, "start": "2026-09-01", "end": "2027-01-22"}
    assert send(cast.client("county_admin"), "POST", url("term_list"), data).status_code == 404
    assert send(cast.client("teacher"), "POST", url("term_list"), {**data, "region": "140105"}).status_code == 404
    assert send(cast.client("institute_head"), "POST", url("term_list"), {**data, "region": "140000"}
                ).status_code == 404
    dates = {"start": "2026-09-01", "end": "2027-01-25"}
    assert send(cast.client("county_admin"), "PUT", url("term_detail", cast.term.pk), dates).status_code == 404
    assert ok(send(cast.client("sysadmin"), "PUT", url("term_detail", cast.term.pk), dates))["end"] == "2027-01-25"


def test_term_validation_is_chinese_and_names_the_field(cast: Cast) -> None:
    bad = {"region": "140105", "school_year": 1990, "semester": 3, "start": "2026-09-01", "end": "2026-08-01"}
    response = send(cast.client("county_admin"), "POST", url("term_list"), bad)
    assert response.status_code == 422
    errors = {e["field"]: e["msg"] for e in response.json()["detail"]}
    assert errors["school_year"] == "学年（起始年）：不能小于2000"
    assert errors["semester"].startswith("学期：取值应为以下之一")
    assert errors["end"] == "结束日期：必须晚于开始日期"
    missing = send(cast.client("county_admin"), "POST", url("term_list"), {"school_year": 2026})
    fields = {e["field"]: e["msg"] for e in missing.json()["detail"]}
    assert fields["region"] == "区域代码：不能为空"


# ---------------------------------------------------------------- groups


def test_groups_by_school_and_term_within_subject_scope(cast: Cast) -> None:
    math_id = math_group_id(cast)
    page = ok(get(cast, "principal", "group_list", school=cast.school_a1.code, term="2026-1"))
    assert {g["name"] for g in page["items"]} == {"数学教研组", "语英教研组"}
    assert ok(get(cast, "principal", "group_list", term="2025-2"))["count"] == 0
    # The maths researcher sees only the maths group; the Chinese researcher only the other.
    assert {g["name"] for g in ok(get(cast, "city_researcher", "group_list"))["items"]} == {"数学教研组"}
    assert {g["name"] for g in ok(get(cast, "county_researcher", "group_list"))["items"]} == {"语英教研组"}
    assert get(cast, "county_researcher", "group_detail", math_id).status_code == 404
    assert get(cast, "outside_principal", "group_detail", math_id).status_code == 404
    assert ok(get(cast, "outside_principal", "group_list"))["count"] == 0
    detail = ok(get(cast, "city_researcher", "group_detail", math_id))
    assert detail["kind_label"] == "教研组" and detail["status_label"] == "待确认"
    assert {m["person"]["name"] for m in detail["members"]} == {"孙国庆", "冯志刚"}
    assert detail["member_count"] == 2
    assert get(cast, "principal", "group_list", term="2026").status_code == 422


# ---------------------------------------------------------------- norms and compliance


def test_norm_list_gives_the_threshold_in_force(cast: Cast) -> None:
    body = ok(get(cast, "county_admin", "norm_list", node="1140105001", q="GROUP.FORM"))
    assert body["items"][0]["threshold"] == body["items"][0]["default_threshold"] == 3
    assert body["items"][0]["override"] is None
    form = Norm.objects.get(code="GROUP.FORM")
    services.norm_override_set(actor=None, norm=form, region=cast.city, threshold=5)
    services.norm_override_set(actor=None, norm=form, region=cast.county_a, threshold=4)
    at_a1 = ok(get(cast, "county_admin", "norm_list", node="1140105001", q="GROUP.FORM"))["items"][0]
    assert at_a1["threshold"] == 4 and at_a1["override"]["region"]["code"] == "140105"
    at_b1 = ok(get(cast, "institute_head", "norm_detail", "GROUP.FORM", node="1140106001"))
    assert at_b1["threshold"] == 5 and at_b1["override"]["region"]["code"] == "140100"
    # The bulk rule of the list agrees with core.compliance.effective_threshold for every norm.
    for node in OrgNode.objects.all():
        nearest = nearest_overrides(node)
        for norm in Norm.objects.all():
            expected = effective_threshold(norm.code, node)
            assert (nearest[norm.pk].threshold if norm.pk in nearest else norm.threshold) == expected


def test_norm_override_by_admin_with_audit_and_refused_otherwise(cast: Cast) -> None:
    target = url("norm_override", "GROUP.FORM")
    data = {"region": "140105", "threshold": 4, "note": "本区学校规模小"}
    body = ok(send(cast.client("county_admin"), "PUT", target, data))
    assert body["threshold"] == 4 and body["override"]["note"] == "本区学校规模小"
    assert AuditEvent.objects.filter(model="core.NormOverride", action="create",
                                     actor=cast.users["county_admin"]).exists()
    assert send(cast.client("county_researcher"), "PUT", target, data).status_code == 404
    assert send(cast.client("outside_researcher"), "PUT", target, data).status_code == 404
    assert send(cast.client("county_admin"), "PUT", target, {**data, "region": "140106"}).status_code == 404
    # Schools do not set thresholds, not even for the admin above them.
    assert send(cast.client("county_admin"), "PUT", target, {**data, "region": "1140105001"}).status_code == 404
    assert send(cast.client("county_admin"), "PUT", url("norm_override", "NO.SUCH"), data).status_code == 404
    negative = send(cast.client("county_admin"), "PUT", target, {**data, "threshold": -1})
    assert negative.json()["detail"][0]["msg"] == "阈值：不能小于0"
    response = cast.client("county_admin").delete(target + "?region=140105")
    assert response.status_code == 204
    assert AuditEvent.objects.filter(model="core.NormOverride", action="delete").exists()
    assert cast.client("county_admin").delete(target + "?region=140105").status_code == 404


def test_compliance_per_node_and_term(cast: Cast) -> None:
    math_group_id(cast)
    body = ok(get(cast, "county_researcher", "compliance", node="140105", term="2026-1"))
    assert body["node"]["code"] == "140105" and body["term"]["key"] == "2026-1"
    by_code = {n["code"]: n for n in body["norms"]}
    form = by_code["GROUP.FORM"]
    assert (form["total"], form["met"], form["status"], form["percent"]) == (2, 0, "short", 0)
    assert form["rows"] is None
    assert by_code["GOV.MEETING"]["status"] == "short"  # live since issue 16: no meeting in county A
    # Live since issue 11, but a county's scope holds no provincial institution: nothing to count.
    assert by_code["VISIT.PROVINCE"]["status"] == "empty"
    rows = ok(get(cast, "county_researcher", "compliance", node="140105", norm="GROUP.FORM"))
    assert [n["code"] for n in rows["norms"]] == ["GROUP.FORM"]
    assert {r["label"]: r["detail"] for r in rows["norms"][0]["rows"]} == {
        "小店第一中学": "教研组方案待校长确认", "北格镇中心小学": "本学期尚未组建教研组"}
    assert get(cast, "outside_researcher", "compliance", node="140105").status_code == 404
    bad = get(cast, "county_researcher", "compliance", node="140105", term="2031-1")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "term"
    assert get(cast, "county_researcher", "compliance", norm="NO.SUCH").status_code == 422
    assert get(cast, "no_post", "compliance").status_code == 404


# ---------------------------------------------------------------- people and posts: writes


def test_admin_creates_a_person_with_an_audit_event(cast: Cast) -> None:
    data = {"code": "T90001", "name": "欧阳明", "org": cast.school_a1.code, "gender": "m", "title": "yiji",
            "stage": "junior", "main_subject": "physics", "subjects": ["math"], "teaching_since": 2012}
    body = ok(send(cast.client("county_admin"), "POST", url("person_list"), data), 201)
    assert body["title_label"] == "一级教师" and body["gender_label"] == "男"
    assert body["subjects"] == [{"code": "math", "name": "数学"}]
    person = Person.objects.get(code="T90001")
    assert person.initials == "oym"
    event = AuditEvent.objects.get(model="core.Person", object_id=str(person.pk))
    assert event.actor == cast.users["county_admin"] and event.scope_path == cast.school_a1.path
    duplicate = send(cast.client("county_admin"), "POST", url("person_list"), data)
    assert duplicate.status_code == 422
    assert duplicate.json()["detail"][0]["field"] == "code" and "人员编号" in duplicate.json()["detail"][0]["msg"]


def test_person_writes_refused_outside_admin_scope(cast: Cast) -> None:
    data = {"code": "T90002", "name": "钱多", "org": cast.school_a1.code}
    for role in ("principal", "county_researcher", "institute_head", "outside_principal"):
        assert send(cast.client(role), "POST", url("person_list"), data).status_code == 404, role
    assert send(cast.client("county_admin"), "POST", url("person_list"),
                {**data, "org": cast.school_b1.code}).status_code == 404
    assert not Person.objects.filter(code="T90002").exists()


def test_person_validation_is_chinese_and_names_the_field(cast: Cast) -> None:
    bad = {"code": "含 空格", "name": "  ", "org": cast.school_a1.code, "title": "professor", "birth_year": 1800,
           "subjects": "math"}
    response = send(cast.client("county_admin"), "POST", url("person_list"), bad)
    assert response.status_code == 422
    errors = {e["field"]: e["msg"] for e in response.json()["detail"]}
    assert errors == {
        "code": "人员编号：格式不正确",
        "name": "姓名：不能只含空格",
        "title": "职称：取值应为以下之一：zhenggao, gaoji, yiji, erji, sanji 或 none",
        "birth_year": "出生年份：不能小于1940",
        "subjects": "兼教学科代码：必须是列表",
    }
    unknown = send(cast.client("county_admin"), "POST", url("person_list"),
                   {"code": "T1", "name": "王五", "org": cast.school_a1.code, "subjects": ["math", "latin"]})
    assert unknown.json()["detail"] == [{"loc": ["body", "subjects"], "field": "subjects",
                                         "msg": "兼教学科代码：没有这个学科：latin"}]
    not_json = cast.client("county_admin").post(url("person_list"), "{", content_type=JSON)
    assert not_json.status_code in (400, 422)


def test_admin_creates_a_post_and_roles_must_fit_the_node(cast: Cast) -> None:
    teacher = cast.people["teacher"]
    data = {"person": teacher.code, "role": "homeroom", "org": cast.school_a1.code, "grade": 7,
            "start": "2026-09-01"}
    body = ok(send(cast.client("county_admin"), "POST", url("post_list"), data), 201)
    assert body["role_label"] == "班主任" and body["grade"] == 7
    assert AuditEvent.objects.filter(model="core.Post", object_id=str(body["id"]), action="create").exists()
    wrong = send(cast.client("county_admin"), "POST", url("post_list"), {**data, "role": Role.RESEARCHER})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["field"] == "org"
    backwards = send(cast.client("county_admin"), "POST", url("post_list"), {**data, "end": "2026-01-01"})
    assert {e["field"]: e["msg"] for e in backwards.json()["detail"]} == {"end": "结束日期：不能早于开始日期"}
    assert send(cast.client("principal"), "POST", url("post_list"), data).status_code == 404
    outsider = cast.people["outside_teacher"]
    assert send(cast.client("county_admin"), "POST", url("post_list"),
                {**data, "person": outsider.code}).status_code == 404


# ---------------------------------------------------------------- OpenAPI, pagination, queries


def test_openapi_schema_lists_every_operation(cast: Cast) -> None:
    schema = ok(cast.client("teacher").get("/api/v1/openapi.json"))
    operations = [(m.upper(), p) for p, item in schema["paths"].items() for m in item]
    # The apps' own operations are tested with their routers (visits: tests/visits/).
    core_ops = [op for op in operations if not op[1].startswith(("/api/v1/observe", "/api/v1/quality",
                                                                   "/api/v1/visits", "/api/v1/research", "/api/v1/liaison",
                                                                   "/api/v1/growth", "/api/v1/projects", "/api/v1/integrations",
                                                                   "/api/v1/appraisal"))]
    assert len(core_ops) == 21
    assert ("PUT", "/api/v1/norms/{code}/override") in operations
    assert set(schema["components"]["securitySchemes"]) == {"BearerTokenAuth", "SessionCsrfAuth"}
    docs = cast.client("teacher").get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_pagination_totals(cast: Cast) -> None:
    for i in range(30):
        services.person_create(actor=None, code=f"X{i:04d}", name=f"测试{i}", org=cast.school_a2)
    first = ok(get(cast, "county_admin", "person_list", org=cast.school_a2.code, limit=20))
    rest = ok(get(cast, "county_admin", "person_list", org=cast.school_a2.code, limit=20, offset=20))
    assert first["count"] == rest["count"] == 31  # 30 new and 许晨
    assert len(first["items"]) == 20 and len(rest["items"]) == 11
    assert not codes(first) & codes(rest)
    too_many = get(cast, "county_admin", "person_list", limit=201)
    assert too_many.status_code == 422
    assert too_many.json()["detail"][0] == {"loc": ["query", "limit"], "field": "limit", "msg": "每页条数：不能大于200"}


def _queries(client: Client, target: str, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        ok(client.get(target, params))
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name,params", [
    ("school_list", {}), ("person_list", {}), ("post_list", {}), ("group_list", {}), ("norm_list", {}),
    ("region_list", {"parent": "140100"}), ("term_list", {}),
])
def test_lists_take_a_constant_number_of_queries(cast: Cast, name: str, params: dict[str, Any],
                                                 django_assert_max_num_queries: Callable[..., Any]) -> None:
    math_group_id(cast)
    subject = Subject.objects.get(code="math")
    for i in range(12):
        p = services.person_create(actor=None, code=f"Q{i:04d}", name=f"数量{i}", org=cast.school_a2,
                                   main_subject=subject, subjects=[subject])
        services.post_create(actor=None, person=p, role=Role.TEACHER, org=cast.school_a2, subject=subject)
    client = cast.client("sysadmin")
    small = _queries(client, url(name), {**params, "limit": 1})
    large = _queries(client, url(name), {**params, "limit": 200})
    assert small == large
    with django_assert_max_num_queries(8):
        client.get(url(name), {**params, "limit": 200})


# ---------------------------------------------------------------- the access rows themselves


