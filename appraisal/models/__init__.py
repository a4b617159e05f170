"""The appraisal app's tables, one module per area: the campaign engine with 教研组, school and
principal evaluations and objections (`campaigns`), researcher appraisal with workload figures and
ratings (`researchers`), governance and funding: meetings, plans pushed down as tasks, school
spending (`governance`), and the institution's yearly report (`reports`)."""

from appraisal.models.campaigns import *  # noqa: F403
from appraisal.models.governance import *  # noqa: F403
from appraisal.models.reports import *  # noqa: F403
from appraisal.models.researchers import *  # noqa: F403
