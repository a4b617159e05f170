"""The appraisal app's norms: GROUP.RUBRIC and GROUP.AWARDS (`campaigns`), RES.APPRAISAL
(`researchers`), FUND.TRAINING, FUND.EQUIPMENT, FUND.TEACHING and GOV.MEETING (`governance`)."""

from appraisal.metrics import campaigns, governance, reports, researchers  # noqa: F401
