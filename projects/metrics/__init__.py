"""The projects app's norms in core.compliance: TEACHER.PROJECT_JUNIOR, TEACHER.PROJECT_FIRST,
TEACHER.PROJECT_SENIOR."""
