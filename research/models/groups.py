"""The research app's tables: subject-group life. `JointGroup` is a cross-school 联组 (by
township, education group or 片区) whose member schools' groups run activities together."""

from __future__ import annotations

from django.db import models

from core.models import OrgNode, Person, Stage, Subject, TeachingGroup

__all__ = ["JointGroup"]


class JointGroup(models.Model):
    """A cross-school 联组: member schools' 教研组 of one subject and stage under a region node
    (a township, a county for an education group or 片区), led by a school or an institution."""

    region = models.ForeignKey(OrgNode, verbose_name="所属区域", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=60)
    subject = models.ForeignKey(Subject, verbose_name="学科", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    stage = models.CharField("学段", max_length=10, choices=Stage.choices, blank=True)
    lead_school = models.ForeignKey(OrgNode, verbose_name="牵头学校", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(Person, verbose_name="负责人", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    schools = models.ManyToManyField(OrgNode, verbose_name="成员学校", related_name="joint_groups")
    groups = models.ManyToManyField(TeachingGroup, verbose_name="成员教研组", blank=True, related_name="joint_groups")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region", "name"]
        verbose_name = "联组"
        verbose_name_plural = "联组"

    def __str__(self) -> str:
        return self.name
