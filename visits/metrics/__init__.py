"""The visits app's norms in core.compliance: VISIT.*, CHECK.*, WEEK.PATTERN and GOV.CITY_FOCUS
(`visits`), PROBLEM.DEADLINE (`problems`)."""

from visits.metrics import problems, visits  # noqa: F401
