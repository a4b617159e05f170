"""The research app's tables: homeroom meetings (004 (一)2: "每學期至少召開一次家長會，每月召開一次
學生座談會、一次科任教師聯席會").

A class is identified by its homeroom post (core.Post with role 班主任 at a school, for a
grade): one homeroom teacher holds one class, and records its meetings."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.models import OrgNode, Post, User

__all__ = ["HomeroomMeeting", "MeetingKind"]


class MeetingKind(models.TextChoices):
    PARENTS = "parents", "家长会"
    STUDENT_FORUM = "student_forum", "学生座谈会"
    TEACHERS_JOINT = "teachers_joint", "科任教师联席会"


class HomeroomMeeting(models.Model):
    school = models.ForeignKey(OrgNode, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    homeroom = models.ForeignKey(Post, verbose_name="班级（班主任）", on_delete=models.PROTECT,
                                 related_name="homeroom_meetings")
    kind = models.CharField("类别", max_length=16, choices=MeetingKind.choices)
    held_on = models.DateField("日期")
    attendance = models.PositiveIntegerField("出席人数")
    topic = models.CharField("主题", max_length=120, blank=True)
    notes = models.TextField("记录", blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = "班级会议"
        verbose_name_plural = "班级会议"
        indexes = [
            models.Index(fields=["school", "held_on"], name="homeroom_school_day"),
            models.Index(fields=["homeroom", "kind", "held_on"], name="homeroom_class_kind_day"),
        ]
        constraints = [models.CheckConstraint(condition=Q(attendance__gte=1), name="homeroom_attendance_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"
