"""The roster sync's own records: each run (SyncRun) and which rows the sync owns (RosterLink).

Imported at the end of core.models so Django registers them with the core app. The trunk's
OrgNode, Person and Post carry no sync columns: a RosterLink says that a record came from (or
was matched to) a row of a national export, under which key, and which of its fields the sync
last wrote, with what values. That is the whole precedence rule (docs/roster-sync.md):

* a field the sync wrote, still holding the value it wrote, follows the file;
* a field changed since by hand (its value differs from what the sync wrote) is the user's from
  then on, and the sync never writes it again;
* a record the sync did not create (entered by hand, then matched) is only filled in where it
  was blank when first matched, and is never ended by the sync.
"""

from __future__ import annotations

from django.db import models

from core.models import OrgNode, User
from core.roster_codes import Source


class SyncStatus(models.TextChoices):
    STAGED = "staged", "待确认"
    APPLIED = "applied", "已同步"
    DISCARDED = "discarded", "已放弃"


class SyncRun(models.Model):
    """One upload of an export sheet: staged with its preview, then applied or discarded."""

    source = models.CharField("来源", max_length=12, choices=[(s.value, s.label) for s in Source])
    root = models.ForeignKey(OrgNode, verbose_name="同步范围", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField("文件名", max_length=200)
    digest = models.CharField(max_length=64)
    status = models.CharField("状态", max_length=10, choices=SyncStatus.choices, default=SyncStatus.STAGED)
    # The parsed rows (core.spreadsheets.pack_rows), kept until applied or discarded.
    table = models.BinaryField(default=b"", blank=True)
    rows = models.PositiveIntegerField("行数", default=0)
    # The date posts are ended on and new posts start on.
    effective = models.DateField("生效日期")
    # {"school"|"person"|"post": {"added": n, "changed": n, "ended": n, "unchanged": n, "kept": n}}
    counts = models.JSONField(default=dict)
    # The first lines of the change list: [action, entity, record, detail].
    changes = models.JSONField(default=list)
    notes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "名册同步"
        verbose_name_plural = "名册同步"
        indexes = [models.Index(fields=["status", "created_at"], name="syncrun_status_created")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.filename}"

    def total(self, action: str) -> int:
        return sum(int(c.get(action, 0)) for c in self.counts.values())

    @property
    def added_total(self) -> int:
        return self.total("added")

    @property
    def changed_total(self) -> int:
        return self.total("changed")

    @property
    def ended_total(self) -> int:
        return self.total("ended")

    @property
    def unchanged_run(self) -> bool:
        return not any(self.total(a) for a in ("added", "changed", "ended"))


class LinkEntity(models.TextChoices):
    SCHOOL = "school", "学校"
    PERSON = "person", "人员"
    POST = "post", "岗位"


class RosterLink(models.Model):
    """A record the sync created or matched, its external key and the fields it owns."""

    entity = models.CharField(max_length=8, choices=LinkEntity.choices)
    # 学校标识码 for schools; the keyed digest of the identity number for people (never the
    # number); person digest + school code + subject code for posts.
    key = models.CharField(max_length=120)
    object_id = models.PositiveBigIntegerField()
    # The school a person or post belongs to (or the school itself): the file covers the schools it
    # names, and ends only what it owns there.
    path = models.CharField(max_length=255)
    created_by_sync = models.BooleanField(default=True)
    synced = models.JSONField(default=dict)
    ended_on = models.DateField(null=True, blank=True)
    last_run = models.ForeignKey(SyncRun, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "key"], name="rosterlink_unique_key")]
        indexes = [models.Index(fields=["entity", "object_id"], name="rosterlink_entity_object"),
                   models.Index(fields=["entity", "path"], name="rosterlink_entity_path")]

    def __str__(self) -> str:
        return f"{self.entity}:{self.key[:12]}"
