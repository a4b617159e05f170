"""A lesson observed in a research activity (a 教学展示, 课例研修, 磨课 …) keeps the activity as its
context (observe.contexts): `?activity=12` on the observation form's address. The activity's
page lists these observations as its lessons shown."""

from __future__ import annotations

from observe.contexts import ContextKind, register_context
from research.access import get_activity_for_recording

register_context(ContextKind(param="activity", label="教研活动", resolve=get_activity_for_recording,
                             refusal="教研活动：没有找到该活动，或活动已取消"))
