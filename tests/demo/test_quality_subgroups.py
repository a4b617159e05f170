"""The quality demo's student subgroup attributes (issue 15) on the tiny seed: recorded through
the real import, and the 分群体分析 page of the demo exam shows the county's groups."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core.demo.generator import SeedResult
from core.models import User
from quality.models import Exam, Student

pytestmark = pytest.mark.django_db


def test_demo_students_carry_subgroup_attributes_and_the_page_shows_them(tiny: SeedResult) -> None:
    assert "quality.exams" in tiny.timings
    exam = Exam.objects.order_by("held_on").first()  # the 期中, whose import the attributes follow
    assert exam is not None
    students = Student.objects.filter(school__path__startswith=exam.org.path)
    n = students.count()
    assert n > 100
    assert not students.filter(gender="").exists()
    assert 0 < students.filter(left_behind__isnull=True).count() < 0.1 * n
    assert 0.3 * n < students.filter(gender="m").count() < 0.7 * n
    assert students.filter(left_behind=True).exists() and students.filter(migrant=True).exists()
    assert students.filter(boarding=True).exists() and students.filter(boarding=False).exists()

    c = Client()
    c.force_login(User.objects.create_superuser("subgroups_demo", "x-Demo-2026", name="演示管理员"))
    body = c.get(reverse("quality:exam_subgroups", args=[exam.pk])).content.decode()
    assert "分群体分析" in body and "两组差异（男 − 女）" in body and "Hedges g" in body
