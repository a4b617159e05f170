"""The error observe's services raise to refuse a write with a message for the user."""

from __future__ import annotations

from core.errors import DomainError


class ObservationError(DomainError):
    """A rule of lesson observation refused the write; `field` names the form field when there is one."""


class IncompleteRubricError(ObservationError):
    """Submitting with rateable rubric items left unrated, without confirming it: the form lists
    the items (`unrated`, as (code, title)) and asks the observer to rate them or confirm."""

    def __init__(self, *, rated: int, items: int, unrated: list[tuple[str, str]]) -> None:
        self.rated, self.items, self.unrated = rated, items, unrated
        shown = "、".join(f"{code} {title}" for code, title in unrated[:5])
        more = f"等 {len(unrated)} 项" if len(unrated) > 5 else ""
        super().__init__(f"评分量表：还有 {len(unrated)} 项未评分（{shown}{more}）。未评完的量表不计总分和等级；"
                         "请补评，或确认“评分未完成也提交”", field="rubric")
