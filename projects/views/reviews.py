"""The expert's side: the reviews assigned to me, and the form to submit one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from core.http import AuthedRequest
from observe.access import offered_versions
from observe.forms import ratings_from_post
from observe.models import RubricPurpose
from observe.views.common import rubric_sections
from projects import access
from projects import services as svc
from projects.errors import ProjectError
from projects.forms import ReviewForm


@login_required
def reviews(request: AuthedRequest) -> HttpResponse:
    """The reviews assigned to the user: those to do first, then those submitted."""
    rows = list(access.reviews_assigned_to(request.user).order_by("submitted_at", "due", "-created_at")[:200])
    return render(request, "projects/reviews.html", {
        "todo": [r for r in rows if not r.is_submitted], "done": [r for r in rows if r.is_submitted]})


@login_required
def review(request: AuthedRequest, review_id: int) -> HttpResponse:
    """One review, read by its expert and submitted once."""
    r = access.get_review_for_user(request.user, review_id, write=True)
    versions = offered_versions(request.user, purpose=RubricPurpose.OTHER)
    raw = str((request.POST if request.method == "POST" else request.GET).get("rubric") or "")
    version = versions.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
    ratings = ratings_from_post(request.POST, version.nodes) if version is not None and request.method == "POST" else {}
    form = ReviewForm(request.POST or None, rubric=version is not None)
    if request.method == "POST" and not r.is_submitted and form.is_valid():
        d = form.cleaned_data
        try:
            svc.review_submit(actor=request.user, review=r, score=d.get("score"), verdict=d["verdict"],
                              comments=d["comments"], rubric=version, ratings=ratings)
        except ProjectError as exc:
            exc.show_on(form)
        else:
            messages.success(request, "评审意见已提交。")
            return redirect("projects:detail", r.project_id)
    docs = list(r.project.documents.order_by("created_at", "id"))
    return render(request, "projects/review.html", {
        "r": r, "form": form, "docs": docs, "versions": versions if not r.is_submitted else [],
        "version": version, "sections": rubric_sections(version, ratings) if version is not None else [],
        "assessment_sections": rubric_sections(r.assessment.version, r.assessment.ratings)
        if r.assessment is not None else []}, status=400 if form.errors else 200)


urls: list[URLPattern] = [
    path("reviews/", reviews, name="reviews"),
    path("reviews/<int:review_id>/", review, name="review"),
]
