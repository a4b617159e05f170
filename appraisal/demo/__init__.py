"""Demo records of the appraisal app for the seed (core/demo/extensions.py): a year of campaigns
in every stage with ratings and objections (`campaigns`, `researchers`), meetings, plans and
spending (`governance`), and a yearly report (`reports`). Each module registers its own extension."""

from appraisal.demo import campaigns, governance, reports, researchers  # noqa: F401
