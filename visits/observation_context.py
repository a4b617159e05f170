"""A lesson observed on an inspection visit keeps the visit as its context (observe.contexts),
when the observer records on that visit: a team member or a manager of it."""

from __future__ import annotations

from observe.contexts import ContextKind, register_context
from visits.access import get_visit_for_recording

register_context(ContextKind(param="visit", label="视导", resolve=get_visit_for_recording,
                             refusal="视导：没有找到该视导，或你不是视导组成员"))
