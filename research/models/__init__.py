"""The research app's tables, one module per area: activities with participants and sign-in
(`activities`), subject-group life (`groups`), collective preparation (`prep`), homeroom
meetings (`homeroom`) and 送教 orders (`orders`)."""

from research.models.activities import *  # noqa: F403
from research.models.groups import *  # noqa: F403
from research.models.homeroom import *  # noqa: F403
from research.models.orders import *  # noqa: F403
from research.models.prep import *  # noqa: F403
