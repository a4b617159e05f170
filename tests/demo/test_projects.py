"""The projects demo (projects/demo) on the tiny seed: projects at every level and in every stage,
consistent dates, documents and reviews; some teachers fall short of their duty."""

from __future__ import annotations

import pytest

from core.compliance import evaluate
from core.demo.generator import SeedResult
from core.models import Norm, OrgNode, User
from projects import lifecycle
from projects.models import Project, ProjectReview, ProjectStatus

pytestmark = pytest.mark.django_db


def test_demo_projects_cover_every_level_and_stage(tiny: SeedResult) -> None:
    result = tiny
    assert "projects.projects" in result.timings
    projects = Project.objects.all()
    assert set(projects.values_list("level", flat=True)) == {"school", "county", "city", "province", "national"}
    assert set(projects.values_list("status", flat=True)) == set(ProjectStatus.values)
    for p in projects.prefetch_related("steps", "documents"):
        reached = [s for s in lifecycle.MAIN_LINE if p.stage_date(s) is not None]
        assert reached == list(lifecycle.MAIN_LINE[:len(reached)])  # no stage skipped
        dates = [s.date for s in p.steps.all()]
        assert dates == sorted(dates) and p.steps.count() == len(dates)
        kinds = {d.kind for d in p.documents.all()}
        for stage, docs in lifecycle.REQUIRED_DOCUMENTS.items():
            if p.stage_date(stage) is not None:
                assert set(docs) <= kinds
        if p.status == ProjectStatus.CONCLUDED:
            assert p.reviews.filter(submitted_at__isnull=False, stage="concluded").exists()
            assert p.outcomes.exists()
        assert p.owner.path.startswith(p.approver.path)
    researcher = User.objects.get(username="demo-county_researcher").person_id
    assert ProjectReview.objects.filter(expert_id=researcher, submitted_at__isnull=True).exists()
    teacher = User.objects.get(username="demo-teacher").person_id
    assert Project.objects.filter(leader_id=teacher, status="opened", level="county").exists()
    # Some teachers are short of their duty, some meet it.
    province = OrgNode.objects.get(parent__isnull=True)
    rows = evaluate(User.objects.get(username="demo-sysadmin"), province, None,
                    Norm.objects.get(code="TEACHER.PROJECT_JUNIOR")).rows
    assert any(r.meets for r in rows) and any(not r.meets for r in rows)
