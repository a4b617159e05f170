"""The research app's norms in core.compliance: GROUP.MEMBERSHIP, GROUP.PLAN, GROUP.MEET,
GROUP.JOURNALS, GROUP.KEY_SUBJECTS (`groups`), PREP.STEPS (`prep`), HOMEROOM.* (`homeroom`)."""

from research.metrics import activities, groups, homeroom, orders, prep  # noqa: F401
