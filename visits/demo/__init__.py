"""Demo visits for the seed (core/demo/extensions.py): a school year of visits of every kind with
teams and schedules (`plan`), records made on site, schools' checks and walkthroughs (`onsite`),
findings and rectifications in every state (`findings`), and issued reports (`reports`). Each
module registers its own extension, in that order."""

from visits.demo import findings, onsite, plan, reports  # noqa: F401
